"""The facility survey (004 basic task 7): registering and editing facilities (MANAGE_PROVIDERS)."""

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from eldercare.accounts.access import Action, in_scope, require
from eldercare.catalogue.models import ServiceItem
from eldercare.core.audit import record_change
from eldercare.core.geo import CoordinateError, parse_coordinates
from eldercare.providers.errors import Problem, ProviderDataError
from eldercare.providers.models import Facility, FacilityKind, OperationMode, Provider
from eldercare.providers.services.common import (
    audit_create,
    current_regions,
    require_in_scope,
    single_line,
    snapshot,
)

FIELDS = (
    "region_code",
    "name",
    "kind",
    "address",
    "latitude",
    "longitude",
    "floor_area_m2",
    "beds",
    "operation_mode",
    "operator_id",
    "opening_hours",
    "is_operating",
    "is_newly_built",
    "medical_partner",
    "built_on",
)
MAX_AREA = Decimal("1000000")
MAX_BEDS = 10000


def _area(raw: object, problems: list[Problem]) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw)).quantize(Decimal("0.1"))
    except InvalidOperation:
        problems.append(Problem("floor_area_m2", "format", f"应为数字：{raw}"))
        return None
    if not Decimal(0) <= value <= MAX_AREA:
        problems.append(Problem("floor_area_m2", "range", "建筑面积应在 0 到 1,000,000 平方米之间"))
    return value


def _beds(raw: object, problems: list[Problem]) -> int:
    if raw in (None, ""):
        return 0
    try:
        value = int(str(raw))
    except ValueError:
        problems.append(Problem("beds", "format", f"应为整数：{raw}"))
        return 0
    if not 0 <= value <= MAX_BEDS:
        problems.append(Problem("beds", "range", "床位数应在 0 到 10000 之间"))
    return value


def clean_facility(actor: Any, data: Mapping[str, Any]) -> dict[str, Any]:
    """Every rule of a facility row, collected (also used by the survey import)."""
    problems: list[Problem] = []
    cleaned: dict[str, Any] = {
        "name": single_line(data.get("name"), 100),
        "address": single_line(data.get("address"), 200),
        "opening_hours": single_line(data.get("opening_hours"), 100),
        "medical_partner": single_line(data.get("medical_partner"), 100),
        "kind": data.get("kind"),
        "operation_mode": data.get("operation_mode"),
        "is_operating": bool(data.get("is_operating")),
        "is_newly_built": bool(data.get("is_newly_built")),
        "built_on": data.get("built_on"),
    }
    if not cleaned["name"]:
        problems.append(Problem("name", "required", "请填写设施名称"))
    if cleaned["kind"] not in FacilityKind.values:
        problems.append(Problem("kind", "invalid", "请选择设施类型"))
    if cleaned["operation_mode"] not in OperationMode.values:
        problems.append(Problem("operation_mode", "invalid", "请选择运营方式"))
    try:
        [cleaned["region_code"]] = current_regions(
            "region_code", [str(data.get("region_code") or "")], actor, village_only=True
        )
    except ProviderDataError as error:
        problems.extend(error.problems)
    try:
        point = parse_coordinates(data.get("latitude"), data.get("longitude"))
    except CoordinateError as error:
        problems.append(Problem("coordinates", error.code, error.message))
    else:
        cleaned["latitude"], cleaned["longitude"] = point or (None, None)
    cleaned["floor_area_m2"] = _area(data.get("floor_area_m2"), problems)
    cleaned["beds"] = _beds(data.get("beds"), problems)
    operator = data.get("operator")
    if operator is not None and not (
        isinstance(operator, Provider) and in_scope(actor, operator.region_code)
    ):
        problems.append(Problem("operator", "unknown", "运营机构不存在或不在管辖范围内"))
        operator = None
    if operator is None and cleaned["operation_mode"] == OperationMode.PUBLIC_BUILT_PRIVATE_RUN:
        problems.append(Problem("operator", "required", "公建民营的设施应填写运营机构"))
    cleaned["operator_id"] = operator.pk if operator else None
    if problems:
        raise ProviderDataError(problems)
    return cleaned


def register_facility(
    *, actor: Any, data: Mapping[str, Any], services: Sequence[ServiceItem] = ()
) -> Facility:
    require(actor, Action.MANAGE_PROVIDERS)
    cleaned = clean_facility(actor, data)
    with transaction.atomic():
        facility = Facility.objects.create(**cleaned)
        facility.services.set(services)
        audit_create(
            actor,
            facility,
            facility.region_code,
            {**cleaned, "services": sorted(item.code for item in services)},
        )
    return facility


def update_facility(
    *,
    actor: Any,
    facility: Facility,
    data: Mapping[str, Any],
    services: Sequence[ServiceItem] | None = None,
) -> Facility:
    require(actor, Action.MANAGE_PROVIDERS)
    require_in_scope(actor, facility.region_code)
    cleaned = clean_facility(actor, data)
    with transaction.atomic():
        locked = Facility.objects.select_for_update().get(pk=facility.pk)
        before = snapshot(locked, FIELDS)
        before["services"] = sorted(locked.services.values_list("code", flat=True))
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.save()
        after = snapshot(locked, FIELDS)
        if services is not None:
            locked.services.set(services)
        after["services"] = sorted(locked.services.values_list("code", flat=True))
        record_change(
            actor=actor, obj=locked, region_code=locked.region_code, before=before, after=after
        )
    return locked
