"""Shared by the entitlement tests (documents, run, grants, pages, API, exports, panel): the shipped
永州 rule file loaded, a handful of residents whose entitlements are known, assessments written
directly, and a probe of everything a refused request must leave as it was. No tests here."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from eldercare.assessment.models import Assessment, CurrentAssessment
from eldercare.core.models import AuditEvent
from eldercare.entitlements.documents import load_shipped_policies
from eldercare.entitlements.models import (
    CreditLot,
    Entitlement,
    EntitlementRun,
    LedgerAccount,
    LedgerEntry,
    PolicyDocument,
    Transfer,
)
from eldercare.registry.models import Resident
from tests import factories
from tests.conftest import World

YONGZHOU = "431100000000"
MZ, GB = "mzt039-2013", "gbt42195-2022"


def assess(resident: Resident, standard: str, level: int, *, by: Any) -> CurrentAssessment:
    """A finished assessment and the resident's current level, written directly."""
    assessment = Assessment.objects.create(
        resident=resident,
        region_code=resident.region_code,
        standard=standard,
        status="finished",
        assessed_on=date(2026, 10, 1),
        place="home",
        reason="first",
        first_assessor_name="评估员甲",
        second_assessor_name="评估员乙",
        level=level,
        finished_at=timezone.now(),
        created_by=by,
    )
    return CurrentAssessment.objects.create(
        resident=resident,
        assessment=assessment,
        standard=standard,
        level=level,
        assessed_on=assessment.assessed_on,
        due_on=date(2027, 10, 1),
    )


@dataclass
class People:
    """Residents of county A (and one of county B) under 永州's shipped rules, on 2026-11-01:

    destitute — 特困, lives alone: service credit 100 (yz-home-care-destitute wins the highest);
    very_old — 低保, 85: service credit 60 (yz-home-care-special-difficulty);
    disabled — general, disability grade 1: care subsidy 80 (yz-care-severe-disability);
    general — general, 70: nothing;
    several — 低保, MZ/T level 3, grade 2: credit 60 + care 80 + care 100 (the care group sums);
    moved — 特困 but moved out: nothing, not even evaluated;
    other_county — 特困 in county B: credit 100.
    """

    destitute: Resident
    very_old: Resident
    disabled: Resident
    general: Resident
    several: Resident
    moved: Resident
    other_county: Resident

    @property
    def county_a(self) -> list[Resident]:
        return [self.destitute, self.very_old, self.disabled, self.general, self.several]


@pytest.fixture(name="yongzhou")
def yongzhou_fixture(world: World) -> PolicyDocument:
    load_shipped_policies(only=[YONGZHOU])
    return PolicyDocument.objects.get(region_code=YONGZHOU, status="active")


@pytest.fixture(name="people")
def people_fixture(world: World, yongzhou: PolicyDocument) -> People:
    make = factories.resident
    several = make(
        world.village_a2,
        name="周五",
        birth=date(1950, 1, 2),
        economic_status="dibao",
        disability_type="physical",
        disability_grade=2,
    )
    assess(several, MZ, 3, by=world.user("county_admin"))
    return People(
        destitute=make(
            world.village_a,
            name="张特",
            birth=date(1948, 5, 1),
            economic_status="destitute",
            living_arrangement="alone",
        ),
        very_old=make(
            world.village_a,
            name="李高",
            birth=date(1941, 2, 3),
            economic_status="dibao",
            living_arrangement="with_children",
        ),
        disabled=make(
            world.village_a_other,
            name="王残",
            birth=date(1955, 7, 8),
            economic_status="general",
            disability_type="physical",
            disability_grade=1,
        ),
        general=make(
            world.village_a, name="赵普", birth=date(1956, 9, 9), economic_status="general"
        ),
        several=several,
        moved=make(
            world.village_a,
            name="钱迁",
            birth=date(1940, 1, 1),
            economic_status="destitute",
            status="moved_out",
            status_date=date(2026, 6, 1),
        ),
        other_county=make(
            world.village_b, name="孙乙", birth=date(1947, 4, 4), economic_status="destitute"
        ),
    )


def state() -> tuple[object, ...]:
    """Every row a refused request must not have changed."""
    return (
        list(PolicyDocument.objects.order_by("id").values()),
        list(Entitlement.objects.order_by("id").values()),
        list(EntitlementRun.objects.order_by("id").values()),
        Transfer.objects.count(),
        LedgerEntry.objects.count(),
        CreditLot.objects.count(),
        sorted(LedgerAccount.objects.values_list("pk", "balance_fen")),
        AuditEvent.objects.count(),
    )
