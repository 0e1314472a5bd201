"""Statistics of emergency help (issue 6 part 6): key elderly covered by a device, by region
rolled up over the tree; alarm counts by kind; response times (median, p90).

"Key elderly" (重点老年人, the target group of seed 003 rows 21–22 and of the indicator
`emergency_help_coverage`) are residents on the register on the day who live alone, or who are
empty-nest and also have a special difficulty other than being empty-nest: destitute, dibao,
marginal or poverty-alleviated, aged 80+, a family-planning special family, or a severe (grade
1–2) disability. "Covered" means an active device bound to them, installed on or before the day.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from eldercare.alarms.models import Alarm, Device, DeviceStatus
from eldercare.alarms.rules.figures import median, percentile
from eldercare.governance.indicators.computed import in_region, on_register
from eldercare.regions.models import Region
from eldercare.registry.models import Resident
from eldercare.registry.queries import category_q
from eldercare.registry.rules import Category

_DIFFICULTY_BESIDES_EMPTY_NEST = (
    Category.ECONOMICALLY_DIFFICULT,
    Category.POVERTY_ALLEVIATED,
    Category.VERY_OLD,
    Category.FAMILY_PLANNING_SPECIAL,
    Category.SEVERELY_DISABLED,
)


def key_elderly_q(on: date) -> Q:
    difficulty = Q()
    for category in _DIFFICULTY_BESIDES_EMPTY_NEST:
        difficulty |= category_q(category, on)
    return category_q(Category.LIVING_ALONE, on) | (
        category_q(Category.EMPTY_NEST, on) & difficulty
    )


def covered_q(on: date) -> Q:
    return Q(
        Exists(
            Device.objects.filter(
                resident=OuterRef("pk"), status=DeviceStatus.ACTIVE, installed_on__lte=on
            )
        )
    )


def key_elderly(region_code: str, on: date) -> QuerySet[Resident]:
    return Resident.objects.filter(on_register(on), in_region("region_code", region_code)).filter(
        key_elderly_q(on)
    )


@dataclass(frozen=True)
class CoverageRow:
    code: str
    name: str
    key_elderly: int
    covered: int
    devices: int

    @property
    def share(self) -> float | None:
        return self.covered / self.key_elderly if self.key_elderly else None


def coverage(region_code: str, on: date) -> CoverageRow:
    counts = key_elderly(region_code, on).aggregate(
        total=Count("pk"), covered=Count("pk", filter=covered_q(on))
    )
    devices = Device.objects.filter(
        in_region("region_code", region_code), status=DeviceStatus.ACTIVE, installed_on__lte=on
    ).count()
    name = Region.objects.current().filter(code=region_code).values_list("name", flat=True).first()
    return CoverageRow(
        region_code, name or region_code or "全国", counts["total"], counts["covered"], devices
    )


def coverage_by_region(region_code: str, on: date) -> list[CoverageRow]:
    """The region itself, then each direct sub-region (each figure rolls up its whole subtree)."""
    children = Region.objects.current().filter(parent_code=region_code).order_by("code")
    return [coverage(region_code, on)] + [coverage(child.code, on) for child in children]


@dataclass(frozen=True)
class ResponseFigures:
    count: int
    acknowledged: int
    closed: int
    ack_median: float | None
    ack_p90: float | None
    close_median: float | None
    close_p90: float | None


def _period(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def alarms_in(alarms: QuerySet[Alarm], start: date, end: date) -> QuerySet[Alarm]:
    low, high = _period(start, end)
    return alarms.filter(opened_at__gte=low, opened_at__lt=high)


def counts_by_kind(alarms: QuerySet[Alarm]) -> list[dict[str, Any]]:
    labels = dict(Alarm._meta.get_field("kind").choices or [])
    return [
        {"kind": row["kind"], "label": str(labels.get(row["kind"], row["kind"])), "count": row["n"]}
        for row in alarms.values("kind").annotate(n=Count("pk")).order_by("-n", "kind")
    ]


def response_figures(alarms: QuerySet[Alarm]) -> ResponseFigures:
    rows = list(alarms.values_list("opened_at", "acknowledged_at", "closed_at"))
    ack = [(a - o).total_seconds() for o, a, _ in rows if a is not None]
    close = [(c - o).total_seconds() for o, _, c in rows if c is not None]
    return ResponseFigures(
        len(rows),
        len(ack),
        len(close),
        median(ack),
        percentile(ack, 0.9),
        median(close),
        percentile(close, 0.9),
    )
