"""Execution progress: what a region's subtree has received and spent by a date, per fund kind,
per sub-region and by month; and the share of lottery welfare funds put to elderly care.

Definitions (the indicators in indicators.py use the same functions):
- *received* (到位) by region R on day D: the sources held in R's subtree received on or before
  D, plus the allocations into R's subtree made on or before D from sources held outside it (a
  city's subsidy placed with a county is the county's money). Money moved inside the subtree is
  not counted twice.
- *spent* (已支出): the expenditures of allocations in R's subtree dated on or before D.
Sums include reversals, which carry the original's date, so a corrected entry counts only as
corrected, on every date.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from eldercare.funds.models import Allocation, Expenditure, FundKind, FundUse, Source
from eldercare.funds.series import month_ends, running_totals, share
from eldercare.governance.indicators.computed import in_region
from eldercare.regions.codes import parent_code
from eldercare.regions.models import Region


@dataclass(frozen=True)
class Progress:
    received_fen: int
    spent_fen: int

    @property
    def rate(self) -> Decimal | None:
        return share(self.spent_fen, self.received_fen)

    @property
    def unspent_fen(self) -> int:
        return self.received_fen - self.spent_fen


def _kinds(field: str, kinds: Sequence[str] | None) -> Q:
    return Q(**{f"{field}__in": list(kinds)}) if kinds else Q()


def sources_held(region_code: str, kinds: Sequence[str] | None = None) -> QuerySet[Source]:
    return Source.objects.filter(in_region("region_code", region_code), _kinds("kind", kinds))


def allocations_in(region_code: str, kinds: Sequence[str] | None = None) -> QuerySet[Allocation]:
    """Allocations into the subtree from sources held outside it."""
    incoming = Allocation.objects.filter(
        in_region("region_code", region_code), _kinds("source__kind", kinds)
    )
    if region_code == "":
        return incoming.none()
    return incoming.exclude(in_region("source__region_code", region_code))


def expenditures_in(region_code: str, kinds: Sequence[str] | None = None) -> QuerySet[Expenditure]:
    return Expenditure.objects.filter(
        in_region("region_code", region_code), _kinds("allocation__source__kind", kinds)
    )


def _total(queryset: QuerySet[Source] | QuerySet[Allocation] | QuerySet[Expenditure]) -> int:
    return int(queryset.aggregate(total=Sum("amount_fen"))["total"] or 0)


def progress(region_code: str, on: date, kinds: Sequence[str] | None = None) -> Progress:
    received = _total(sources_held(region_code, kinds).filter(received_on__lte=on)) + _total(
        allocations_in(region_code, kinds).filter(allocated_on__lte=on)
    )
    spent = _total(expenditures_in(region_code, kinds).filter(spent_on__lte=on))
    return Progress(received, spent)


def progress_by_kind(region_code: str, on: date) -> list[tuple[str, str, Progress]]:
    """(kind, label, progress) for every kind with money (the total is `progress(region, on)`)."""
    rows = []
    for kind, label in FundKind.choices:
        found = progress(region_code, on, [kind])
        if found.received_fen or found.spent_fen:
            rows.append((kind, str(label), found))
    return rows


def children_progress(
    region_code: str, on: date, kinds: Sequence[str] | None = None
) -> list[tuple[Region, Progress]]:
    """The direct sub-regions with any money, each rolled up over its own subtree."""
    regions = Region.objects.current()
    if region_code == "":
        children = regions.filter(parent_code="")
    else:
        children = regions.filter(parent_code=region_code)
    rows = []
    for child in children.order_by("code"):
        found = progress(child.code, on, kinds)
        if found.received_fen or found.spent_fen:
            rows.append((child, found))
    return rows


@dataclass(frozen=True)
class SeriesPoint:
    on: date
    received_fen: int
    spent_fen: int

    @property
    def rate(self) -> Decimal | None:
        return share(self.spent_fen, self.received_fen)


def monthly_series(
    region_code: str, on: date, kinds: Sequence[str] | None = None
) -> list[SeriesPoint]:
    """Received and spent at every month end from the first money to `on` (and on `on`)."""
    received = [
        *_dated(sources_held(region_code, kinds), "received_on"),
        *_dated(allocations_in(region_code, kinds), "allocated_on"),
    ]
    spent = _dated(expenditures_in(region_code, kinds), "spent_on")
    days = [day for day, _ in received + spent if day <= on]
    if not days:
        return []
    points = month_ends(min(days), on)
    return [
        SeriesPoint(point, received_total, spent_total)
        for point, received_total, spent_total in zip(
            points, running_totals(received, points), running_totals(spent, points), strict=True
        )
    ]


def _dated(
    queryset: QuerySet[Source] | QuerySet[Allocation] | QuerySet[Expenditure], field: str
) -> list[tuple[date, int]]:
    rows = queryset.values(field).annotate(total=Sum("amount_fen")).order_by(field)
    return [(row[field], int(row["total"])) for row in rows]


@dataclass(frozen=True)
class LotteryShare:
    retained_fen: int
    elderly_care_fen: int

    @property
    def value(self) -> Decimal | None:
        return share(self.elderly_care_fen, self.retained_fen)


def lottery_share(region_code: str, on: date) -> LotteryShare:
    """Of the lottery welfare funds held in the subtree and received by `on`, the part
    allocated (by `on`) to elderly care."""
    held = sources_held(region_code, [FundKind.LOTTERY]).filter(received_on__lte=on)
    elderly = Allocation.objects.filter(
        source__in=held.values("pk"), use=FundUse.ELDERLY_CARE, allocated_on__lte=on
    )
    return LotteryShare(_total(held), _total(elderly))


def region_path(region_code: str) -> list[str]:
    """The codes from the region up to its province, for breadcrumbs."""
    path = []
    code = region_code
    while code:
        path.append(code)
        code = parent_code(code)
    return path[::-1]
