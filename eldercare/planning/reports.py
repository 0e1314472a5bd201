"""The coverage report of a region: its villages judged against the service circles of the
operating facilities, rolled up to its direct sub-regions, with facilities counted by kind.

Facilities are looked for in the whole county around the region (or the region itself when it is
a county or larger), so a village near a township border may be covered by the next township's
facility and a village's result is the same whichever level the report is opened at. County
borders are not crossed: each county plans its own network.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from eldercare.planning.models import CircleSetting, VillagePoint
from eldercare.planning.rules.circles import CircleRule, rule_for
from eldercare.planning.rules.coverage import (
    CoverageTally,
    VillageCoverage,
    VillageSite,
    assess_villages,
    roll_up,
    tally,
)
from eldercare.planning.rules.geometry import Point
from eldercare.providers.models import Facility, FacilityKind
from eldercare.regions.codes import (
    CODE_LENGTH,
    PREFIX_LENGTHS,
    Level,
    ancestor_codes,
    level_of,
    subtree_range,
)
from eldercare.regions.models import Region
from eldercare.registry.choices import ResidentStatus
from eldercare.registry.models import Resident


@dataclass(frozen=True)
class FacilitySite:
    pk: int
    name: str
    kind: str
    region_code: str
    latitude: float
    longitude: float
    radius_m: float


@dataclass(frozen=True)
class ChildRow:
    code: str
    name: str
    tally: CoverageTally


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    operating: int
    total: int


@dataclass
class CoverageReport:
    region: Region
    computed_at: object
    results: list[VillageCoverage]
    total: CoverageTally
    children: list[ChildRow]
    village_names: dict[str, str]
    facilities: dict[int, FacilitySite]  # operating, located, inside the region
    kinds: list[KindRow]
    unlocated_facilities: int

    def facility_name(self, key: object) -> str:
        site = self.facilities.get(key) if isinstance(key, int) else None
        return site.name if site else ""

    @property
    def uncovered(self) -> list[VillageCoverage]:
        """Uncovered villages, farthest first; unlocated ones last (they need a survey)."""
        rows = [r for r in self.results if not r.is_covered]
        return sorted(rows, key=lambda r: (r.distance_m is None, -(r.distance_m or 0), r.code))


def _planning_area(region_code: str) -> str:
    """Where facilities are looked for: the enclosing county, or the region if it is larger."""
    if level_of(region_code) > Level.COUNTY:
        return region_code[: PREFIX_LENGTHS[Level.COUNTY - 1]].ljust(CODE_LENGTH, "0")
    return region_code


def child_of(region_level: int) -> Callable[[str], str]:
    """Maps a village code to the code of the direct sub-region of a region at that level."""
    if region_level >= Level.VILLAGE:
        return lambda code: code
    length = PREFIX_LENGTHS[region_level]
    return lambda code: code[:length].ljust(CODE_LENGTH, "0")


def circle_rules(region_code: str) -> dict[str, CircleRule]:
    """The settings of the region's ancestors and of everything inside it."""
    low, high = subtree_range(region_code)
    settings = CircleSetting.objects.filter(
        Q(region_code__in=ancestor_codes(region_code))
        | Q(region_code__gte=low, region_code__lte=high)
    )
    return {
        s.region_code: CircleRule(
            s.urban_minutes, s.rural_minutes, s.speed_m_per_min, s.region_code
        )
        for s in settings
    }


def effective_rule(region_code: str) -> CircleRule:
    """The setting a region's villages inherit (its own, else the nearest enclosing one)."""
    return rule_for(region_code, circle_rules(region_code))


def coverage_report(region: Region) -> CoverageReport:
    low, high = subtree_range(region.code)
    villages = list(
        Region.objects.current()
        .filter(level=int(Level.VILLAGE), code__gte=low, code__lte=high)
        .values_list("code", "name", "locality")
    )
    area_low, area_high = subtree_range(_planning_area(region.code))
    rules = circle_rules(_planning_area(region.code))
    points = {
        p.region_code: p
        for p in VillagePoint.objects.filter(region_code__gte=low, region_code__lte=high)
    }
    residents = dict(
        Resident.objects.filter(
            status=ResidentStatus.ACTIVE, region_code__gte=low, region_code__lte=high
        )
        .values_list("region_code")
        .annotate(n=Count("id"))
        .values_list("region_code", "n")
    )
    facility_rows = list(
        Facility.objects.filter(region_code__gte=area_low, region_code__lte=area_high).values_list(
            "pk", "name", "kind", "region_code", "latitude", "longitude", "is_operating"
        )
    )
    localities = dict(
        Region.objects.current()
        .filter(code__in={row[3] for row in facility_rows})
        .values_list("code", "locality")
    )
    in_village = Counter(row[3] for row in facility_rows if row[6] and low <= row[3] <= high)
    sites = []
    for code, _name, locality in villages:
        point = points.get(code)
        sites.append(
            VillageSite(
                code=code,
                latitude=float(point.latitude) if point else None,
                longitude=float(point.longitude) if point else None,
                radius_m=rule_for(code, rules).radius_m(locality),
                residents=residents.get(code, 0),
                facilities_in_village=in_village[code],
            )
        )
    operating = [
        FacilitySite(
            pk,
            name,
            kind,
            code,
            float(lat),
            float(lng),
            rule_for(code, rules).radius_m(localities.get(code, "")),
        )
        for pk, name, kind, code, lat, lng, is_operating in facility_rows
        if is_operating and lat is not None and lng is not None
    ]
    results = assess_villages(sites, [Point(f.pk, f.latitude, f.longitude) for f in operating])
    children = Region.objects.current().filter(parent_code=region.code).values_list("code", "name")
    child_names = dict(children)
    groups = roll_up(results, child_of(region.level))
    inside = [row for row in facility_rows if low <= row[3] <= high]
    labels = dict(FacilityKind.choices)
    operating_kinds = Counter(row[2] for row in inside if row[6])
    all_kinds = Counter(row[2] for row in inside)
    return CoverageReport(
        region=region,
        computed_at=timezone.localtime(),
        results=results,
        total=tally(results),
        children=[
            ChildRow(code, child_names.get(code, code), groups[code]) for code in sorted(groups)
        ]
        if region.level < Level.VILLAGE
        else [],
        village_names={code: name for code, name, _locality in villages},
        facilities={f.pk: f for f in operating if low <= f.region_code <= high},
        kinds=[
            KindRow(kind, str(labels.get(kind, kind)), operating_kinds[kind], total)
            for kind, total in sorted(all_kinds.items())
        ],
        unlocated_facilities=sum(
            1 for row in inside if row[6] and (row[4] is None or row[5] is None)
        ),
    )
