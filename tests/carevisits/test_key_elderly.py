"""Who needs a care agreement: the pure rule, its database form (equal on random residents), the
nearest region's policy, and the worklist of key elderly without an agreement."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from eldercare.accounts.models import Role
from eldercare.carevisits import services
from eldercare.carevisits.errors import CareVisitDataError
from eldercare.carevisits.models import CareVisitPolicy
from eldercare.carevisits.queries import key_without_agreement
from eldercare.carevisits.rules.keyelderly import (
    DEFAULT_KEY_RULE,
    KeyRuleError,
    parse_key_rule,
)
from eldercare.carevisits.services.policy import key_elderly_q
from eldercare.core.models import AuditEvent
from eldercare.registry.models import Resident
from eldercare.registry.rules import Category, ResidentFacts, categories
from tests import factories
from tests.carevisits.builders import key_resident, sign
from tests.conftest import World

TODAY = date(2026, 11, 25)


def test_default_rule_needs_a_living_situation_and_a_difficulty() -> None:
    assert DEFAULT_KEY_RULE.applies({Category.LIVING_ALONE, Category.VERY_OLD})
    assert DEFAULT_KEY_RULE.applies({Category.LEFT_BEHIND, Category.SEVERELY_DISABLED})
    assert DEFAULT_KEY_RULE.applies({Category.EMPTY_NEST, Category.ECONOMICALLY_DIFFICULT})
    assert not DEFAULT_KEY_RULE.applies({Category.LIVING_ALONE, Category.SPECIAL_DIFFICULTY})
    assert not DEFAULT_KEY_RULE.applies({Category.VERY_OLD, Category.DESTITUTE})


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"arrangements": [], "difficulties": ["very_old"]}, "required"),
        ({"arrangements": ["living_alone"], "difficulties": ["special_difficulty"]}, "invalid"),
        ({"arrangements": ["very_old"], "difficulties": ["very_old"]}, "invalid"),
        ({"arrangements": "living_alone", "difficulties": ["very_old"]}, "required"),
    ],
)
def test_bad_rules_are_refused(data: dict[str, object], code: str) -> None:
    with pytest.raises(KeyRuleError) as error:
        parse_key_rule(data)
    assert error.value.code == code


def test_rule_round_trips_through_its_stored_form() -> None:
    assert parse_key_rule(DEFAULT_KEY_RULE.as_dict()) == DEFAULT_KEY_RULE


def test_key_elderly_without_agreement_per_village(world: World) -> None:
    lonely_old = key_resident(world.village_a, "甲")
    key_resident(world.village_a, "乙", birth=date(1955, 1, 1))  # 71, no difficulty
    factories.resident(world.village_a, name="丙", birth=date(1940, 1, 1))  # not alone
    disabled = key_resident(
        world.village_a2,
        "丁",
        birth=date(1960, 1, 1),
        living_arrangement="left_behind",
        disability_grade=2,
        disability_type="physical",
    )
    key_resident(world.village_b, "戊")  # another county
    key_resident(world.village_a, "己", status="deceased", status_date=date(2026, 1, 1))
    township = world.user(Role.TOWNSHIP_WORKER)
    assert list(key_without_agreement(township, TODAY)) == [lonely_old, disabled]
    assert list(key_without_agreement(township, TODAY, world.village_a2)) == [disabled]
    assert list(key_without_agreement(world.user(Role.VILLAGE_WORKER), TODAY)) == [lonely_old]
    sign(world, lonely_old, starts_on=TODAY)
    assert list(key_without_agreement(township, TODAY)) == [disabled]


def test_outside_region_filter_falls_back_to_own_scope(world: World) -> None:
    key_resident(world.village_b, "戊")
    village_worker = world.user(Role.VILLAGE_WORKER)
    assert list(key_without_agreement(village_worker, TODAY, world.village_b)) == []
    assert list(key_without_agreement(world.user(Role.CAREGIVER), TODAY)) == []


def test_nearest_region_policy_wins(world: World) -> None:
    old = key_resident(world.village_a, "甲")  # very old, alone
    poor = key_resident(world.village_a2, "乙", birth=date(1958, 1, 1), economic_status="dibao")
    county = world.user(Role.COUNTY_ADMIN)
    services.set_policy(
        actor=county,
        region_code=world.county_a,
        key_rule={"arrangements": ["living_alone"], "difficulties": ["economically_difficult"]},
        min_contacts=4,
        min_visits=2,
    )
    services.set_policy(
        actor=county,
        region_code=world.village_a,
        key_rule={"arrangements": ["living_alone"], "difficulties": ["very_old"]},
        min_contacts=3,
        min_visits=1,
    )
    found = Resident.objects.filter(key_elderly_q(world.county_a, TODAY))
    assert set(found) == {old, poor}
    # village_a's own rule ignores poverty; the county's rule ignores age.
    poor_in_a = key_resident(world.village_a, "丙", birth=date(1958, 1, 1), economic_status="dibao")
    old_in_a2 = key_resident(world.village_a2, "丁")
    found = set(Resident.objects.filter(key_elderly_q(world.county_a, TODAY)))
    assert poor_in_a not in found and old_in_a2 not in found
    assert set(Resident.objects.filter(key_elderly_q(world.village_a2, TODAY))) == {poor}
    assert services.policy_for(world.village_a2).requirement.min_contacts == 4
    assert services.policy_for(world.village_b).region_code == ""


def test_setting_a_policy_is_audited_and_checked(world: World) -> None:
    county = world.user(Role.COUNTY_ADMIN)
    rule = {"arrangements": ["living_alone"], "difficulties": ["very_old"]}
    services.set_policy(
        actor=county, region_code=world.county_a, key_rule=rule, min_contacts=4, min_visits=2
    )
    event = AuditEvent.objects.get(object_type="carevisits.carevisitpolicy")
    assert event.changes["min_contacts"] == [None, 4]
    with pytest.raises(CareVisitDataError) as error:
        services.set_policy(
            actor=county, region_code=world.county_a, key_rule=rule, min_contacts=2, min_visits=3
        )
    assert error.value.problems[0].field == "min_contacts"
    with pytest.raises(CareVisitDataError):
        services.set_policy(
            actor=county, region_code=world.county_b, key_rule=rule, min_contacts=3, min_visits=1
        )
    with pytest.raises(PermissionDenied):
        services.set_policy(
            actor=world.user(Role.VILLAGE_WORKER),
            region_code=world.village_a,
            key_rule=rule,
            min_contacts=3,
            min_visits=1,
        )
    assert CareVisitPolicy.objects.get().min_contacts == 4


class DatabaseRuleMatchesPureRule(TestCase):
    """key_elderly_q (database) and KeyRule.applies (pure) agree on any resident."""

    @settings(max_examples=30, deadline=None)
    @given(
        birth=st.dates(date(1920, 1, 1), date(1966, 1, 1)),
        living=st.sampled_from(["alone", "empty_nest", "left_behind", "with_children", ""]),
        economic=st.sampled_from(["destitute", "dibao", "marginal", "general", ""]),
        planning=st.sampled_from(["none", "bereaved", "disabled_child"]),
        grade=st.sampled_from([None, 1, 2, 3]),
    )
    def test_equal(
        self, birth: date, living: str, economic: str, planning: str, grade: int | None
    ) -> None:
        resident = factories.resident(
            "431102001001",
            birth=birth,
            living_arrangement=living,
            economic_status=economic,
            family_planning_status=planning,
            disability_grade=grade,
            disability_type="physical" if grade else "",
        )
        facts = ResidentFacts(birth, economic, living, planning, grade)
        expected = DEFAULT_KEY_RULE.applies(categories(facts, TODAY))
        found = Resident.objects.filter(key_elderly_q("431102000000", TODAY), pk=resident.pk)
        assert found.exists() == expected
