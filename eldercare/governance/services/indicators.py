"""Entering a manual indicator value for a region and date, with its evidence."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from eldercare.core.audit import record
from eldercare.core.models import AuditAction
from eldercare.governance.errors import GovernanceError
from eldercare.governance.indicators.computed import is_computed
from eldercare.governance.models import ManualIndicatorValue
from eldercare.governance.rules.indicator_catalogue import CATALOGUE, Source
from eldercare.governance.services.common import clean_region, require_manage, today_local

PLACES = Decimal("0.0001")


def enter_indicator_value(
    *,
    actor: Any,
    code: str,
    region_code: str,
    as_of: date,
    evidence: str,
    value: Decimal | None = None,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
) -> ManualIndicatorValue:
    """A share may be given as numerator and denominator (the value is then their ratio)."""
    require_manage(actor)
    definition = CATALOGUE.get(code)
    if definition is None:
        raise GovernanceError(
            "code", "indicator_unknown", _("没有这个指标：%(code)s") % {"code": code}
        )
    if definition.source != Source.MANUAL or is_computed(code):
        raise GovernanceError(
            "code",
            "indicator_computed",
            _("%(name)s由平台数据计算，不能填报") % {"name": definition.name},
        )
    region = clean_region(actor, region_code)
    if as_of > today_local():
        raise GovernanceError("as_of", "date_future", _("统计截止日期不能晚于今天"))
    if not evidence.strip():
        raise GovernanceError("evidence", "required", _("依据：必填"))
    for field, number in (("numerator", numerator), ("denominator", denominator)):
        if number is not None and number < 0:
            raise GovernanceError(field, "number_range", _("不能为负数"))
    if value is None and not definition.is_share:
        value = numerator
    if value is None:
        if numerator is None or denominator is None:
            raise GovernanceError("value", "required", _("请填写数值，或同时填写分子和分母"))
        if denominator == 0:
            raise GovernanceError("denominator", "zero", _("分母不能为0"))
        value = (numerator / denominator).quantize(PLACES, ROUND_HALF_UP)
    if value < 0:
        raise GovernanceError("value", "number_range", _("数值不能为负数"))
    with transaction.atomic():
        entry = ManualIndicatorValue.objects.create(
            code=code,
            region_code=region,
            as_of=as_of,
            value=value,
            numerator=numerator,
            denominator=denominator,
            evidence=evidence.strip(),
            entered_by=actor,
        )
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=entry,
            region_code=region,
            detail={"code": code, "value": str(value)},
        )
    return entry
