"""Indicator definitions on a small world with exact values: the register on a day, categories
judged on the day, screening and assessment dates, roll-up by code range and the breakdown by
sub-region, manual values and the targets the loaded files set, with their gaps."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from eldercare.accounts.models import Role
from eldercare.governance.errors import GovernanceError
from eldercare.governance.indicators.computed import (
    REGISTRY_INDICATORS,
    BreakdownRow,
    breakdown,
    computed_value,
)
from eldercare.governance.indicators.values import indicator_row, indicator_value
from eldercare.governance.models import ManualIndicatorValue, SupervisionRound, TaskStatus
from eldercare.governance.rules.indicator_catalogue import CATALOGUE, CATEGORY_NAMES, Source
from eldercare.governance.services.indicators import enter_indicator_value
from eldercare.registry.rules import Category
from tests.conftest import World
from tests.governance import builders

pytestmark = pytest.mark.django_db

ON = date(2021, 3, 1)
D = Decimal


@pytest.fixture
def small(world: World) -> World:
    assessor = world.user(Role.ASSESSOR)
    a = builders.resident(world.village_a, birth=date(1935, 1, 2))  # very old → special
    b = builders.resident(world.village_a2, birth=date(1950, 4, 1), economic_status="dibao")
    c = builders.resident(world.village_a_other, birth=date(1952, 1, 1), living_arrangement="alone")
    d = builders.resident(world.village_a, birth=date(1955, 6, 1))
    builders.resident(  # left before the day: off the register
        world.village_a,
        birth=date(1951, 1, 1),
        economic_status="destitute",
        status="deceased",
        status_date=date(2020, 6, 1),
    )
    e = builders.resident(  # left after the day: still counted on it
        world.village_a_other,
        birth=date(1941, 3, 2),
        status="moved_out",
        status_date=date(2021, 5, 1),
    )
    builders.resident(world.village_b, birth=date(1930, 1, 1))
    builders.screened(a, date(2020, 8, 1))
    builders.screened(d, date(2020, 9, 15))
    builders.screened(e, date(2021, 3, 2))  # the day after
    builders.assessed(a, date(2020, 10, 1), assessor)
    builders.assessed(c, date(2021, 2, 1), assessor)
    builders.assessed(b, date(2021, 4, 1), assessor)  # after the day
    return world


@pytest.mark.parametrize(
    ("code", "region", "value", "numerator", "denominator"),
    [
        # County A on the register on 2021-03-01: a, b, c, d, e. Special difficulty: a, b, c
        # (e turns 80 on 2021-03-02).
        ("special_difficulty_screened_share", "431102000000", "0.3333", 1, 3),
        ("screened_share", "431102000000", "0.4", 2, 5),
        ("capability_assessed_share", "431102000000", "0.4", 2, 5),
        ("special_difficulty_assessed_share", "431102000000", "0.6667", 2, 3),
        ("very_old_share", "431102000000", "0.2", 1, 5),
        ("registered_count", "431102000000", "5", 5, None),
        ("count_special_difficulty", "431102000000", "3", 3, None),
        ("count_dibao", "431102000000", "1", 1, None),
        ("count_living_alone", "431102000000", "1", 1, None),
        ("count_aged_65", "431102000000", "5", 5, None),  # d turned 65 in 2020
        # The township 朝阳街道 holds a, b, d; the city adds county B's one resident.
        ("special_difficulty_screened_share", "431102001000", "0.5", 1, 2),
        ("very_old_share", "431100000000", "0.3333", 2, 6),
        ("registered_count", "", "6", 6, None),
    ],
)
def test_registry_indicators(
    small: World, code: str, region: str, value: str, numerator: int, denominator: int | None
) -> None:
    result = computed_value(code, region, ON)
    assert (result.value, result.numerator, result.denominator) == (
        D(value),
        D(numerator),
        None if denominator is None else D(denominator),
    )
    assert result.source == "registry"


def test_a_share_of_nobody_has_no_value(world: World) -> None:
    result = computed_value("special_difficulty_screened_share", world.county_a, ON)
    assert (result.value, result.numerator, result.denominator) == (None, D(0), D(0))


def test_the_breakdown_adds_up_to_the_region(small: World) -> None:
    rows = breakdown("special_difficulty_screened_share", small.county_a, ON)
    assert rows == [
        BreakdownRow("431102001000", 1, 2, D("0.5")),
        BreakdownRow("431102101000", 0, 1, D(0)),
    ]
    city = breakdown("registered_count", "431100000000", ON)
    assert [(r.code, r.value) for r in city] == [("431102000000", D(5)), ("431103000000", D(1))]
    assert breakdown("fund_execution_rate", small.county_a, ON) == []


def test_every_catalogue_category_count_is_a_registry_category() -> None:
    assert set(CATEGORY_NAMES) <= {c.value for c in Category}
    computed = {code for code, d in CATALOGUE.items() if d.source == Source.REGISTRY}
    assert computed == set(REGISTRY_INDICATORS)


def test_governance_indicators(world: World) -> None:
    admin = world.user(Role.COUNTY_ADMIN)
    for held_on, region in [
        (date(2020, 12, 1), world.county_a),
        (date(2021, 1, 5), world.county_a),
        (date(2021, 2, 5), world.township_a),
        (date(2021, 3, 2), world.county_a),
        (date(2021, 2, 5), world.county_b),
    ]:
        SupervisionRound.objects.create(
            region_code=region, level="county", held_on=held_on, title="督查", created_by=admin
        )
    assert computed_value("supervision_rounds_year", world.county_a, ON).value == D(2)
    assert computed_value("supervision_rounds_year", "431100000000", ON).value == D(3)
    tasks = builders.task_list("000000", region=world.county_a)
    # Due by 2017-06-01: the parts due 2017-04-20, 2017-04-30 and four due 2017-05-31.
    first = tasks.tasks.get(section_position=1, number="1", part=4)
    first.status, first.completed_on = TaskStatus.COMPLETED, date(2017, 4, 18)
    first.save()
    result = computed_value("task_completion_share", world.county_a, date(2017, 6, 1))
    assert (result.numerator, result.denominator, result.value) == (D(1), D(6), D("0.1667"))


def test_manual_values_latest_not_after_the_day_and_not_rolled_up(world: World) -> None:
    admin = world.user(Role.COUNTY_ADMIN)
    with time_machine.travel("2021-03-10 10:00 +08:00", tick=False):
        enter_indicator_value(
            actor=admin,
            code="fund_execution_rate",
            region_code=world.county_a,
            as_of=date(2020, 12, 31),
            numerator=D(55),
            denominator=D(100),
            evidence="财政报表",
        )
        enter_indicator_value(
            actor=admin,
            code="fund_execution_rate",
            region_code=world.county_a,
            as_of=date(2021, 2, 28),
            value=D("0.8"),
            evidence="财政报表二",
        )
        enter_indicator_value(
            actor=admin,
            code="stations_built",
            region_code=world.county_a,
            as_of=date(2021, 2, 28),
            numerator=D(7),
            evidence="验收单",
        )
    old = indicator_value("fund_execution_rate", world.county_a, date(2021, 1, 31))
    assert (old.value, old.numerator, old.denominator, old.as_of, old.evidence) == (
        D("0.55"),
        D(55),
        D(100),
        date(2020, 12, 31),
        "财政报表",
    )
    assert indicator_value("fund_execution_rate", world.county_a, ON).value == D("0.8")
    assert indicator_value("fund_execution_rate", world.county_a, date(2020, 1, 1)) is None
    assert indicator_value("fund_execution_rate", "431100000000", ON) is None
    assert indicator_value("stations_built", world.county_a, ON).value == D(7)


@pytest.mark.parametrize(
    ("code", "kwargs", "field", "error_code"),
    [
        ("happiness", {"value": D(1)}, "code", "indicator_unknown"),
        ("screened_share", {"value": D(1)}, "code", "indicator_computed"),
        ("fund_execution_rate", {}, "value", "required"),
        ("fund_execution_rate", {"numerator": D(1), "denominator": D(0)}, "denominator", "zero"),
        ("fund_execution_rate", {"value": D(-1)}, "value", "number_range"),
        (
            "fund_execution_rate",
            {"value": D(1), "region_code": "431103000000"},
            "region_code",
            "region_out_of_scope",
        ),
    ],
)
def test_manual_values_are_checked(
    world: World, code: str, kwargs: dict, field: str, error_code: str
) -> None:
    values = {"region_code": world.county_a, **kwargs}
    with (
        time_machine.travel("2021-03-10 10:00 +08:00", tick=False),
        pytest.raises(GovernanceError) as caught,
    ):
        enter_indicator_value(
            actor=world.user(Role.COUNTY_ADMIN), code=code, as_of=ON, evidence="x", **values
        )
    assert (caught.value.field, caught.value.code) == (field, error_code)
    assert ManualIndicatorValue.objects.count() == 0


def test_an_indicator_row_shows_its_targets_and_gaps(small: World) -> None:
    builders.huining_sheet(small.county_a)
    builders.task_list("620422", region=small.county_a)
    builders.task_list("431100")  # the city list: no target for screening
    row = indicator_row("special_difficulty_screened_share", small.county_a, ON)
    assert row.value is not None and row.value.value == D("0.3333")
    assert [(g.target.label, g.target.value, g.gap, g.is_met) for g in row.targets] == [
        ("会宁县居家和社区养老服务改革试点工作要求及考核表 第4.1项", D(1), D("-0.6667"), False),
        ("会宁县居家和社区养老服务改革试点工作要求 第4项", D(1), D("-0.6667"), False),
    ]
    county_b = indicator_row("special_difficulty_screened_share", small.county_b, ON)
    assert county_b.targets == []
    signing = indicator_row("family_doctor_signing_rate", small.county_a, ON)
    assert signing.value is None
    assert [(g.target.value, g.gap) for g in signing.targets] == [(D("0.6"), None)]
