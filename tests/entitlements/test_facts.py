"""PersonFacts from the register and the current assessment: one builder for the page, the API and
the run; the batch variant reads many residents in one query; the run's evaluator (one evaluation
per distinct signature) gives exactly what evaluating each resident's own facts gives."""

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eldercare.entitlements.evaluation import Evaluator
from eldercare.entitlements.facts import fact_rows, facts_from_row, resident_facts, signature
from eldercare.entitlements.policy import (
    SHIPPED_POLICIES_DIR,
    Capability,
    PersonFacts,
    evaluate,
    load_policies_dir,
    policy_for_region,
)
from eldercare.registry.models import Resident
from tests import factories
from tests.conftest import World
from tests.entitlements.test_run_fixtures import MZ, assess

POLICIES = load_policies_dir(SHIPPED_POLICIES_DIR)
ON = date(2026, 11, 1)


@pytest.mark.django_db
def test_resident_facts_come_from_the_register_and_the_current_assessment(world: World) -> None:
    resident = factories.resident(
        world.village_a,
        birth=date(1946, 11, 2),  # 79 on 2026-11-01, 80 the day after
        economic_status="dibao",
        living_arrangement="alone",
        family_planning_status="bereaved",
        disability_type="physical",
        disability_grade=2,
        residence_type="registered_away",
    )
    assess(resident, MZ, 2, by=world.user("county_admin"))

    facts = resident_facts(resident, ON)

    assert facts == PersonFacts(
        birth_date=date(1946, 11, 2),
        economic_status="dibao",
        living_arrangement="alone",
        family_planning_status="bereaved",
        disability_grade=2,
        residence_type="registered_away",
        capability=Capability(MZ, 2),
        categories=frozenset(
            {
                "aged_65",
                "dibao",
                "economically_difficult",
                "living_alone",
                "bereaved",
                "family_planning_special",
                "severely_disabled",
                "special_difficulty",
            }
        ),
        status="active",
    )
    assert "very_old" in resident_facts(resident, date(2026, 11, 2)).categories


@pytest.mark.django_db
def test_without_an_assessment_there_is_no_capability(world: World) -> None:
    resident = factories.resident(world.village_a)
    assert resident_facts(resident, ON).capability is None


@pytest.mark.django_db
def test_the_batch_variant_reads_many_residents_in_one_query(
    world: World, django_assert_num_queries: Any
) -> None:
    admin = world.user("county_admin")
    residents = [
        factories.resident(
            world.village_a, birth=date(1940 + n, 1 + n, 1), economic_status="destitute"
        )
        for n in range(6)
    ]
    for resident in residents[::2]:
        assess(resident, MZ, 3, by=admin)

    with django_assert_num_queries(1):
        rows = list(fact_rows(Resident.objects.order_by("id")))

    assert [facts_from_row(row, ON) for row in rows] == [
        resident_facts(resident, ON) for resident in residents
    ]


CODES = {
    "economic_status": ["", "destitute", "dibao", "marginal", "poverty_alleviated", "general"],
    "living_arrangement": ["", "alone", "empty_nest", "with_children", "left_behind", "other"],
    "family_planning_status": ["none", "bereaved", "disabled_child"],
    "residence_type": ["local", "registered_away", "nonlocal"],
    "status": ["active", "active", "active", "moved_out", "deceased"],
}
VILLAGES = ["431102001001", "320703001001", "520381100200", "620422101201", "110101001001"]

rows = st.tuples(
    st.integers(1, 10**6),
    st.sampled_from(VILLAGES),
    st.dates(date(1900, 1, 1), date(1966, 12, 31)),
    st.sampled_from(CODES["economic_status"]),
    st.sampled_from(CODES["living_arrangement"]),
    st.sampled_from(CODES["family_planning_status"]),
    st.sampled_from([None, 1, 2, 3, 4]),
    st.sampled_from(CODES["residence_type"]),
    st.sampled_from(CODES["status"]),
    st.sampled_from(
        [
            (None, None),
            *((MZ, level) for level in (0, 2, 3)),
            *(("gbt42195-2022", level) for level in (1, 4)),
        ]
    ),
).map(lambda r: (*r[:9], *r[9]))


@settings(max_examples=300, deadline=None)
@given(st.lists(rows, min_size=1, max_size=40), st.dates(date(2020, 1, 1), date(2030, 12, 31)))
def test_the_evaluator_gives_what_each_residents_own_evaluation_gives(
    batch: list[tuple[Any, ...]], on: date
) -> None:
    evaluator = Evaluator(POLICIES, on)
    for row in batch:
        policy, benefits = evaluator.benefits(row)
        assert policy is policy_for_region(POLICIES, row[1])
        if policy is None:
            assert benefits == ()
            continue
        assert benefits == evaluate(policy, facts_from_row(row, on), on).benefits
    distinct = {(id(evaluator.policy_for(row[1])), signature(row, on)) for row in batch}
    assert evaluator.evaluations <= len(distinct)
