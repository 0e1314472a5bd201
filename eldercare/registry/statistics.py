"""Counts for the dashboard: residents by category and by sub-region, in two queries."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet, Value
from django.db.models.functions import Concat, Substr

from eldercare.regions.codes import CODE_LENGTH, PREFIX_LENGTHS, Level, level_of
from eldercare.regions.services import region_names
from eldercare.registry.choices import CATEGORY_LABELS, StrOrPromise
from eldercare.registry.models import Resident
from eldercare.registry.queries import category_q
from eldercare.registry.rules import Category

DASHBOARD_CATEGORIES = (
    Category.AGED_65,
    Category.VERY_OLD,
    Category.SPECIAL_DIFFICULTY,
    Category.DESTITUTE,
    Category.DIBAO,
    Category.MARGINAL,
    Category.POVERTY_ALLEVIATED,
    Category.LIVING_ALONE,
    Category.EMPTY_NEST,
    Category.LEFT_BEHIND,
    Category.BEREAVED,
    Category.FAMILY_PLANNING_SPECIAL,
    Category.SEVERELY_DISABLED,
)


@dataclass(frozen=True)
class CategoryCount:
    category: Category
    label: StrOrPromise
    count: int


@dataclass(frozen=True)
class SubRegionCount:
    code: str
    name: str
    total: int
    special_difficulty: int
    very_old: int


def category_counts(residents: QuerySet[Resident], today: date) -> tuple[int, list[CategoryCount]]:
    aggregates = residents.aggregate(
        total=Count("id"),
        **{c.value: Count("id", filter=category_q(c, today)) for c in DASHBOARD_CATEGORIES},
    )
    counts = [
        CategoryCount(c, CATEGORY_LABELS[c], aggregates[c.value]) for c in DASHBOARD_CATEGORIES
    ]
    return aggregates["total"], counts


def sub_region_counts(
    residents: QuerySet[Resident], scope_code: str, today: date
) -> list[SubRegionCount]:
    """One row per child region of the scope (provinces for a national user)."""
    child_length = PREFIX_LENGTHS[0] if scope_code == "" else _child_prefix_length(scope_code)
    if child_length is None:
        return []
    padding = "0" * (CODE_LENGTH - child_length)
    rows = list(
        residents.annotate(child=Concat(Substr("region_code", 1, child_length), Value(padding)))
        .values("child")
        .annotate(
            total=Count("id"),
            special=Count("id", filter=category_q(Category.SPECIAL_DIFFICULTY, today)),
            very_old=Count("id", filter=category_q(Category.VERY_OLD, today)),
        )
        .order_by("child")
    )
    names = region_names(str(row["child"]) for row in rows)
    return [
        SubRegionCount(
            str(row["child"]),
            names.get(str(row["child"]), str(row["child"])),
            row["total"],
            row["special"],
            row["very_old"],
        )
        for row in rows
    ]


def _child_prefix_length(scope_code: str) -> int | None:
    level = level_of(scope_code)
    if level == Level.VILLAGE:
        return None
    return PREFIX_LENGTHS[level]
