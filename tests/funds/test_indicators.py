"""The two fund indicators on small worlds with exact values, through the governance registry."""

from datetime import date
from decimal import Decimal

import pytest

from eldercare.accounts.models import Role
from eldercare.funds import services
from eldercare.funds.execution import children_progress, monthly_series, progress
from eldercare.governance.indicators.computed import computed_value, is_computed
from tests.conftest import World
from tests.funds.conftest import Books, allocation_input, expenditure_input, source_input

pytestmark = pytest.mark.django_db

CITY = "431100000000"


@pytest.fixture
def spent(books: Books) -> Books:
    """County A: 10,000 central, 4,000 to township A (1,000 spent in May, 600 in June);
    the city: 20,000 central, 5,000 of it to county B (2,500 spent); 3,000 provincial at A."""
    world = books.world
    books.spend(100_000, spent_on=date(2020, 5, 10))
    books.spend(60_000, spent_on=date(2020, 6, 10), voucher_no="记-0002")
    city_admin = world.user(Role.CITY_ADMIN)
    city_source = services.create_source(actor=city_admin, data=source_input(CITY, 2_000_000))
    to_b = services.allocate(
        actor=city_admin, source=city_source, data=allocation_input(world.county_b, 500_000)
    )
    services.spend(actor=city_admin, allocation=to_b, data=expenditure_input(250_000))
    provincial = services.create_source(
        actor=books.admin, data=source_input(world.county_a, 300_000, kind="provincial")
    )
    services.spend(
        actor=books.admin,
        allocation=services.allocate(
            actor=books.admin,
            source=provincial,
            data=allocation_input(world.township_a, 300_000),
        ),
        data=expenditure_input(300_000),
    )
    return books


def rate(region: str, on: date) -> Decimal | None:
    return computed_value("fund_execution_rate", region, on).value


def test_fund_execution_rate_counts_central_money_received_and_spent_by_the_day(
    spent: Books,
) -> None:
    world = spent.world
    assert is_computed("fund_execution_rate") and is_computed("lottery_fund_elderly_share")
    assert rate(world.county_a, date(2020, 2, 1)) is None
    assert rate(world.county_a, date(2020, 5, 31)) == Decimal("0.1000")
    value = computed_value("fund_execution_rate", world.county_a, date(2020, 6, 30))
    assert (value.value, value.numerator, value.denominator) == (
        Decimal("0.1600"),
        Decimal("1600"),
        Decimal("10000"),
    )
    assert value.source == "funds"
    # The township received its allocation: 1,600 of 4,000.
    assert rate(world.township_a, date(2020, 6, 30)) == Decimal("0.4000")
    # County B received 5,000 from the city and spent half.
    assert rate(world.county_b, date(2020, 6, 30)) == Decimal("0.5000")
    # The city: its own 20,000 and county A's 10,000, not counting money moved inside twice.
    assert rate(CITY, date(2020, 6, 30)) == Decimal("0.1367")
    assert rate("", date(2020, 6, 30)) == Decimal("0.1367")


def test_a_corrected_expenditure_counts_as_corrected_on_every_day(spent: Books) -> None:
    june = spent.allocation.expenditures.get(voucher_no="记-0002")
    services.correct_expenditure(
        actor=spent.admin,
        expenditure=june,
        reason="金额有误",
        replacement=expenditure_input(50_000, spent_on=date(2020, 7, 1)),
    )
    world = spent.world
    assert rate(world.county_a, date(2020, 6, 30)) == Decimal("0.1000")
    assert rate(world.county_a, date(2020, 7, 31)) == Decimal("0.1500")


def test_progress_rolls_up_by_sub_region_and_by_month(spent: Books) -> None:
    world = spent.world
    on = date(2020, 6, 30)
    rows = {region.code: found for region, found in children_progress(CITY, on, ["central"])}
    assert set(rows) == {world.county_a, world.county_b}
    assert (rows[world.county_a].received_fen, rows[world.county_a].spent_fen) == (
        1_000_000,
        160_000,
    )
    assert progress(world.county_a, on).received_fen == 1_300_000
    series = monthly_series(world.county_a, on, ["central"])
    assert [(p.on, p.received_fen, p.spent_fen) for p in series] == [
        (date(2020, 3, 31), 1_000_000, 0),
        (date(2020, 4, 30), 1_000_000, 0),
        (date(2020, 5, 31), 1_000_000, 100_000),
        (date(2020, 6, 30), 1_000_000, 160_000),
    ]


def test_lottery_share_counts_what_each_level_retains_and_puts_to_elderly_care(
    world: World,
) -> None:
    county_admin, city_admin = world.user(Role.COUNTY_ADMIN), world.user(Role.CITY_ADMIN)
    county_lottery = services.create_source(
        actor=county_admin, data=source_input(world.county_a, 1_000_000, kind="lottery")
    )
    services.allocate(
        actor=county_admin,
        source=county_lottery,
        data=allocation_input(world.county_a, 600_000),
    )
    services.allocate(
        actor=county_admin,
        source=county_lottery,
        data=allocation_input(world.county_a, 200_000, use="other_welfare"),
    )
    city_lottery = services.create_source(
        actor=city_admin, data=source_input(CITY, 500_000, kind="lottery")
    )
    services.allocate(
        actor=city_admin, source=city_lottery, data=allocation_input(world.county_a, 500_000)
    )
    on = date(2020, 12, 31)
    county = computed_value("lottery_fund_elderly_share", world.county_a, on)
    assert (county.value, county.numerator, county.denominator) == (
        Decimal("0.6000"),
        Decimal("6000"),
        Decimal("10000"),
    )
    assert computed_value("lottery_fund_elderly_share", CITY, on).value == Decimal("0.7333")
    assert computed_value("lottery_fund_elderly_share", world.county_b, on).value is None
    assert (
        computed_value("lottery_fund_elderly_share", world.county_a, date(2020, 2, 1)).value is None
    )
