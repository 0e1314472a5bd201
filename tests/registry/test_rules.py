from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eldercare.registry.models import Resident
from eldercare.registry.queries import category_q
from eldercare.registry.rules import Category, ResidentFacts, age_on, birth_date_limit, categories
from tests import factories

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("birth", "today", "age"),
    [
        (date(1946, 11, 23), TODAY, 80),
        (date(1946, 11, 24), TODAY, 79),
        (date(1948, 2, 29), date(2028, 2, 28), 79),
        (date(1948, 2, 29), date(2028, 2, 29), 80),
        (date(1948, 2, 29), date(2027, 3, 1), 79),
    ],
)
def test_age_counts_full_years(birth: date, today: date, age: int) -> None:
    assert age_on(birth, today) == age


def test_birth_date_limit_on_leap_day() -> None:
    assert birth_date_limit(80, date(2028, 2, 29)) == date(1948, 2, 29)
    assert birth_date_limit(79, date(2028, 2, 29)) == date(1949, 2, 28)


def test_eighty_year_old_destitute_living_alone() -> None:
    facts = ResidentFacts(
        birth_date=date(1946, 11, 23), economic_status="destitute", living_arrangement="alone"
    )
    assert categories(facts, TODAY) == {
        Category.AGED_65,
        Category.VERY_OLD,
        Category.DESTITUTE,
        Category.ECONOMICALLY_DIFFICULT,
        Category.LIVING_ALONE,
        Category.SPECIAL_DIFFICULTY,
    }


def test_a_61_year_old_in_general_circumstances_has_no_category() -> None:
    facts = ResidentFacts(birth_date=date(1965, 1, 1), economic_status="general")
    assert categories(facts, TODAY) == frozenset()


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"disability_grade": 2}, {Category.SEVERELY_DISABLED}),
        ({"disability_grade": 3}, set()),
        (
            {"family_planning_status": "bereaved"},
            {Category.BEREAVED, Category.FAMILY_PLANNING_SPECIAL},
        ),
        ({"family_planning_status": "disabled_child"}, {Category.FAMILY_PLANNING_SPECIAL}),
        ({"economic_status": "poverty_alleviated"}, {Category.POVERTY_ALLEVIATED}),
        ({"economic_status": "marginal"}, {Category.MARGINAL, Category.ECONOMICALLY_DIFFICULT}),
        ({"living_arrangement": "left_behind"}, {Category.LEFT_BEHIND}),
    ],
)
def test_single_facts(facts: dict, expected: set) -> None:
    found = categories(ResidentFacts(birth_date=date(1962, 1, 1), **facts), TODAY)
    assert found - {Category.SPECIAL_DIFFICULTY} == expected
    assert (Category.SPECIAL_DIFFICULTY in found) == bool(expected)


facts_strategy = st.builds(
    ResidentFacts,
    birth_date=st.dates(date(1915, 1, 1), date(1966, 12, 31)),
    economic_status=st.sampled_from(
        ["", "destitute", "dibao", "marginal", "poverty_alleviated", "general"]
    ),
    living_arrangement=st.sampled_from(
        ["", "alone", "empty_nest", "with_children", "left_behind", "institutional"]
    ),
    family_planning_status=st.sampled_from(["none", "bereaved", "disabled_child"]),
    disability_grade=st.sampled_from([None, 1, 2, 3, 4]),
)


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    people=st.lists(facts_strategy, min_size=1, max_size=12),
    today=st.dates(date(2024, 1, 1), date(2030, 12, 31)),
)
def test_database_filters_agree_with_the_pure_rules(
    people: list[ResidentFacts], today: date
) -> None:
    """queries.category_q must select exactly the rows rules.categories() puts in a category."""
    Resident.objects.all().delete()
    ids = []
    for index, facts in enumerate(people):
        row = factories.resident(
            "431102001001",
            birth=facts.birth_date,
            economic_status=facts.economic_status,
            living_arrangement=facts.living_arrangement,
            family_planning_status=facts.family_planning_status,
            disability_type="physical" if facts.disability_grade else "",
            disability_grade=facts.disability_grade,
            id_number=factories.id_number(facts.birth_date, serial=index + 1),
        )
        ids.append(row.pk)
    for category in Category:
        expected = {
            pk
            for pk, facts in zip(ids, people, strict=True)
            if category in categories(facts, today)
        }
        assert (
            set(Resident.objects.filter(category_q(category, today)).values_list("pk", flat=True))
            == expected
        )
