"""The pure parts: input checks and the monthly running totals (no database)."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from eldercare.funds import rules
from eldercare.funds.series import month_ends, running_totals, share

TODAY = date(2026, 11, 29)


def test_a_valid_expenditure_has_no_problems_and_is_tidied() -> None:
    entry = rules.tidy(
        rules.ExpenditureInput(100, date(2020, 1, 1), " 某  公司\n", "助餐", " 记-1 ")
    )
    assert (entry.payee, entry.voucher_no) == ("某 公司", "记-1")
    assert rules.check_expenditure(entry, TODAY) == []


def test_amounts_must_be_positive_integers_of_fen() -> None:
    assert [p.code for p in rules.check_amount(0)] == ["not_positive"]
    assert [p.code for p in rules.check_amount(-1)] == ["not_positive"]
    assert [p.code for p in rules.check_amount(True)] == ["wrong_type"]
    assert [p.code for p in rules.check_amount("100")] == ["wrong_type"]
    assert [p.code for p in rules.check_amount(10**13)] == ["too_large"]
    assert rules.check_amount(1) == []


def test_dates_may_not_be_in_the_future() -> None:
    assert [p.code for p in rules.check_day(TODAY + timedelta(1), "spent_on", TODAY)] == ["future"]
    assert [p.code for p in rules.check_day(None, "spent_on", TODAY)] == ["required"]
    assert rules.check_day(TODAY, "spent_on", TODAY) == []


def test_a_correction_needs_a_reason() -> None:
    assert [p.code for p in rules.check_reason(" \n ")] == ["required"]
    assert [p.code for p in rules.check_reason("x" * 201)] == ["too_long"]


def test_month_ends_run_to_the_day() -> None:
    assert month_ends(date(2020, 11, 15), date(2021, 2, 10)) == [
        date(2020, 11, 30),
        date(2020, 12, 31),
        date(2021, 1, 31),
        date(2021, 2, 10),
    ]
    assert month_ends(date(2020, 2, 3), date(2020, 2, 29)) == [date(2020, 2, 29)]
    assert month_ends(date(2021, 1, 1), date(2020, 1, 1)) == []


def test_share_rounds_half_up_to_four_places() -> None:
    assert share(1, 3) == Decimal("0.3333")
    assert share(2, 3) == Decimal("0.6667")
    assert share(1, 0) is None


amounts = st.lists(
    st.tuples(st.dates(date(2019, 1, 1), date(2022, 12, 31)), st.integers(-(10**6), 10**6)),
    max_size=30,
)


@given(amounts, st.dates(date(2019, 1, 1), date(2022, 12, 31)))
def test_running_totals_equal_the_sum_up_to_each_point(
    entries: list[tuple[date, int]], end: date
) -> None:
    points = month_ends(date(2019, 1, 1), end)
    totals = running_totals(entries, points)
    assert totals == [sum(a for d, a in entries if d <= point) for point in points]
