"""The holiday table as a `WorkCalendar`, and loading it from the chinese-calendar package.

The table (`Holiday`, `HolidayYear`, editable in the admin) is the one source of truth at run
time; the package only fills it (`eldercare load-holidays`). The package covers 2004–2026 and
raises for later years: those are entered by an administrator, and until then count by weekends
only (`eldercare.core.workdays`), with a warning wherever a deadline depends on them.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.dispatch import Signal

from eldercare.core.audit import record
from eldercare.core.holiday_models import Holiday, HolidayKind, HolidaySource, HolidayYear
from eldercare.core.models import AuditAction
from eldercare.core.workdays import WorkCalendar

# The package names holidays in English.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


class HolidayDataError(ValueError):
    """The package has no schedule for a year, or a year range is malformed."""


def work_calendar(first_year: int, last_year: int) -> WorkCalendar:
    """The table's days and known years from `first_year` to `last_year` (two queries)."""
    days = Holiday.objects.filter(
        day__gte=date(first_year, 1, 1), day__lte=date(last_year, 12, 31)
    ).values_list("day", "kind")
    holidays = frozenset(day for day, kind in days if kind == HolidayKind.HOLIDAY)
    working = frozenset(day for day, kind in days if kind == HolidayKind.WORKING_DAY)
    known = frozenset(
        HolidayYear.objects.filter(year__gte=first_year, year__lte=last_year).values_list(
            "year", flat=True
        )
    )
    return WorkCalendar(holidays=holidays, working_weekend_days=working, known_years=known)


def calendar_around(day: date, *, years_after: int = 1) -> WorkCalendar:
    """The calendar from the year before `day` to `years_after` years after it: enough for
    deadlines of a few weeks begun on `day` and for counting how late a step is."""
    return work_calendar(day.year - 1, day.year + years_after)


def parse_years(text: str) -> list[int]:
    """ "2020-2026" / "2025" / "2024,2026" → the years, ascending."""
    years: set[int] = set()
    for part in text.replace("，", ",").split(","):
        bounds = [piece.strip() for piece in part.split("-")]
        if not all(piece.isdigit() and len(piece) == 4 for piece in bounds) or len(bounds) > 2:
            raise HolidayDataError(f"年份应写作 2025 或 2020-2026：{part.strip()!r}")
        low, high = int(bounds[0]), int(bounds[-1])
        if low > high:
            raise HolidayDataError(f"年份范围前大后小：{part.strip()!r}")
        years.update(range(low, high + 1))
    return sorted(years)


def package_days(year: int) -> list[tuple[date, str, str]]:
    """(day, kind, Chinese name) of one year from chinese-calendar; HolidayDataError if the
    package has no schedule for the year."""
    import chinese_calendar

    try:
        # The package raises for a year it has no data for; probing one day is enough.
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError as error:
        raise HolidayDataError(f"chinese-calendar 没有 {year} 年的节假日安排") from error
    rows = [
        (day, HolidayKind.HOLIDAY.value, HOLIDAY_NAMES.get(name, name))
        for day, name in chinese_calendar.holidays.items()
        if day.year == year
    ]
    rows += [
        (day, HolidayKind.WORKING_DAY.value, HOLIDAY_NAMES.get(name, name))
        for day, name in chinese_calendar.workdays.items()
        if day.year == year
    ]
    return sorted(rows)


@dataclass
class LoadSummary:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    kept_manual: int = 0
    years_loaded: list[int] = field(default_factory=list)
    years_missing: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "kept_manual": self.kept_manual,
            "years_loaded": self.years_loaded,
            "years_missing": self.years_missing,
        }


# Sent (with `actor`) after the holiday table changed, so deadlines counted in working days can be
# counted again; the apps that keep such deadlines connect to it.
calendar_changed = Signal()


def load_holidays(*, actor: Any, years: Iterable[int], dry_run: bool = False) -> LoadSummary:
    """Make the package-sourced days of each year match the package, and mark the year known.

    Idempotent. Days an administrator entered or changed (source "manual") are left alone, and
    a package day is not added where a manual entry exists. A year the package does not cover is
    reported as missing and left as it is.
    """
    summary = LoadSummary()
    with transaction.atomic():
        for year in years:
            try:
                wanted = {day: (kind, name) for day, kind, name in package_days(year)}
            except HolidayDataError:
                summary.years_missing.append(year)
                continue
            _load_year(year, wanted, summary, dry_run=dry_run)
            summary.years_loaded.append(year)
        if not dry_run and summary.years_loaded:
            record(
                actor=actor,
                action=AuditAction.IMPORT,
                object_type="core.holiday",
                object_repr="节假日安排",
                detail=summary.as_dict(),
            )
    if not dry_run and summary.years_loaded:
        calendar_changed.send(sender=Holiday, actor=actor)
    return summary


def _load_year(
    year: int, wanted: dict[date, tuple[str, str]], summary: LoadSummary, *, dry_run: bool
) -> None:
    existing = {
        row.day: row
        for row in Holiday.objects.filter(day__gte=date(year, 1, 1), day__lte=date(year, 12, 31))
    }
    to_create = []
    for day, (kind, name) in wanted.items():
        row = existing.get(day)
        if row is None:
            to_create.append(
                Holiday(day=day, kind=kind, name=name, source=HolidaySource.PACKAGE.value)
            )
            summary.created += 1
        elif row.source == HolidaySource.MANUAL:
            summary.kept_manual += 1
        elif (row.kind, row.name) == (kind, name):
            summary.unchanged += 1
        else:
            summary.changed += 1
            if not dry_run:
                row.kind, row.name = kind, name
                row.save(update_fields=["kind", "name", "updated_at"])
    stale = [
        row.pk
        for day, row in existing.items()
        if day not in wanted and row.source == HolidaySource.PACKAGE
    ]
    summary.removed += len(stale)
    if dry_run:
        return
    Holiday.objects.bulk_create(to_create)
    Holiday.objects.filter(pk__in=stale).delete()
    HolidayYear.objects.get_or_create(year=year, defaults={"source": HolidaySource.PACKAGE.value})
