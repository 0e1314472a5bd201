"""The indicators computed from the platform's records, one function per catalogue code.

A registry indicator is a population of residents (the register on the day, `on_register`,
narrowed by a category) and a numerator condition on it; both are database filters, so the value
of a county is one aggregate over its code range, the breakdown by sub-region is one grouped
query, and the drill-down lists exactly the rows counted. Categories are judged on the day
(ages and the registry's category rules); screening and assessment dates must not be after it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Concat, Substr
from django.utils.module_loading import import_string

from eldercare.governance.models import SupervisionRound, Task, TaskStatus
from eldercare.governance.rules.indicator_catalogue import (
    CATALOGUE,
    CATEGORY_NAMES,
    Source,
    category_count_code,
)
from eldercare.governance.rules.scoring import IndicatorValue
from eldercare.regions.codes import CODE_LENGTH, PREFIX_LENGTHS, Level, level_of, subtree_range
from eldercare.registry.choices import ResidentStatus
from eldercare.registry.models import Resident, ScreeningRecord
from eldercare.registry.queries import category_q
from eldercare.registry.rules import Category

SHARE_PLACES = Decimal("0.0001")


def on_register(on: date) -> Q:
    """On the register that day: still active, or left (died, moved) only after it."""
    return Q(status=ResidentStatus.ACTIVE) | Q(status_date__gt=on)


def in_region(field: str, region_code: str) -> Q:
    if region_code == "":
        return Q()
    low, high = subtree_range(region_code)
    return Q(**{f"{field}__gte": low, f"{field}__lte": high})


def _screened(on: date) -> Q:
    return Q(Exists(ScreeningRecord.objects.filter(resident=OuterRef("pk"), screened_on__lte=on)))


def _assessed(on: date) -> Q:
    return Q(current_assessment__assessed_on__lte=on)


@dataclass(frozen=True)
class RegistryIndicator:
    code: str
    population: Callable[[date], Q]
    numerator: Callable[[date], Q]

    @property
    def is_count(self) -> bool:
        return not CATALOGUE[self.code].is_share

    def residents(self, region_code: str, on: date) -> QuerySet[Resident]:
        return Resident.objects.filter(
            in_region("region_code", region_code), on_register(on), self.population(on)
        )


def _everyone(on: date) -> Q:
    return Q()


def _special(on: date) -> Q:
    return category_q(Category.SPECIAL_DIFFICULTY, on)


def _category(category: Category) -> Callable[[date], Q]:
    return lambda on: category_q(category, on)


REGISTRY_INDICATORS: dict[str, RegistryIndicator] = {
    indicator.code: indicator
    for indicator in [
        RegistryIndicator("special_difficulty_screened_share", _special, _screened),
        RegistryIndicator("screened_share", _everyone, _screened),
        RegistryIndicator("capability_assessed_share", _everyone, _assessed),
        RegistryIndicator("special_difficulty_assessed_share", _special, _assessed),
        RegistryIndicator("very_old_share", _everyone, _category(Category.VERY_OLD)),
        RegistryIndicator("registered_count", _everyone, _everyone),
        *(
            RegistryIndicator(category_count_code(name), _everyone, _category(Category(name)))
            for name in CATEGORY_NAMES
        ),
    ]
}


def share(numerator: int, denominator: int) -> Decimal | None:
    if denominator == 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(SHARE_PLACES, ROUND_HALF_UP)


def _registry_value(indicator: RegistryIndicator, region_code: str, on: date) -> IndicatorValue:
    counts = indicator.residents(region_code, on).aggregate(
        total=Count("id"), hits=Count("id", filter=indicator.numerator(on))
    )
    total, hits = counts["total"], counts["hits"]
    if indicator.is_count:
        return IndicatorValue(indicator.code, on, Decimal(hits), Decimal(hits), None, "registry")
    return IndicatorValue(
        indicator.code, on, share(hits, total), Decimal(hits), Decimal(total), "registry"
    )


def _supervision_rounds(region_code: str, on: date) -> IndicatorValue:
    count = SupervisionRound.objects.filter(
        in_region("region_code", region_code), held_on__gte=date(on.year, 1, 1), held_on__lte=on
    ).count()
    return IndicatorValue(
        "supervision_rounds_year", on, Decimal(count), Decimal(count), None, "governance"
    )


def _task_completion(region_code: str, on: date) -> IndicatorValue:
    due = Task.objects.filter(in_region("task_list__region_code", region_code), due_on__lte=on)
    counts = due.aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(status=TaskStatus.COMPLETED, completed_on__lte=on)),
    )
    return IndicatorValue(
        "task_completion_share",
        on,
        share(counts["done"], counts["total"]),
        Decimal(counts["done"]),
        Decimal(counts["total"]),
        "governance",
    )


GOVERNANCE_INDICATORS: dict[str, Callable[[str, date], IndicatorValue]] = {
    "supervision_rounds_year": _supervision_rounds,
    "task_completion_share": _task_completion,
}


DomainIndicator = Callable[[str, date], IndicatorValue]


@cache
def domain_indicators() -> dict[str, DomainIndicator]:
    """Indicators the domain apps compute from their own records (settings.DOMAIN_INDICATORS).

    Each entry names a dict {catalogue code: function(region_code, on) -> IndicatorValue}; a code
    an app computes is no longer entered by hand.
    """
    found: dict[str, DomainIndicator] = {}
    for path in settings.DOMAIN_INDICATORS:
        for code, function in import_string(path).items():
            if code not in CATALOGUE:
                raise ImproperlyConfigured(f"{path}: 指标 {code} 不在指标目录中")
            if code in found or code in REGISTRY_INDICATORS or code in GOVERNANCE_INDICATORS:
                raise ImproperlyConfigured(f"{path}: 指标 {code} 已由其他模块计算")
            found[code] = function
    return found


def is_computed(code: str) -> bool:
    return (
        code in REGISTRY_INDICATORS or code in GOVERNANCE_INDICATORS or code in domain_indicators()
    )


def computed_value(code: str, region_code: str, on: date) -> IndicatorValue:
    """The value of a computed indicator for a region's subtree."""
    if code in REGISTRY_INDICATORS:
        return _registry_value(REGISTRY_INDICATORS[code], region_code, on)
    if code in GOVERNANCE_INDICATORS:
        return GOVERNANCE_INDICATORS[code](region_code, on)
    return domain_indicators()[code](region_code, on)


@dataclass(frozen=True)
class BreakdownRow:
    code: str  # the sub-region's code
    numerator: int
    denominator: int
    value: Decimal | None


def breakdown(code: str, region_code: str, on: date) -> list[BreakdownRow]:
    """A registry indicator per direct sub-region (provinces for the whole country), one query."""
    indicator = REGISTRY_INDICATORS.get(code)
    if indicator is None:
        return []
    if region_code == "":
        length = PREFIX_LENGTHS[0]
    else:
        level = level_of(region_code)
        if level == Level.VILLAGE:
            return []
        length = PREFIX_LENGTHS[level]
    rows = (
        indicator.residents(region_code, on)
        .annotate(
            child=Concat(Substr("region_code", 1, length), Value("0" * (CODE_LENGTH - length)))
        )
        .values("child")
        .annotate(total=Count("id"), hits=Count("id", filter=indicator.numerator(on)))
        .order_by("child")
    )
    return [
        BreakdownRow(
            code=str(row["child"]),
            numerator=row["hits"],
            denominator=row["total"],
            value=Decimal(row["hits"]) if indicator.is_count else share(row["hits"], row["total"]),
        )
        for row in rows
    ]


def source_of(code: str) -> Source:
    return CATALOGUE[code].source
