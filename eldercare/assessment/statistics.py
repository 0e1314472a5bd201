"""Assessment statistics for a region: levels by standard, share assessed, the two scales compared.

Pure query functions over querysets the caller has already scoped (accounts.access.scoped), each
one aggregate query (values + annotate Count) grouped by the sub-region prefix of the region code,
so the cost does not depend on walking the region tree and stays flat at 1M residents.

All three count the active register (status 在册): a resident who moved out or died is neither in
the denominator of the share nor among the levels. Residents are placed where they live now
(their region code), not where an old assessment was made.

The two standards' scales are never converted into each other: levels are counted per standard,
and the comparison is a matrix of MZ/T 039 level × GB/T 42195 level.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models
from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Concat, Substr

from eldercare.assessment.models import CurrentAssessment, Standard
from eldercare.assessment.scoring import LEVEL_NAMES
from eldercare.regions.codes import CODE_LENGTH, PREFIX_LENGTHS, Level, level_of, subtree_range
from eldercare.regions.models import Region
from eldercare.regions.services import region_names
from eldercare.registry.choices import ResidentStatus
from eldercare.registry.models import Resident

ModelT = TypeVar("ModelT", bound=models.Model)

MZT039_LEVELS = tuple(range(len(LEVEL_NAMES[Standard.MZT039])))  # 0–3
GBT42195_LEVELS = tuple(range(len(LEVEL_NAMES[Standard.GBT42195])))  # 0–4
_COLUMNS = {
    **{f"mzt039_{level}": (Standard.MZT039, level) for level in MZT039_LEVELS},
    **{f"gbt42195_{level}": (Standard.GBT42195, level) for level in GBT42195_LEVELS},
}


@dataclass(frozen=True)
class RegionRow:
    """One region's active residents, how many have a current assessment, and their levels."""

    code: str
    name: str
    residents: int = 0
    assessed: int = 0
    mzt039: tuple[int, ...] = (0,) * len(MZT039_LEVELS)  # residents per current level 0–3
    gbt42195: tuple[int, ...] = (0,) * len(GBT42195_LEVELS)  # residents per current level 0–4

    @property
    def share(self) -> float | None:
        """Assessed / active residents (0–1), None when nobody is on the register."""
        return self.assessed / self.residents if self.residents else None

    @property
    def share_percent(self) -> str:
        return "—" if self.share is None else f"{self.share * 100:.1f}%"

    @property
    def mzt039_total(self) -> int:
        return sum(self.mzt039)

    @property
    def gbt42195_total(self) -> int:
        return sum(self.gbt42195)


@dataclass(frozen=True)
class RegionOverview:
    """The chosen region's total row and one row per direct sub-region (none for a village)."""

    total: RegionRow
    rows: list[RegionRow] = field(default_factory=list)


@dataclass(frozen=True)
class LevelComparison:
    """Residents assessed by both standards: counts[mz level][gb level], 4 × 5."""

    counts: tuple[tuple[int, ...], ...]

    @property
    def total(self) -> int:
        return sum(sum(row) for row in self.counts)

    def rows(self) -> list[dict[str, Any]]:
        """For templates: each MZ/T 039 level with its counts across the GB/T 42195 levels."""
        return [
            {
                "level": level,
                "name": LEVEL_NAMES[Standard.MZT039][level],
                "counts": counts,
                "total": sum(counts),
            }
            for level, counts in zip(MZT039_LEVELS, self.counts, strict=True)
        ]

    def column_totals(self) -> list[int]:
        return [sum(column) for column in zip(*self.counts, strict=True)]


def in_region(queryset: QuerySet[ModelT], region_code: str) -> QuerySet[ModelT]:
    """The rows in the subtree of `region_code` ("" = everywhere), by a range on the code."""
    if region_code == "":
        return queryset
    field_name = queryset.model.scope_field  # type: ignore[attr-defined]
    low, high = subtree_range(region_code)
    return queryset.filter(**{f"{field_name}__gte": low, f"{field_name}__lte": high})


