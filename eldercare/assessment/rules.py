"""Pure schedule rules of capability assessment (no Django): when the next assessment is due."""

import calendar
from collections.abc import Iterable
from datetime import date


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the 31st becomes the month's last day (2024-01-31 + 1 = 02-29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date(assessed_on: date, months: int, open_requests: Iterable[date] = ()) -> date:
    """Periodic re-assessment after `months`, or at once when a status change was reported."""
    return min([add_months(assessed_on, months), *open_requests])
