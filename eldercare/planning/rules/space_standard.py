"""The space standard for elderly-service rooms in residential areas (003 tasks 9 and 10).

New residential areas build 20–30 m² per 100 households; existing ones reach 15–20 m² per 100
households by purchase, exchange or lease. Below the minimum is a shortfall to act on; above the
upper figure is allowed (003 says "15–20 m² or more" for existing areas) and only reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

NEW = "new"
EXISTING = "existing"
# m² per 100 households: (minimum, upper figure of the range)
STANDARDS: dict[str, tuple[Decimal, Decimal]] = {
    NEW: (Decimal(20), Decimal(30)),
    EXISTING: (Decimal(15), Decimal(20)),
}
_AREA_PLACES = Decimal("0.1")


class SpaceStatus(StrEnum):
    BELOW = "below"
    WITHIN = "within"
    ABOVE = "above"


@dataclass(frozen=True)
class SpaceCheck:
    households: int
    provided_m2: Decimal
    minimum_m2: Decimal
    upper_m2: Decimal
    per_100_households: Decimal | None  # None for an area with no households
    status: SpaceStatus

    @property
    def shortfall_m2(self) -> Decimal:
        return max(Decimal(0), self.minimum_m2 - self.provided_m2)


def check_space(kind: str, households: int, provided_m2: Decimal) -> SpaceCheck:
    if kind not in STANDARDS:
        raise ValueError(f"未知的小区类型：{kind}")
    if households < 0 or provided_m2 < 0:
        raise ValueError("户数和面积不能为负")
    low, high = STANDARDS[kind]
    minimum = (low * households / 100).quantize(_AREA_PLACES, ROUND_HALF_UP)
    upper = (high * households / 100).quantize(_AREA_PLACES, ROUND_HALF_UP)
    per_100 = (provided_m2 * 100 / households).quantize(_AREA_PLACES) if households else None
    if provided_m2 < minimum:
        status = SpaceStatus.BELOW
    elif provided_m2 > upper:
        status = SpaceStatus.ABOVE
    else:
        status = SpaceStatus.WITHIN
    return SpaceCheck(households, provided_m2, minimum, upper, per_100, status)
