"""Circle rules (nearest region wins), the space standard and the point generator."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eldercare.core.geo import haversine_m
from eldercare.planning.rules.circles import NATIONAL_DEFAULT, CircleRule, rule_for
from eldercare.planning.rules.coverage import VillageSite, assess_villages, roll_up, tally
from eldercare.planning.rules.geometry import Point
from eldercare.planning.rules.placement import scatter_villages
from eldercare.planning.rules.space_standard import SpaceStatus, check_space

VILLAGE = "320703001001"
CITY = "320700000000"
COUNTY = "320703000000"


def test_national_default_is_15_minutes_at_80_m_per_minute() -> None:
    assert rule_for(VILLAGE, {}) is NATIONAL_DEFAULT
    assert NATIONAL_DEFAULT.radius_m("urban") == 1200
    assert NATIONAL_DEFAULT.radius_m("rural") == 1200


def test_nearest_region_wins() -> None:
    city = CircleRule(10, 20, region_code=CITY)
    county = CircleRule(12, 25, 70, region_code=COUNTY)
    assert rule_for(VILLAGE, {CITY: city}) is city
    assert rule_for(VILLAGE, {CITY: city, COUNTY: county}) is county
    assert rule_for("320706001001", {CITY: city, COUNTY: county}) is city
    own = CircleRule(5, 5, region_code=VILLAGE)
    assert rule_for(VILLAGE, {CITY: city, VILLAGE: own}) is own


def test_urban_rural_and_unknown_locality() -> None:
    rule = CircleRule(10, 20)
    assert rule.radius_m("urban") == 800
    assert rule.radius_m("rural") == 1600
    assert rule.radius_m("") == 800  # unknown: the shorter time, never flattering


@pytest.mark.parametrize(
    ("kind", "households", "area", "minimum", "upper", "status"),
    [
        ("new", 1000, "200", "200.0", "300.0", SpaceStatus.WITHIN),
        ("new", 1000, "199.9", "200.0", "300.0", SpaceStatus.BELOW),
        ("new", 1000, "300", "200.0", "300.0", SpaceStatus.WITHIN),
        ("new", 1000, "300.1", "200.0", "300.0", SpaceStatus.ABOVE),
        ("existing", 1000, "150", "150.0", "200.0", SpaceStatus.WITHIN),
        ("existing", 1000, "149", "150.0", "200.0", SpaceStatus.BELOW),
        ("existing", 333, "50", "50.0", "66.6", SpaceStatus.WITHIN),
        ("new", 0, "0", "0.0", "0.0", SpaceStatus.WITHIN),
        ("existing", 400, "0", "60.0", "80.0", SpaceStatus.BELOW),
    ],
)
def test_space_standard(
    kind: str, households: int, area: str, minimum: str, upper: str, status: SpaceStatus
) -> None:
    check = check_space(kind, households, Decimal(area))
    assert check.minimum_m2 == Decimal(minimum)
    assert check.upper_m2 == Decimal(upper)
    assert check.status == status
    assert check.shortfall_m2 == max(Decimal(0), Decimal(minimum) - Decimal(area))


def test_space_standard_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        check_space("villa", 10, Decimal(1))
    with pytest.raises(ValueError):
        check_space("new", -1, Decimal(1))


@given(
    kind=st.sampled_from(["new", "existing"]),
    households=st.integers(min_value=1, max_value=100_000),
    area=st.decimals(min_value=0, max_value=100_000, places=1),
)
def test_space_status_agrees_with_per_100(kind: str, households: int, area: Decimal) -> None:
    check = check_space(kind, households, area)
    assert (check.status == SpaceStatus.BELOW) == (area < check.minimum_m2)
    assert check.shortfall_m2 >= 0
    assert (check.shortfall_m2 == 0) == (check.status != SpaceStatus.BELOW)


def test_generator_is_deterministic_and_within_spread() -> None:
    codes = [f"43110200{t}{v:03d}" for t in range(1, 4) for v in range(1, 30)]
    first = scatter_villages(codes, (26.42, 111.61), 15_000)
    assert first == scatter_villages(reversed(codes), (26.42, 111.61), 15_000)
    assert set(first) == set(codes)
    for lat, lng in first.values():
        # township within 80 % and village within 25 % of the spread: 105 % at most
        assert haversine_m(26.42, 111.61, lat, lng) <= 15_000 * 1.06
    assert len(set(first.values())) == len(codes)


def test_coverage_tally_and_roll_up() -> None:
    villages = [
        VillageSite("431102001001", 26.42, 111.61, 1200, residents=3, facilities_in_village=1),
        VillageSite("431102001002", 26.43, 111.61, 1200, residents=2),
        VillageSite("431102101201", 26.50, 111.70, 1200, residents=1),
        VillageSite("431102001003", None, None, 1200, residents=4),
    ]
    results = assess_villages(villages, [Point(7, 26.42, 111.61)])
    assert [r.is_covered for r in results] == [True, True, False, False]
    assert results[0].nearest_facility == 7 and results[0].distance_m == 0
    assert results[3].distance_m is None
    total = tally(results)
    assert (total.villages, total.located, total.covered, total.unlocated) == (4, 3, 2, 1)
    assert (total.residents, total.residents_covered) == (10, 5)
    assert total.village_share == Decimal("0.5000")
    assert total.resident_share == Decimal("0.5000")
    assert total.without_facility == 3
    groups = roll_up(results, lambda code: code[:9])
    assert groups["431102001"].covered == 2 and groups["431102001"].villages == 3
    assert groups["431102101"].uncovered_codes == ["431102101201"]


def test_no_facilities_means_nothing_covered() -> None:
    results = assess_villages([VillageSite("431102001001", 26.42, 111.61, 1200, 5)], [])
    assert not results[0].is_covered
    assert tally(results).resident_share == Decimal(0)
    assert tally([]).village_share is None
