"""The weekly rule and "三个一" as pure functions: week boundaries in Beijing time, ISO year
boundaries, partial weeks, distinct contact days, holidays and properties over random weeks."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eldercare.carevisits.rules.compliance import (
    TZ,
    Contact,
    ContactKind,
    Period,
    Requirement,
    RequirementError,
    ThreeOnesRule,
    Week,
    WeekStatus,
    judge_week,
    last_complete_week,
    three_ones_met,
    weeks_between,
)

CALL, VISIT = ContactKind.PHONE_CALL, ContactKind.HOME_VISIT
RULE = Requirement()
# Monday 23 November 2026 to Sunday 29 November 2026 is 2026-W48.
W48 = Week(2026, 48)
LONG = Period(date(2026, 1, 1))


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def contacts(*items: tuple[str, ContactKind]) -> list[Contact]:
    return [Contact(local(text), kind) for text, kind in items]


def test_week_runs_from_monday_midnight_to_sunday_midnight_beijing_time() -> None:
    assert W48.monday == date(2026, 11, 23)
    assert W48.sunday == date(2026, 11, 29)
    assert Week.of(local("2026-11-23 00:00")) == W48
    assert Week.of(local("2026-11-29 23:59:59")) == W48
    assert Week.of(local("2026-11-30 00:00")) == Week(2026, 49)
    assert Week.of(local("2026-11-22 23:59:59")) == Week(2026, 47)


def test_utc_instants_are_judged_in_beijing_time() -> None:
    # Sunday 16:00 UTC is Monday 00:00 in Beijing: the next week.
    assert Week.of(datetime(2026, 11, 29, 16, 0, tzinfo=UTC)) == Week(2026, 49)
    assert Week.of(datetime(2026, 11, 29, 15, 59, 59, tzinfo=UTC)) == W48


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError):
        Week.of(datetime(2026, 11, 23, 9, 0))


def test_iso_year_boundaries() -> None:
    # 2026 has 53 ISO weeks; W53 runs to Sunday 3 January 2027, then 2027-W01.
    assert Week.of_day(date(2026, 12, 31)) == Week(2026, 53)
    assert Week.of_day(date(2027, 1, 3)) == Week(2026, 53)
    assert Week.of_day(date(2027, 1, 4)) == Week(2027, 1)
    assert Week(2026, 53).shifted(1) == Week(2027, 1)
    # 29 December 2025 is already 2026-W01.
    assert Week.of_day(date(2025, 12, 29)) == Week(2026, 1)
    assert Week(2026, 1).shifted(-1) == Week(2025, 52)


def test_year_boundary_week_counts_contacts_on_both_sides_of_new_year() -> None:
    week = Week(2026, 53)
    found = contacts(
        ("2026-12-29 10:00", VISIT), ("2026-12-31 23:59", CALL), ("2027-01-03 23:59", CALL)
    )
    result = judge_week(week, RULE, LONG, found)
    assert (result.status, result.contact_days, result.visits) == (WeekStatus.MET, 3, 1)


def test_three_contact_days_with_one_visit_meet_the_default_rule() -> None:
    found = contacts(
        ("2026-11-23 09:00", VISIT), ("2026-11-25 19:00", CALL), ("2026-11-29 20:00", CALL)
    )
    result = judge_week(W48, RULE, LONG, found)
    assert result.status == WeekStatus.MET
    assert (result.missing_contacts, result.missing_visits) == (0, 0)


def test_calls_on_one_day_count_as_one_day_of_contact() -> None:
    found = contacts(
        ("2026-11-23 09:00", VISIT), ("2026-11-23 12:00", CALL), ("2026-11-23 18:00", CALL)
    )
    result = judge_week(W48, RULE, LONG, found)
    assert (result.status, result.contact_days, result.missing_contacts) == (
        WeekStatus.NOT_MET,
        1,
        2,
    )


def test_without_a_home_visit_the_week_is_not_met() -> None:
    found = contacts(
        ("2026-11-23 09:00", CALL), ("2026-11-24 09:00", CALL), ("2026-11-25 09:00", CALL)
    )
    result = judge_week(W48, RULE, LONG, found)
    assert (result.status, result.missing_contacts, result.missing_visits) == (
        WeekStatus.NOT_MET,
        0,
        1,
    )


def test_contacts_exactly_at_the_boundaries() -> None:
    found = contacts(
        ("2026-11-22 23:59:59", VISIT),  # previous week
        ("2026-11-23 00:00", VISIT),  # first instant of W48
        ("2026-11-29 23:59:59", CALL),  # last instant of W48
        ("2026-11-30 00:00", CALL),  # next week
    )
    result = judge_week(W48, RULE, LONG, found)
    assert (result.contact_days, result.visits) == (2, 1)
    assert judge_week(Week(2026, 47), RULE, LONG, found).visits == 1
    assert judge_week(Week(2026, 49), RULE, LONG, found).contact_days == 1


def test_holidays_do_not_change_the_rule() -> None:
    # 2026-W40 contains the National Day holiday (1–7 October): the same three days are needed.
    national_day = Week.of_day(date(2026, 10, 1))
    found = contacts(("2026-10-01 10:00", VISIT), ("2026-10-02 10:00", CALL))
    result = judge_week(national_day, RULE, LONG, found)
    assert (result.status, result.missing_contacts) == (WeekStatus.NOT_MET, 1)


def test_agreement_starting_mid_week_leaves_that_week_unjudged() -> None:
    period = Period(date(2026, 11, 25))  # a Wednesday
    found = contacts(("2026-11-24 09:00", VISIT), ("2026-11-26 09:00", VISIT))
    result = judge_week(W48, RULE, period, found)
    assert result.status == WeekStatus.PARTIAL
    assert not result.is_judged
    assert result.visits == 1  # the Tuesday visit was before the agreement
    assert judge_week(Week(2026, 49), RULE, period, []).status == WeekStatus.NOT_MET


def test_agreement_starting_on_monday_is_judged_from_that_week() -> None:
    assert judge_week(W48, RULE, Period(date(2026, 11, 23)), []).status == WeekStatus.NOT_MET


def test_agreement_ending_mid_week_or_on_sunday() -> None:
    assert judge_week(W48, RULE, Period(date(2026, 1, 1), date(2026, 11, 28)), []).status == (
        WeekStatus.PARTIAL
    )
    assert judge_week(W48, RULE, Period(date(2026, 1, 1), date(2026, 11, 29)), []).status == (
        WeekStatus.NOT_MET
    )


def test_running_week_is_open_until_monday_midnight() -> None:
    found = contacts(("2026-11-23 09:00", VISIT))
    sunday_night = local("2026-11-29 23:59")
    assert judge_week(W48, RULE, LONG, found, sunday_night).status == WeekStatus.OPEN
    assert judge_week(W48, RULE, LONG, found, local("2026-11-30 00:00")).status == (
        WeekStatus.NOT_MET
    )


def test_met_week_stays_met_while_running() -> None:
    found = contacts(
        ("2026-11-23 09:00", VISIT), ("2026-11-24 09:00", CALL), ("2026-11-25 09:00", CALL)
    )
    assert judge_week(W48, RULE, LONG, found, local("2026-11-25 10:00")).status == WeekStatus.MET


@pytest.mark.parametrize(("contacts_", "visits"), [(0, 0), (8, 1), (2, 3), (3, -1)])
def test_impossible_requirements_are_refused(contacts_: int, visits: int) -> None:
    with pytest.raises(RequirementError):
        Requirement(contacts_, visits)


def test_last_complete_week_before_a_day() -> None:
    assert last_complete_week(date(2026, 11, 30)) == W48  # Monday: the week just ended
    assert last_complete_week(date(2026, 11, 29)) == Week(2026, 47)  # Sunday: W48 still runs
    assert last_complete_week(date(2027, 1, 4)) == Week(2026, 53)


def test_weeks_between_covers_every_week_once() -> None:
    weeks = list(weeks_between(date(2026, 12, 20), date(2027, 1, 5)))
    assert [w.label for w in weeks] == ["2026-W51", "2026-W52", "2026-W53", "2027-W01"]


instants = st.datetimes(
    min_value=datetime(2025, 12, 1), max_value=datetime(2027, 2, 1), timezones=st.just(TZ)
)
kinds = st.sampled_from(list(ContactKind))


@given(st.lists(st.tuples(instants, kinds), max_size=25), st.integers(1, 7), st.integers(0, 7))
def test_each_contact_belongs_to_exactly_one_week_and_met_means_no_shortfall(
    items: list[tuple[datetime, ContactKind]], minimum: int, visits: int
) -> None:
    requirement = Requirement(minimum, min(visits, minimum))
    found = [Contact(when, kind) for when, kind in items]
    weeks = {Week.of(c.at) for c in found}
    results = [judge_week(w, requirement, Period(date(2025, 1, 1)), found) for w in weeks]
    assert sum(r.visits for r in results) == sum(1 for c in found if c.kind == VISIT)
    assert sum(r.contact_days for r in results) == len({c.at.date() for c in found})
    for result in results:
        met = result.missing_contacts == 0 and result.missing_visits == 0
        assert (result.status == WeekStatus.MET) == met
        assert result.contact_days <= 7


@given(st.lists(st.tuples(instants, kinds), max_size=15), instants)
def test_adding_a_contact_never_breaks_a_met_week(
    items: list[tuple[datetime, ContactKind]], extra: datetime
) -> None:
    found = [Contact(when, kind) for when, kind in items]
    week = Week.of(extra)
    before = judge_week(week, RULE, LONG, found)
    after = judge_week(week, RULE, LONG, [*found, Contact(extra, CALL)])
    assert after.contact_days >= before.contact_days
    if before.status == WeekStatus.MET:
        assert after.status == WeekStatus.MET


@given(st.dates(date(2026, 1, 1), date(2026, 12, 31)), st.integers(0, 20))
def test_a_week_is_judged_only_when_the_period_covers_monday_to_sunday(
    start: date, length: int
) -> None:
    period = Period(start, start + timedelta(days=length))
    for week in weeks_between(start, start + timedelta(days=length)):
        judged = judge_week(week, RULE, period, []).is_judged
        assert judged == (start <= week.monday and week.sunday <= period.ends_on)  # type: ignore[operator]


THREE = ThreeOnesRule()


def weekly_calls(first_monday: str, weeks: int) -> list[Contact]:
    monday = local(f"{first_monday} 10:00")
    return [Contact(monday + timedelta(weeks=n), CALL) for n in range(weeks)]


def test_three_ones_needs_a_contact_every_week_a_visit_and_an_agreement() -> None:
    on = date(2026, 11, 30)  # window: W45–W48 (2 to 29 November)
    calls = weekly_calls("2026-11-02", 4)
    visit = [Contact(local("2026-11-10 15:00"), VISIT)]
    covering = [Period(date(2026, 10, 1))]
    assert three_ones_met(THREE, on, covering, calls + visit)
    assert not three_ones_met(THREE, on, covering, calls)  # no visit
    assert not three_ones_met(THREE, on, covering, calls[:3] + visit)  # W48 without contact
    assert not three_ones_met(THREE, on, [Period(date(2026, 11, 3))], calls + visit)  # late start
    assert not three_ones_met(THREE, on, [], calls + visit)  # no agreement
