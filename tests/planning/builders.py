"""Builders for planning tests: village points, facilities and a small located world."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from eldercare.planning.models import PointSource, VillagePoint
from eldercare.providers.models import Facility, FacilityKind, OperationMode
from tests import factories
from tests.conftest import World

# 0.01° of latitude is 1,111.95 m on the haversine sphere.
BASE = (Decimal("26.420000"), Decimal("111.610000"))
NEW_VILLAGE = "431102001003"


def point(code: str, latitude: Decimal, longitude: Decimal, **extra: Any) -> VillagePoint:
    return VillagePoint.objects.create(
        region_code=code,
        latitude=latitude,
        longitude=longitude,
        source=extra.pop("source", PointSource.SURVEY),
        **extra,
    )


def facility(
    code: str,
    name: str,
    latitude: Decimal | None,
    longitude: Decimal | None,
    *,
    kind: str = FacilityKind.DAY_CARE,
    is_operating: bool = True,
) -> Facility:
    return Facility.objects.create(
        region_code=code,
        name=name,
        kind=kind,
        latitude=latitude,
        longitude=longitude,
        operation_mode=OperationMode.PUBLIC,
        is_operating=is_operating,
    )


@dataclass
class Located:
    """County A with three located villages, one unlocated, two facilities and residents."""

    world: World
    day_care: Facility
    closed: Facility


def build_located(world: World) -> Located:
    factories.region(NEW_VILLAGE, "新建社区居委会", locality="urban")
    point(world.village_a, *BASE, households=500)
    point(world.village_a2, BASE[0] + Decimal("0.01"), BASE[1])  # 1,112 m north
    point(world.village_a_other, Decimal("26.500000"), Decimal("111.700000"))  # ~12 km away
    day_care = facility(world.village_a, "多福日间照料中心", *BASE)
    closed = facility(
        world.village_a_other,
        "何仙观幸福院",
        Decimal("26.500000"),
        Decimal("111.700000"),
        kind=FacilityKind.RURAL_HAPPINESS,
        is_operating=False,
    )
    for _ in range(3):
        factories.resident(world.village_a)
    for _ in range(2):
        factories.resident(world.village_a2)
    factories.resident(world.village_a_other)
    factories.resident(NEW_VILLAGE)
    factories.resident(world.village_b)
    return Located(world, day_care, closed)
