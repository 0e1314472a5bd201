"""Governance indicators computed from this app's records (settings.DOMAIN_INDICATORS)."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from eldercare.governance.rules.scoring import IndicatorValue
from eldercare.planning.models import AreaKind, ResidentialArea
from eldercare.planning.rules.space_standard import SpaceStatus
from eldercare.regions.codes import subtree_range

SOURCE = "planning"


def new_residential_areas_without_facilities(region_code: str, on: date) -> IndicatorValue:
    """新建居住小区未落实养老服务设施配建的个数 in the region's subtree.

    Population: residential areas recorded as new (新建住宅区) in the subtree.
    Numerator (the value): those whose elderly-service floor area is below 20 m² per 100
    households (003 task 9), including those with none. The register keeps the current state of
    each area only, so the value is the state when computed, whatever `on` is.
    """
    areas = ResidentialArea.objects.filter(kind=AreaKind.NEW)
    if region_code:
        low, high = subtree_range(region_code)
        areas = areas.filter(region_code__gte=low, region_code__lte=high)
    rows = list(areas.only("households", "service_floor_area_m2", "kind"))
    below = [a for a in rows if a.space_check.status == SpaceStatus.BELOW]
    return IndicatorValue(
        "new_residential_areas_without_facilities",
        on,
        Decimal(len(below)),
        Decimal(len(below)),
        Decimal(len(rows)),
        SOURCE,
        f"新建住宅区 {len(rows)} 个，养老服务用房低于每百户 20 平方米的 {len(below)} 个",
    )


INDICATORS: dict[str, Callable[[str, date], IndicatorValue]] = {
    "new_residential_areas_without_facilities": new_residential_areas_without_facilities,
}
