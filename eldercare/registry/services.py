"""Use cases of the registry. Pages, API, import and commands all call these; each checks the
actor's permission and scope, runs in one transaction and writes its audit record."""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from eldercare.accounts.access import Action, get_scoped_or_404, in_scope, require
from eldercare.core.audit import record, record_change
from eldercare.core.models import AuditAction
from eldercare.core.normalize import (
    ValueFormatError,
    clean_name,
    parse_date,
    parse_phones,
    split_list,
)
from eldercare.core.pinyin import name_search_keys
from eldercare.regions.models import Region, RegionLevel
from eldercare.regions.services import minimum_registry_age
from eldercare.registry.choices import (
    ContactRelation,
    HealthStatus,
    ResidentStatus,
    ServiceNeed,
)
from eldercare.registry.models import Resident, ResidentContact, ResidentPhone, ScreeningRecord
from eldercare.registry.validation import FieldProblem, ResidentDataError, clean_resident

REQUIRED_FIELDS = ("name", "id_number", "region_code")
AUDITED_FIELDS = (
    "name",
    "id_number",
    "sex",
    "birth_date",
    "ethnicity",
    "region_code",
    "household_address",
    "residence_address",
    "residence_type",
    "living_arrangement",
    "economic_status",
    "family_planning_status",
    "disability_type",
    "disability_grade",
    "medical_insurance",
    "status",
    "status_date",
    "moved_to",
)


def today_local() -> date:
    return timezone.localdate()


def search_fields(values: Mapping[str, Any]) -> dict[str, str]:
    """The indexed search keys that follow from the name and the ID number."""
    derived: dict[str, str] = {}
    if "name" in values:
        derived["name_pinyin"], derived["name_initials"] = name_search_keys(values["name"])
    if "id_number" in values:
        derived["id_number_reversed"] = values["id_number"][::-1]
    return derived


def snapshot(resident: Resident) -> dict[str, Any]:
    data = {field: getattr(resident, field) for field in AUDITED_FIELDS}
    data["phones"] = list(resident.phones.values_list("number", flat=True)) if resident.pk else []
    return data


def check_village(actor: Any, region_code: str) -> Region:
    """The code must be a current village-level region inside the actor's scope."""
    region = Region.objects.current().filter(code=region_code).first()
    if region is None or not in_scope(actor, region_code):
        raise ResidentDataError(
            [
                FieldProblem(
                    "region_code", "region_unknown", f"区划代码 {region_code} 不在您的管辖范围内"
                )
            ]
        )
    if region.level != RegionLevel.VILLAGE:
        raise ResidentDataError(
            [
                FieldProblem(
                    "region_code", "region_not_village", f"{region.name} 不是村（社区）级区划"
                )
            ]
        )
    return region


def duplicate_problem(actor: Any, id_number: str) -> FieldProblem | None:
    """One person, one ID number: name where they are registered only when the actor may see it."""
    existing = Resident.objects.filter(id_number=id_number).values_list("region_code", flat=True)
    region_code = existing.first()
    if region_code is None:
        return None
    where = (
        f"（{region_code}）"
        if in_scope(actor, region_code)
        else "（其他地区，请联系其所属民政部门）"
    )
    return FieldProblem("id_number", "id_duplicate", f"公民身份号码 {id_number} 已登记{where}")


def _set_phones(resident: Resident, phones: Sequence[str]) -> None:
    resident.phones.all().delete()
    ResidentPhone.objects.bulk_create(
        ResidentPhone(resident=resident, number=number, position=index)
        for index, number in enumerate(dict.fromkeys(phones), start=1)
    )


