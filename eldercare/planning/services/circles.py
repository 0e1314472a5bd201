"""Service-circle settings per region (walking minutes in towns and villages, walking speed)."""

from typing import Any

from django.db import transaction

from eldercare.core.audit import record, record_change
from eldercare.core.models import AuditAction
from eldercare.planning.errors import PlanningDataError, Problem
from eldercare.planning.models import CircleSetting
from eldercare.planning.services.common import require_manage
from eldercare.regions.models import Region

MINUTES_RANGE = (1, 120)
SPEED_RANGE = (20, 200)


def _check(urban_minutes: int, rural_minutes: int, speed_m_per_min: int) -> list[Problem]:
    problems = []
    for field, value, (low, high) in (
        ("urban_minutes", urban_minutes, MINUTES_RANGE),
        ("rural_minutes", rural_minutes, MINUTES_RANGE),
        ("speed_m_per_min", speed_m_per_min, SPEED_RANGE),
    ):
        if not low <= value <= high:
            problems.append(Problem(field, "out_of_range", f"应在 {low} 到 {high} 之间：{value}"))
    return problems


def save_circle_setting(
    *,
    actor: Any,
    region_code: str,
    urban_minutes: int,
    rural_minutes: int,
    speed_m_per_min: int,
    basis: str = "",
) -> CircleSetting:
    require_manage(actor, region_code)
    problems = _check(urban_minutes, rural_minutes, speed_m_per_min)
    if not Region.objects.current().filter(code=region_code).exists():
        problems.append(Problem("region_code", "unknown_region", f"区划不存在：{region_code}"))
    if problems:
        raise PlanningDataError(problems)
    values = {
        "urban_minutes": urban_minutes,
        "rural_minutes": rural_minutes,
        "speed_m_per_min": speed_m_per_min,
        "basis": basis.strip(),
    }
    with transaction.atomic():
        setting = CircleSetting.objects.select_for_update().filter(region_code=region_code).first()
        if setting is None:
            setting = CircleSetting.objects.create(region_code=region_code, **values)
            record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=setting,
                region_code=region_code,
                changes={name: [None, value] for name, value in values.items()},
            )
            return setting
        before = {name: getattr(setting, name) for name in values}
        for name, value in values.items():
            setattr(setting, name, value)
        setting.save()
        record_change(
            actor=actor, obj=setting, region_code=region_code, before=before, after=values
        )
    return setting


def delete_circle_setting(*, actor: Any, setting: CircleSetting) -> None:
    """The region falls back to the setting of the nearest enclosing region."""
    require_manage(actor, setting.region_code)
    with transaction.atomic():
        record(
            actor=actor,
            action=AuditAction.DELETE,
            obj=setting,
            region_code=setting.region_code,
            changes={
                "urban_minutes": [setting.urban_minutes, None],
                "rural_minutes": [setting.rural_minutes, None],
                "speed_m_per_min": [setting.speed_m_per_min, None],
            },
        )
        setting.delete()
