"""Running totals by month for the execution chart. Pure: no Django."""

import calendar
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

SHARE_PLACES = Decimal("0.0001")


def share(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator to 4 places (half up); None when there is nothing to divide by."""
    if denominator <= 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(SHARE_PLACES, ROUND_HALF_UP)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_ends(start: date, end: date) -> list[date]:
    """The last day of every month from start's to end's; the last point is `end` itself."""
    if end < start:
        return []
    points = []
    current = month_end(start)
    while current < end:
        points.append(current)
        following = current.replace(day=1)
        following = (
            following.replace(year=following.year + 1, month=1)
            if following.month == 12
            else following.replace(month=following.month + 1)
        )
        current = month_end(following)
    points.append(end)
    return points


def running_totals(amounts: Iterable[tuple[date, int]], points: Sequence[date]) -> list[int]:
    """For each point (ascending), the sum of the amounts dated on or before it."""
    ordered = sorted(amounts)
    totals = []
    running = 0
    index = 0
    for point in points:
        while index < len(ordered) and ordered[index][0] <= point:
            running += ordered[index][1]
            index += 1
        totals.append(running)
    return totals