@transaction.atomic
def register_resident(*, actor: Any, data: Mapping[str, object]) -> Resident:
    require(actor, Action.EDIT_REGISTRY)
    today = today_local()
    missing = [
        FieldProblem(field, "required", "必填")
        for field in REQUIRED_FIELDS
        if not str(data.get(field) or "").strip()
    ]
    if missing:
        raise ResidentDataError(missing)
    values, problems = clean_resident(data, today=today)
    if problems:
        raise ResidentDataError(problems)
    check_village(actor, values["region_code"])
    values, problems = clean_resident(
        data, today=today, minimum_age=minimum_registry_age(values["region_code"])
    )
    duplicate = duplicate_problem(actor, values["id_number"])
    if duplicate:
        problems.append(duplicate)
    if problems:
        raise ResidentDataError(problems)
    phones = values.pop("phones", [])
    resident = Resident(**values, **search_fields(values))
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError as error:  # a concurrent registration of the same ID number won
        raise ResidentDataError(
            [
                duplicate_problem(actor, values["id_number"])
                or FieldProblem("id_number", "id_duplicate", "公民身份号码已登记")
            ]
        ) from error
    _set_phones(resident, phones)
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=resident,
        region_code=resident.region_code,
        changes=snapshot(resident),
    )
    return resident


@transaction.atomic
def update_resident(
    *, actor: Any, resident: Resident, data: Mapping[str, object], reason: str = ""
) -> Resident:
    """Change the given fields. The ID number may be corrected; sex and birth date follow it."""
    require(actor, Action.EDIT_REGISTRY)
    resident = _locked(actor, resident)
    today = today_local()
    values, problems = clean_resident(data, today=today)
    for field in REQUIRED_FIELDS:
        if field in data and field not in values and not any(p.field == field for p in problems):
            problems.append(FieldProblem(field, "required", "必填"))
    if problems:
        raise ResidentDataError(problems)
    if "region_code" in values and values["region_code"] != resident.region_code:
        check_village(actor, values["region_code"])
    if values.get("id_number", resident.id_number) != resident.id_number:
        duplicate = duplicate_problem(actor, values["id_number"])
        if duplicate:
            raise ResidentDataError([duplicate])
    before = snapshot(resident)
    phones = values.pop("phones", None)
    for field, value in {**values, **search_fields(values)}.items():
        setattr(resident, field, value)
    resident.save()
    if phones is not None:
        _set_phones(resident, phones)
    record_change(
        actor=actor,
        obj=resident,
        region_code=resident.region_code,
        before=before,
        after=snapshot(resident),
        reason=reason,
    )
    return resident


def _locked(actor: Any, resident: Resident) -> Resident:
    """Re-read the row under a lock, inside the actor's scope (a stale object is not trusted)."""
    return get_scoped_or_404(actor, Resident.objects.select_for_update(), pk=resident.pk)


@transaction.atomic
def change_resident_status(
    *,
    actor: Any,
    resident: Resident,
    status: str,
    status_date: date | None,
    moved_to: str = "",
    reason: str = "",
) -> Resident:
    """Move out (with destination), death (with date), or back to active."""
    require(actor, Action.EDIT_REGISTRY)
    resident = _locked(actor, resident)
    problems: list[FieldProblem] = []
    if status not in ResidentStatus.values:
        problems.append(FieldProblem("status", "choice_unknown", f"无法识别的状态：{status}"))
    if status != ResidentStatus.ACTIVE and status_date is None:
        problems.append(FieldProblem("status_date", "required", "迁出或死亡须填写日期"))
    if status_date is not None and status_date > today_local():
        problems.append(FieldProblem("status_date", "date_future", "日期不能晚于今天"))
    if status == ResidentStatus.MOVED_OUT and not moved_to.strip():
        problems.append(FieldProblem("moved_to", "required", "迁出须填写迁往地"))
    if problems:
        raise ResidentDataError(problems)
    before = snapshot(resident)
    resident.status = status
    resident.status_date = None if status == ResidentStatus.ACTIVE else status_date
    resident.moved_to = moved_to.strip() if status == ResidentStatus.MOVED_OUT else ""
    resident.save(update_fields=["status", "status_date", "moved_to", "updated_at"])
    record_change(
        actor=actor,
        obj=resident,
        region_code=resident.region_code,
        before=before,
        after=snapshot(resident),
        reason=reason,
    )
    return resident


