"""Service-circle coverage of villages by facilities, and its roll-up over the region tree.

A village is covered when its point lies within its walking radius of an operating facility (a
straight-line stand-in for walking distance). A village with no point cannot be judged and counts
as not covered, so missing survey data never inflates coverage; it is reported as "unlocated".
Residents are located at their village's point, so the residents' covered share is the residents
of covered villages over all residents of the region.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from eldercare.planning.rules.geometry import GridIndex, Point

SHARE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class VillageSite:
    code: str
    latitude: float | None
    longitude: float | None
    radius_m: float
    residents: int = 0
    facilities_in_village: int = 0

    @property
    def is_located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass(frozen=True)
class VillageCoverage:
    site: VillageSite
    nearest_facility: object | None = None
    distance_m: float | None = None

    @property
    def code(self) -> str:
        return self.site.code

    @property
    def is_covered(self) -> bool:
        return self.distance_m is not None and self.distance_m <= self.site.radius_m


def assess_villages(
    villages: Sequence[VillageSite], facilities: Sequence[Point[object]]
) -> list[VillageCoverage]:
    """Each village with its nearest operating facility and the distance to it."""
    located = [v for v in villages if v.is_located]
    radii = sorted(v.radius_m for v in located) or [1_000.0]
    # Cells about the size of a typical circle keep both the cell count and each scan small.
    cell_m = max(radii[len(radii) // 2], 200.0)
    index = GridIndex(
        facilities, cell_m, query_latitudes=[v.latitude for v in located if v.latitude is not None]
    )
    results = []
    for village in villages:
        if village.latitude is None or village.longitude is None:
            results.append(VillageCoverage(village))
            continue
        hit = index.nearest(village.latitude, village.longitude)
        if hit is None:
            results.append(VillageCoverage(village))
        else:
            results.append(VillageCoverage(village, hit.key, hit.distance_m))
    return results


def share(numerator: int, denominator: int) -> Decimal | None:
    if denominator == 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(SHARE_PLACES)


@dataclass
class CoverageTally:
    villages: int = 0
    located: int = 0
    covered: int = 0
    without_facility: int = 0
    residents: int = 0
    residents_covered: int = 0
    uncovered_codes: list[str] = field(default_factory=list)

    def add(self, result: VillageCoverage) -> None:
        self.villages += 1
        self.residents += result.site.residents
        self.located += result.site.is_located
        if result.site.facilities_in_village == 0:
            self.without_facility += 1
        if result.is_covered:
            self.covered += 1
            self.residents_covered += result.site.residents
        else:
            self.uncovered_codes.append(result.code)

    @property
    def unlocated(self) -> int:
        return self.villages - self.located

    @property
    def village_share(self) -> Decimal | None:
        return share(self.covered, self.villages)

    @property
    def resident_share(self) -> Decimal | None:
        return share(self.residents_covered, self.residents)


def tally(results: Iterable[VillageCoverage]) -> CoverageTally:
    total = CoverageTally()
    for result in results:
        total.add(result)
    return total


def roll_up(
    results: Iterable[VillageCoverage], group_of: Callable[[str], str]
) -> dict[str, CoverageTally]:
    """One tally per group (e.g. the township or county each village belongs to)."""
    groups: dict[str, CoverageTally] = {}
    for result in results:
        groups.setdefault(group_of(result.code), CoverageTally()).add(result)
    return groups
