"""Indicators on a small world with exact expected values."""

from datetime import date, timedelta
from decimal import Decimal

from eldercare.providers.indicators import INDICATORS
from eldercare.providers.models import Facility, Provider, TrainingRecord
from tests import factories
from tests.conftest import World
from tests.providers.builders import provider, staff

TODAY = date.today()


def facility(region: str, kind: str = "day_care", **extra: object) -> Facility:
    fields = {"name": "设施", "operation_mode": "public", "is_operating": True, **extra}
    return Facility.objects.create(region_code=region, kind=kind, **fields)


def value(
    code: str, region: str, on: date = TODAY
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    result = INDICATORS[code](region, on)
    return result.value, result.numerator, result.denominator


def test_every_code_is_in_the_catalogue() -> None:
    from eldercare.governance.rules.indicator_catalogue import CATALOGUE

    assert set(INDICATORS) <= set(CATALOGUE)


def test_social_operation_and_medical_signing(world: World, provider_a: Provider) -> None:
    facility(
        world.village_a,
        is_newly_built=True,
        operation_mode="public_built_private_run",
        operator=provider_a,
        medical_partner="区人民医院",
    )
    facility(world.village_a2, is_newly_built=True)
    facility(world.village_a_other, is_newly_built=True, operation_mode="private")
    facility(
        world.village_a_other, kind="nursing_home", medical_partner="乡镇卫生院"
    )  # not community
    facility(world.village_b, is_newly_built=True, operation_mode="private")  # other county
    facility(
        world.village_a, is_newly_built=True, built_on=TODAY + timedelta(days=5)
    )  # not yet built
    assert value("facilities_social_operation_share", world.county_a) == (Decimal("0.6667"), 2, 3)
    assert value("facilities_medical_signing_rate", world.county_a) == (Decimal("0.3333"), 1, 3)
    assert value("facilities_social_operation_share", world.township_a) == (Decimal("0.5000"), 1, 2)


def test_coverage_urban_and_rural(world: World) -> None:
    facility(world.village_a)
    facility(world.village_a, kind="meal_point")
    facility(world.village_a2, is_operating=False)
    assert value("facility_coverage_urban", world.county_a) == (Decimal("0.5000"), 1, 2)
    assert value("facility_coverage_rural", world.county_a) == (Decimal("0.0000"), 0, 1)
    facility(world.village_a_other, kind="rural_happiness")
    assert value("facility_coverage_rural", world.county_a) == (Decimal("1.0000"), 1, 1)
    assert value("facility_coverage_rural", world.county_b)[0] is None  # no rural village there


def test_training_rate(world: World, provider_a: Provider) -> None:
    trained = staff(provider_a, world.village_a)
    staff(provider_a, world.village_a, id_number=factories.id_number(date(1970, 1, 1)))
    gone = staff(
        provider_a,
        world.village_a,
        id_number=factories.id_number(date(1971, 1, 1)),
        status="left",
        status_date=TODAY,
    )
    TrainingRecord.objects.create(
        staff=trained, topic="岗前", trained_on=TODAY, hours=8, kind="pre_job"
    )
    TrainingRecord.objects.create(staff=gone, topic="岗前", trained_on=TODAY, hours=8)
    assert value("caregiver_training_rate", world.county_a) == (Decimal("0.5000"), 1, 2)
    # The day before the training: nobody trained yet, and the leaver was still working.
    yesterday = TODAY - timedelta(days=1)
    assert value("caregiver_training_rate", world.county_a, yesterday) == (
        None,
        0,
        0,
    )  # registered today


def test_branded_providers(world: World) -> None:
    provider(world.county_a, brand="福寿连锁")
    provider(world.county_a, brand="福寿连锁", status="blacklisted", status_date=TODAY)
    provider(world.county_a)
    provider(world.county_b, brand="福寿连锁")
    assert value("branded_providers_count", world.county_a) == (1, 1, None)
    assert value("branded_providers_count", "431100000000") == (2, 2, None)


def test_stations(world: World) -> None:
    facility(world.village_a, kind="silver_station")
    facility(world.village_a2, kind="silver_station", is_operating=False)
    facility(world.village_a_other, kind="silver_station", built_on=TODAY + timedelta(days=1))
    facility(world.village_a, kind="day_care")
    assert value("stations_built", world.county_a) == (2, 2, None)
    assert value("stations_operating_share", world.county_a) == (Decimal("0.5000"), 1, 2)
    assert value("stations_operating_share", world.county_b) == (None, 0, 0)