@transaction.atomic
def replace_contacts(
    *, actor: Any, resident: Resident, contacts: Sequence[Mapping[str, object]]
) -> list[ResidentContact]:
    """Set the emergency contacts in calling order (the list order)."""
    require(actor, Action.EDIT_REGISTRY)
    resident = _locked(actor, resident)
    problems: list[FieldProblem] = []
    rows: list[ResidentContact] = []
    relations = ContactRelation.values
    for position, contact in enumerate(contacts, start=1):
        name = clean_name(contact.get("name"))
        relation = str(contact.get("relation") or "")
        relation = next(
            (v for v, label in ContactRelation.choices if str(label) == relation), relation
        )
        try:
            phones = parse_phones(contact.get("phone"))
        except ValueFormatError as error:
            problems.append(FieldProblem(f"contacts[{position}].phone", error.code, str(error)))
            continue
        if not name or relation not in relations or len(phones) != 1:
            problems.append(
                FieldProblem(
                    f"contacts[{position}]",
                    "contact_incomplete",
                    "联系人须有姓名、关系和一个电话号码",
                )
            )
            continue
        rows.append(
            ResidentContact(
                resident=resident,
                name=name,
                relation=relation,
                phone=phones[0],
                call_order=position,
            )
        )
    if problems:
        raise ResidentDataError(problems)
    before = [f"{c.name}/{c.relation}/{c.phone}" for c in resident.contacts.all()]
    resident.contacts.all().delete()
    created = ResidentContact.objects.bulk_create(rows)
    record_change(
        actor=actor,
        obj=resident,
        region_code=resident.region_code,
        before={"contacts": before},
        after={"contacts": [f"{c.name}/{c.relation}/{c.phone}" for c in rows]},
    )
    return created


def parse_needs(value: object) -> tuple[list[str], list[str]]:
    """Service needs by label (助餐) or code (meal) → (codes, unknown items)."""
    labels = {str(label): code for code, label in ServiceNeed.choices}
    items = value if isinstance(value, list | tuple) else split_list(value)
    codes: list[str] = []
    unknown: list[str] = []
    for item in items:
        code = labels.get(str(item), str(item))
        (codes if code in ServiceNeed.values else unknown).append(code)
    return list(dict.fromkeys(codes)), unknown


@transaction.atomic
def record_screening(
    *, actor: Any, resident: Resident, data: Mapping[str, object]
) -> ScreeningRecord:
    """One screening per resident and day; recording the same day again updates it."""
    require(actor, Action.EDIT_REGISTRY)
    resident = _locked(actor, resident)
    problems: list[FieldProblem] = []
    screened_on = today_local()
    if data.get("screened_on"):
        try:
            screened_on = parse_date(data["screened_on"])
        except ValueFormatError as error:
            problems.append(FieldProblem("screened_on", error.code, str(error)))
    if screened_on > today_local():
        problems.append(FieldProblem("screened_on", "date_future", "筛查日期不能晚于今天"))
    needs, unknown = parse_needs(data.get("needs", []))
    if unknown:
        problems.append(
            FieldProblem("needs", "choice_unknown", f"无法识别的服务需求：{'、'.join(unknown)}")
        )
    health = str(data.get("health_status") or "")
    health = next((v for v, label in HealthStatus.choices if str(label) == health), health)
    if health and health not in HealthStatus.values:
        problems.append(FieldProblem("health_status", "choice_unknown", f"无法识别：{health}"))
    if problems:
        raise ResidentDataError(problems)
    screening, created = ScreeningRecord.objects.update_or_create(
        resident=resident,
        screened_on=screened_on,
        defaults={
            "needs": needs,
            "health_status": health,
            "care_situation": str(data.get("care_situation") or "")[:200],
            "notes": str(data.get("notes") or ""),
            "surveyor_name": clean_name(data.get("surveyor_name")) or actor.display_name,
            "surveyor": actor,
        },
    )
    record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=screening,
        region_code=resident.region_code,
        changes={"needs": needs, "health_status": health},
    )
    return screening


def reveal_resident(*, actor: Any, resident: Resident, purpose: str = "") -> dict[str, Any]:
    """The unmasked ID number and phones, for roles allowed to see them; always audited."""
    require(actor, Action.VIEW_UNMASKED)
    if not in_scope(actor, resident.region_code):
        raise Http404("记录不存在")
    record(
        actor=actor,
        action=AuditAction.VIEW_UNMASKED,
        obj=resident,
        region_code=resident.region_code,
        detail={"purpose": purpose},
    )
    return {
        "id_number": resident.id_number,
        "phones": list(resident.phones.values_list("number", flat=True)),
        "contacts": list(resident.contacts.values("name", "relation", "phone")),
    }
