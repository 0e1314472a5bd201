"""Working days under the official calendar (pure): deadlines across 国庆 and 春节 with 调休
Saturdays and Sundays, a year without data counted by weekends only, and the counting of late days."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eldercare.core.workdays import (
    MAX_WORKING_DAYS,
    WorkCalendar,
    add_working_days,
    is_working_day,
    unknown_years,
    working_days_between,
)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


# 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号).
HOLIDAYS_2025 = frozenset(
    [
        date(2025, 1, 1),
        *days(date(2025, 1, 28), date(2025, 2, 4)),  # 春节
        *days(date(2025, 4, 4), date(2025, 4, 6)),  # 清明节
        *days(date(2025, 5, 1), date(2025, 5, 5)),  # 劳动节
        *days(date(2025, 5, 31), date(2025, 6, 2)),  # 端午节
        *days(date(2025, 10, 1), date(2025, 10, 8)),  # 国庆节、中秋节
    ]
)
WORKING_WEEKENDS_2025 = frozenset(
    [date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27), date(2025, 9, 28), date(2025, 10, 11)]
)
CALENDAR_2025 = WorkCalendar(
    holidays=HOLIDAYS_2025,
    working_weekend_days=WORKING_WEEKENDS_2025,
    known_years=frozenset({2025}),
)


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # An ordinary week: Friday + 5 working days = next Friday.
        (date(2025, 3, 7), 5, date(2025, 3, 14)),
        (date(2025, 3, 7), 0, date(2025, 3, 7)),
        (date(2025, 3, 8), 1, date(2025, 3, 10)),  # Saturday → Monday
        # 国庆: Sunday 28 September is a working day; 1–8 October are off; Saturday 11 October works.
        (date(2025, 9, 26), 1, date(2025, 9, 28)),
        (date(2025, 9, 26), 3, date(2025, 9, 30)),
        (date(2025, 9, 26), 4, date(2025, 10, 9)),
        (date(2025, 9, 26), 5, date(2025, 10, 10)),
        (date(2025, 9, 30), 1, date(2025, 10, 9)),
        (date(2025, 9, 30), 3, date(2025, 10, 11)),
        (date(2025, 9, 30), 5, date(2025, 10, 14)),
        (date(2025, 10, 1), 1, date(2025, 10, 9)),  # begun on the holiday itself
        (date(2025, 10, 10), 1, date(2025, 10, 11)),
        (date(2025, 10, 10), 2, date(2025, 10, 13)),
        # 春节: Sunday 26 January works, 28 January – 4 February are off, Saturday 8 February works.
        (date(2025, 1, 24), 1, date(2025, 1, 26)),
        (date(2025, 1, 24), 2, date(2025, 1, 27)),
        (date(2025, 1, 24), 3, date(2025, 2, 5)),
        (date(2025, 1, 24), 5, date(2025, 2, 7)),
        (date(2025, 1, 24), 6, date(2025, 2, 8)),
        (date(2025, 2, 7), 1, date(2025, 2, 8)),
        # 劳动节: Sunday 27 April works, 1–5 May are off.
        (date(2025, 4, 25), 1, date(2025, 4, 27)),
        (date(2025, 4, 29), 2, date(2025, 5, 6)),
        # 20 working days over the whole National Day week.
        (date(2025, 9, 15), 20, date(2025, 10, 17)),
    ],
)
def test_deadlines_follow_the_official_calendar(start: date, n: int, due: date) -> None:
    assert add_working_days(start, n, CALENDAR_2025) == due


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 9, 27), False),  # Saturday
        (date(2025, 9, 28), True),  # Sunday, 调休上班
        (date(2025, 10, 6), False),  # Monday, 中秋节
        (date(2025, 10, 11), True),  # Saturday, 调休上班
        (date(2025, 10, 12), False),  # Sunday
        (date(2025, 10, 13), True),
    ],
)
def test_working_day(day: date, working: bool) -> None:
    assert is_working_day(day, CALENDAR_2025) is working


def test_a_year_without_data_counts_weekends_only_and_is_reported() -> None:
    # Friday 26 December 2025: the 2026 schedule is not in this calendar, so 1 January 2026
    # (in fact 元旦) counts as a working day; the deadline is provisional.
    start = date(2025, 12, 26)
    due = add_working_days(start, 5, CALENDAR_2025)
    assert due == date(2026, 1, 2)
    assert unknown_years(start, due, CALENDAR_2025) == [2026]
    assert unknown_years(date(2025, 3, 7), date(2025, 3, 14), CALENDAR_2025) == []
    # 2027 and later: the package raises for them, the table has nothing, weekends only.
    empty = WorkCalendar.weekends_only()
    assert add_working_days(date(2027, 9, 30), 5, empty) == date(2027, 10, 7)
    assert unknown_years(date(2027, 9, 30), date(2027, 10, 7), empty) == [2027]


def test_days_entered_for_an_unconfirmed_year_still_count() -> None:
    partial = WorkCalendar(holidays=frozenset({date(2027, 1, 1)}), known_years=frozenset())
    assert add_working_days(date(2026, 12, 31), 1, partial) == date(2027, 1, 4)
    assert unknown_years(date(2026, 12, 31), date(2027, 1, 4), partial) == [2026, 2027]


@pytest.mark.parametrize(
    ("deadline", "today", "late"),
    [
        (date(2025, 10, 10), date(2025, 10, 10), 0),
        (date(2025, 10, 10), date(2025, 10, 9), 0),
        (date(2025, 10, 10), date(2025, 10, 11), 1),  # the 调休 Saturday counts
        (date(2025, 10, 10), date(2025, 10, 15), 4),
        (date(2025, 9, 30), date(2025, 10, 8), 0),  # the holiday week is not late
        (date(2025, 9, 30), date(2025, 10, 9), 1),
    ],
)
def test_working_days_late(deadline: date, today: date, late: int) -> None:
    assert working_days_between(deadline, today, CALENDAR_2025) == late


def test_wrong_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="工作日天数"):
        add_working_days(date(2025, 1, 1), -1, CALENDAR_2025)
    with pytest.raises(ValueError, match="工作日天数"):
        add_working_days(date(2025, 1, 1), MAX_WORKING_DAYS + 1, CALENDAR_2025)
    with pytest.raises(TypeError):
        add_working_days(date(2025, 1, 1), True, CALENDAR_2025)
    with pytest.raises(ValueError, match="2025-10-11 既是节假日又是调休上班日"):
        WorkCalendar(
            holidays=frozenset({date(2025, 10, 11)}),
            working_weekend_days=frozenset({date(2025, 10, 11)}),
        )


@given(
    start=st.dates(min_value=date(2024, 12, 1), max_value=date(2025, 12, 31)),
    n=st.integers(min_value=0, max_value=60),
)
def test_a_deadline_is_n_working_days_later(start: date, n: int) -> None:
    due = add_working_days(start, n, CALENDAR_2025)
    assert working_days_between(start, due, CALENDAR_2025) == n
    if n:
        assert is_working_day(due, CALENDAR_2025)
        assert add_working_days(start, n - 1, CALENDAR_2025) < due
