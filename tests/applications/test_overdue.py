"""Deadlines in working days and the overdue list for supervisors (township, county, city)."""

from datetime import date, datetime
from typing import Any

import pytest
from django.test import Client

from eldercare.applications import services
from eldercare.applications.models import ReviewStep
from eldercare.applications.queries import applications_for, is_supervisor, overdue_steps
from eldercare.applications.services.deadlines import recount_open_deadlines
from eldercare.core.holiday_models import Holiday, HolidayYear
from eldercare.core.holidays import calendar_changed
from eldercare.core.models import AuditEvent
from tests import factories
from tests.applications.builders import SHANGHAI, benefit
from tests.applications.conftest import People

pytestmark = pytest.mark.django_db
AFTER_NATIONAL_DAY = datetime(2025, 10, 15, 9, 0, tzinfo=SHANGHAI)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_step_past_its_deadline_is_listed_with_working_days_late(
    people: People, clock: Any
) -> None:
    late = people.submit()
    clock.move_to(datetime(2025, 10, 10, 17, 0, tzinfo=SHANGHAI))
    assert overdue_steps(people.township, today=date(2025, 10, 10)).rows == []
    on_time = people.submit()  # begun 10 October: due 17 October
    clock.move_to(AFTER_NATIONAL_DAY)
    found = overdue_steps(people.township, today=date(2025, 10, 15))
    assert found.total == 1
    (row,) = found.rows
    assert row.step.application_id == late.pk
    # Due Friday 10 October; late on 11 (调休 Saturday), 13, 14 and 15 October.
    assert row.working_days_overdue == 4
    assert row.unit_name == "多福社区居委会"
    assert found.unknown_years == []
    filtered = applications_for(people.county, {"overdue": "1"}, today=date(2025, 10, 15))
    assert list(filtered) == [late]
    assert on_time not in filtered


@pytest.mark.parametrize(
    ("user", "sees"),
    [
        ("township_worker", True),
        ("county_admin", True),
        ("city_admin", True),
        ("system_admin", True),
        ("township_other", False),
        ("county_b_admin", False),
    ],
)
def test_supervisors_see_the_overdue_steps_of_their_region(
    people: People, clock: Any, user: str, sees: bool
) -> None:
    people.submit()
    clock.move_to(AFTER_NATIONAL_DAY)
    supervisor = people.world.user(user)
    assert is_supervisor(supervisor)
    assert overdue_steps(supervisor, today=date(2025, 10, 15)).total == (1 if sees else 0)
    response = client_for(supervisor).get("/applications/overdue/")
    assert response.status_code == 200
    assert ("多福社区居委会" in response.content.decode()) is sees


@pytest.mark.parametrize("user", ["village_worker", "assessor", "auditor", "caregiver", "no_role"])
def test_others_get_no_overdue_list(people: People, clock: Any, user: str) -> None:
    people.submit()
    clock.move_to(AFTER_NATIONAL_DAY)
    actor = people.world.user(user)
    assert not is_supervisor(actor)
    assert client_for(actor).get("/applications/overdue/").status_code == 403


def test_a_deadline_in_a_year_without_holidays_is_provisional_and_says_so(
    people: People, clock: Any
) -> None:
    # Monday 28 December 2026: the 2027 schedule is not known (the package stops at 2026).
    clock.move_to(datetime(2026, 12, 28, 9, 0, tzinfo=SHANGHAI))
    application = people.submit()
    step = ReviewStep.objects.get(application=application)
    # 29, 30, 31 December, then 1 January 2027 (元旦 in reality, unknown here) and 4 January.
    assert step.due_on == date(2027, 1, 4)
    assert step.is_due_provisional
    page = client_for(people.village).get(f"/applications/{application.pk}/").content.decode()
    assert "节假日安排尚未录入" in page
    clock.move_to(datetime(2027, 1, 8, 9, 0, tzinfo=SHANGHAI))
    found = overdue_steps(people.county, today=date(2027, 1, 8))
    assert found.unknown_years == [2027]
    assert found.rows[0].working_days_overdue == 4
    page = client_for(people.county).get("/applications/overdue/").content.decode()
    assert "2027 年的节假日安排尚未录入" in page


def test_an_administrators_2027_calendar_makes_the_deadline_exact(
    people: People, clock: Any
) -> None:
    Holiday.objects.create(day=date(2027, 1, 1), kind="holiday", name="元旦")
    HolidayYear.objects.create(year=2027)
    clock.move_to(datetime(2026, 12, 28, 9, 0, tzinfo=SHANGHAI))
    application = people.submit()
    step = ReviewStep.objects.get(application=application)
    assert (step.due_on, step.is_due_provisional) == (date(2027, 1, 5), False)


def test_overdue_list_query_count(
    people: People, clock: Any, django_assert_num_queries: Any
) -> None:
    for number in range(3):
        resident = factories.resident(people.world.village_a2, name=f"李{number}")
        services.submit_application(actor=people.township, resident=resident, data=benefit())
        people.submit()
    clock.move_to(AFTER_NATIONAL_DAY)
    # Steps (with application and resident), two for the calendar, one for region names.
    with django_assert_num_queries(4):
        found = overdue_steps(people.county, today=date(2025, 10, 15))
    assert found.total == 6


def test_entering_the_next_years_holidays_recounts_open_deadlines(
    people: People, clock: Any
) -> None:
    clock.move_to(datetime(2026, 12, 28, 9, 0, tzinfo=SHANGHAI))
    open_application = people.submit()
    step = ReviewStep.objects.get(application=open_application)
    assert (step.due_on, step.is_due_provisional) == (date(2027, 1, 4), True)
    Holiday.objects.create(day=date(2027, 1, 1), kind="holiday", name="元旦")
    HolidayYear.objects.create(year=2027)

    changed = recount_open_deadlines(actor=people.county)

    assert changed == 1
    step.refresh_from_db()
    open_application.refresh_from_db()
    assert (step.due_on, step.is_due_provisional) == (date(2027, 1, 5), False)
    assert open_application.current_due_on == date(2027, 1, 5)
    event = AuditEvent.objects.get(object_type="applications.reviewstep")
    assert event.detail["changed"][0]["after"] == "2027-01-05"
    assert recount_open_deadlines(actor=people.county) == 0


def test_a_decided_step_keeps_the_deadline_it_was_judged_against(
    people: People, clock: Any
) -> None:
    clock.move_to(datetime(2026, 12, 28, 9, 0, tzinfo=SHANGHAI))
    application = people.approve_through(people.submit(), people.village_reviewer)
    decided = ReviewStep.objects.get(application=application, position=1)
    Holiday.objects.create(day=date(2027, 1, 1), kind="holiday", name="元旦")
    HolidayYear.objects.create(year=2027)
    recount_open_deadlines(actor=people.county)
    decided.refresh_from_db()
    assert (decided.due_on, decided.is_due_provisional) == (date(2027, 1, 4), True)


def test_an_administrators_holiday_edit_recounts_through_the_signal(
    people: People, clock: Any
) -> None:
    clock.move_to(datetime(2026, 12, 28, 9, 0, tzinfo=SHANGHAI))
    application = people.submit()
    Holiday.objects.create(day=date(2027, 1, 1), kind="holiday", name="元旦")
    HolidayYear.objects.create(year=2027)
    calendar_changed.send(sender=Holiday, actor=people.county)
    application.refresh_from_db()
    assert application.current_due_on == date(2027, 1, 5)
