"""Working days under the official holiday calendar (法定节假日和调休). Pure, no Django.

A day is a working day when it is an adjusted working day (调休上班, usually a Saturday or Sunday
next to a long holiday), else when it is neither an official holiday nor a Saturday or Sunday.
The calendar is passed in (`WorkCalendar`, built from the admin-editable table by
`eldercare.core.holidays.work_calendar`). A year whose schedule nobody has entered is not an
error: its days count by weekends alone, and `unknown_years` lets callers show that a deadline
is provisional.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

__all__ = [
    "WorkCalendar",
    "add_working_days",
    "is_working_day",
    "unknown_years",
    "working_days_between",
]

# A deadline of more than a year of working days is a configuration mistake, not a deadline.
MAX_WORKING_DAYS = 366
_SATURDAY = 5


@dataclass(frozen=True)
class WorkCalendar:
    """Official holidays, adjusted working days, and the years whose schedule is known.

    Days entered for a year that is not (yet) marked known still count: an administrator may
    enter a year's days before confirming that the schedule is complete.
    """

    holidays: frozenset[date] = field(default_factory=frozenset)
    working_weekend_days: frozenset[date] = field(default_factory=frozenset)
    known_years: frozenset[int] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        both = self.holidays & self.working_weekend_days
        if both:
            first = min(both).isoformat()
            raise ValueError(f"{first} 既是节假日又是调休上班日")

    @classmethod
    def weekends_only(cls) -> WorkCalendar:
        return cls()


def is_working_day(day: date, calendar: WorkCalendar) -> bool:
    if day in calendar.working_weekend_days:
        return True
    if day in calendar.holidays:
        return False
    return day.weekday() < _SATURDAY


def add_working_days(start: date, n: int, calendar: WorkCalendar) -> date:
    """The n-th working day after `start` (the day itself does not count; n=0 gives `start`).

    A step begun on a Friday with 5 working days is due the next Friday; begun on 30 September
    before the National Day week, it is due five working days after the holiday.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"working days must be an int, got {type(n).__name__}")
    if not 0 <= n <= MAX_WORKING_DAYS:
        raise ValueError(f"工作日天数应为0–{MAX_WORKING_DAYS}：{n}")
    day = start
    remaining = n
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day, calendar):
            remaining -= 1
    return day


def working_days_between(start: date, end: date, calendar: WorkCalendar) -> int:
    """Working days in (start, end]: how many working days `end` is past the deadline `start`.

    Zero when `end` is not after `start`.
    """
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, calendar):
            count += 1
    return count


def unknown_years(start: date, end: date, calendar: WorkCalendar) -> list[int]:
    """The years from `start` to `end` (inclusive, either order) whose schedule is not known."""
    low, high = sorted((start.year, end.year))
    return [year for year in range(low, high + 1) if year not in calendar.known_years]