def child_prefix_length(region_code: str) -> int | None:
    """Significant digits of the direct sub-regions' codes; None for a village (no sub-regions)."""
    if region_code == "":
        return PREFIX_LENGTHS[0]
    level = level_of(region_code)
    if level == Level.VILLAGE:
        return None
    return PREFIX_LENGTHS[level]


def region_overview(residents: QuerySet[Resident], region_code: str) -> RegionOverview:
    """Levels per standard and share assessed for the region and each direct sub-region.

    `residents`: the actor's scoped residents of the region (in_region). One grouped query; the
    total row is the sum of the sub-region rows (every resident falls in exactly one), or one
    aggregate for a village. Sub-regions in the region table with nobody registered show zeros.
    """
    active = residents.filter(status=ResidentStatus.ACTIVE)
    counts: dict[str, Any] = {
        "residents": Count("pk"),
        "assessed": Count("pk", filter=Q(current_assessment__isnull=False)),
        **{
            column: Count(
                "pk",
                filter=Q(current_assessment__standard=standard, current_assessment__level=level),
            )
            for column, (standard, level) in _COLUMNS.items()
        },
    }
    name = _region_name(region_code)
    length = child_prefix_length(region_code)
    if length is None:
        return RegionOverview(total=_row(region_code, name, active.aggregate(**counts)))
    padding = "0" * (CODE_LENGTH - length)
    grouped = (
        active.annotate(child=Concat(Substr("region_code", 1, length), Value(padding)))
        .values("child")
        .annotate(**counts)
        .order_by("child")
    )
    found: dict[str, Mapping[str, Any]] = {str(values["child"]): values for values in grouped}
    codes = sorted(set(found) | set(_child_codes(region_code)))
    names = region_names(codes)
    rows = [_row(code, names.get(code, code), found.get(code, {})) for code in codes]
    return RegionOverview(total=_sum(region_code, name, rows), rows=rows)


def level_comparison(current: QuerySet[CurrentAssessment]) -> LevelComparison:
    """MZ/T 039 level × GB/T 42195 level of the active residents who have a valid assessment by
    each standard (their latest valid one per standard). One grouped query."""
    both = current.filter(
        resident__status=ResidentStatus.ACTIVE,
        latest_mzt039__isnull=False,
        latest_gbt42195__isnull=False,
    )
    pairs = both.values("latest_mzt039__level", "latest_gbt42195__level").annotate(n=Count("pk"))
    matrix = [[0] * len(GBT42195_LEVELS) for _ in MZT039_LEVELS]
    for pair in pairs.order_by():
        mz, gb = pair["latest_mzt039__level"], pair["latest_gbt42195__level"]
        # Never None: a finished assessment has a level (database constraint).
        if mz is not None and gb is not None:
            matrix[mz][gb] = pair["n"]
    return LevelComparison(tuple(tuple(row) for row in matrix))


# --- internals -------------------------------------------------------------------------------


def _row(code: str, name: str, values: Mapping[str, Any]) -> RegionRow:
    return RegionRow(
        code=code,
        name=name,
        residents=values.get("residents") or 0,
        assessed=values.get("assessed") or 0,
        mzt039=tuple(values.get(f"mzt039_{level}") or 0 for level in MZT039_LEVELS),
        gbt42195=tuple(values.get(f"gbt42195_{level}") or 0 for level in GBT42195_LEVELS),
    )


def _sum(code: str, name: str, rows: Iterable[RegionRow]) -> RegionRow:
    rows = list(rows)
    return RegionRow(
        code=code,
        name=name,
        residents=sum(r.residents for r in rows),
        assessed=sum(r.assessed for r in rows),
        mzt039=tuple(sum(r.mzt039[level] for r in rows) for level in MZT039_LEVELS),
        gbt42195=tuple(sum(r.gbt42195[level] for r in rows) for level in GBT42195_LEVELS),
    )


def _child_codes(region_code: str) -> list[str]:
    return list(
        Region.objects.current().filter(parent_code=region_code).values_list("code", flat=True)
    )


def _region_name(region_code: str) -> str:
    if region_code == "":
        return "全国"
    return region_names([region_code]).get(region_code, region_code)
