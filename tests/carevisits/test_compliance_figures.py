"""Overdue lists for the running week, coverage figures and the two governance indicators on a
small world with exact values (clock fixed with time_machine)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from eldercare.accounts.models import Role, User
from eldercare.carevisits import services
from eldercare.carevisits.indicators import INDICATORS
from eldercare.carevisits.models import CareAgreement
from eldercare.carevisits.queries import my_overdue, region_overdue
from eldercare.carevisits.services.statistics import (
    agreement_coverage,
    region_figures,
    three_ones_coverage,
    weekly_compliance,
)
from tests import factories
from tests.carevisits.builders import at, contact, key_resident, sign
from tests.conftest import World

MONDAY_AFTER = date(2026, 11, 30)  # W48 (23–29 November) has just ended


def signed_on(day: str, world: World, resident: object, **extra: object) -> CareAgreement:
    with time_machine.travel(f"{day} 09:00 +08:00", tick=False):
        return sign(world, resident, starts_on=date.fromisoformat(day), **extra)  # type: ignore[arg-type]


@pytest.fixture
def small_world(world: World, rural_worker: User) -> dict[str, CareAgreement]:
    met = signed_on("2026-11-02", world, key_resident(world.village_a, "达标"))
    contact(met.resident, at("2026-11-23 09:00"), "home_visit")
    contact(met.resident, at("2026-11-25 19:00"))
    contact(met.resident, at("2026-11-29 23:59"))
    short = signed_on(
        "2026-11-02",
        world,
        key_resident(world.village_a2, "差一天"),
        worker=factories.user("worker_a2", Role.VILLAGE_WORKER, world.village_a2),
    )
    contact(short.resident, at("2026-11-23 09:00"), "home_visit")
    contact(short.resident, at("2026-11-30 00:00"))  # next week already
    partial = signed_on("2026-11-25", world, key_resident(world.village_a, "新签"))
    contact(partial.resident, at("2026-11-26 10:00"), "home_visit")
    county_b_worker = factories.user("worker_b", Role.VILLAGE_WORKER, world.village_b)
    signed_on(
        "2026-11-02",
        world,
        key_resident(world.village_b, "外县"),
        worker=county_b_worker,
        actor=world.user("county_b_admin"),
    )
    key_resident(world.village_a, "未签")
    return {"met": met, "short": short, "partial": partial}


def test_weekly_compliance_counts_only_whole_weeks(
    world: World, small_world: dict[str, CareAgreement]
) -> None:
    figure = weekly_compliance(world.county_a, MONDAY_AFTER)
    assert (figure.numerator, figure.denominator, figure.value) == (1, 2, Decimal("0.5000"))
    assert weekly_compliance(world.village_a, MONDAY_AFTER).value == Decimal("1.0000")
    # On Sunday the 29th, W48 is not complete: W47 is judged, and nobody had a contact then.
    assert weekly_compliance(world.county_a, date(2026, 11, 29)).value == Decimal("0.0000")


def test_care_visit_compliance_indicator(
    world: World, small_world: dict[str, CareAgreement]
) -> None:
    value = INDICATORS["care_visit_compliance"](world.county_a, MONDAY_AFTER)
    assert (value.value, value.numerator, value.denominator) == (
        Decimal("0.5000"),
        Decimal(1),
        Decimal(2),
    )
    assert value.evidence == "周 2026-W48"
    assert value.as_of == MONDAY_AFTER
    empty = INDICATORS["care_visit_compliance"](world.township_a_other, MONDAY_AFTER)
    assert empty.value is None and empty.denominator == 0


def test_agreement_coverage_of_key_elderly(
    world: World, small_world: dict[str, CareAgreement]
) -> None:
    figure = agreement_coverage(world.county_a, MONDAY_AFTER)
    assert (figure.numerator, figure.denominator) == (3, 4)
    # Before the newest agreement started it was not in force yet.
    assert agreement_coverage(world.county_a, date(2026, 11, 24)).numerator == 2


def test_three_ones_visit_rate(world: World, rural_worker: User) -> None:
    county = world.user(Role.COUNTY_ADMIN)
    rural = world.village_a_other
    visited = factories.resident(rural, name="五保甲", economic_status="destitute")
    with time_machine.travel("2026-10-01 09:00 +08:00", tick=False):
        sign(world, visited, worker=rural_worker, actor=county, starts_on=date(2026, 10, 1))
    for week in range(4):
        contact(visited, at("2026-11-02 10:00") + timedelta(weeks=week), by=rural_worker)
    contact(visited, at("2026-11-18 15:00"), "home_visit", by=rural_worker)
    factories.resident(rural, name="五保乙", economic_status="destitute")  # nobody visits
    factories.resident(
        rural, name="集中供养", economic_status="destitute", living_arrangement="institutional"
    )
    factories.resident(world.village_a, name="城镇特困", economic_status="destitute")
    figure = three_ones_coverage(world.county_a, MONDAY_AFTER)
    assert (figure.numerator, figure.denominator) == (1, 2)
    value = INDICATORS["three_ones_visit_rate"](world.county_a, MONDAY_AFTER)
    assert (value.value, value.evidence) == (Decimal("0.5000"), "2026-11-02—2026-11-29")
    # A week later the window is W46–W49 and W49 had no contact.
    assert three_ones_coverage(world.county_a, MONDAY_AFTER + timedelta(days=7)).numerator == 0


def test_region_figures_list_the_region_and_its_children(
    world: World, small_world: dict[str, CareAgreement]
) -> None:
    rows = region_figures(world.township_a, MONDAY_AFTER)
    assert [row.code for row in rows] == [world.township_a, world.village_a, world.village_a2]
    assert [(r.compliance.numerator, r.compliance.denominator) for r in rows] == [
        (1, 2),
        (1, 1),
        (0, 1),
    ]


def test_overdue_lists_for_the_running_week(
    world: World, small_world: dict[str, CareAgreement]
) -> None:
    worker = world.user(Role.VILLAGE_WORKER)
    with time_machine.travel("2026-12-02 10:00 +08:00", tick=False):  # Wednesday of W49
        mine = my_overdue(worker)
        # "新签" started on 25 November: W49 is its first whole week.
        assert [row.agreement.resident.name for row in mine] == ["新签", "达标"]
        assert all(row.result.missing_contacts == 3 for row in mine)
        region = region_overdue(world.user(Role.TOWNSHIP_WORKER))
        names = {row.agreement.resident.name for row in region}
        assert names == {"新签", "达标", "差一天"}
        short = next(row for row in region if row.agreement.resident.name == "差一天")
        assert (short.result.contact_days, short.result.missing_visits) == (1, 1)
        met = small_world["met"].resident
        for offset, kind in ((0, "home_visit"), (1, "phone_call"), (2, "phone_call")):
            services.log_contact(
                actor=worker,
                resident=met,
                kind=kind,
                occurred_at=timezone.now() - timedelta(days=offset),
                idempotency_key=f"visit-{offset:08d}",
            )
        assert [row.agreement.resident.name for row in my_overdue(worker)] == ["新签"]


def test_ended_agreements_leave_the_overdue_list(
    world: World, small_world: dict[str, CareAgreement]
) -> None:
    with time_machine.travel("2026-12-02 10:00 +08:00", tick=False):
        services.end_agreement(
            actor=world.user(Role.TOWNSHIP_WORKER),
            agreement=small_world["met"],
            reason="迁居子女家",
        )
        names = [row.agreement.resident.name for row in my_overdue(world.user(Role.VILLAGE_WORKER))]
        assert names == ["新签"]
