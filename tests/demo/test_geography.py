import math

from eldercare.demo.geography import LOCALITY_CENTRES, demo_point, jittered


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    dy = (a[0] - b[0]) * 111.32
    dx = (a[1] - b[1]) * 111.32 * math.cos(math.radians(a[0]))
    return math.hypot(dx, dy)


def test_a_locality_is_at_its_real_centre() -> None:
    assert demo_point("620422000000") == LOCALITY_CENTRES["620422000000"]


def test_points_are_deterministic_and_near_their_parent() -> None:
    village = "620422100201"
    township = "620422100000"
    assert demo_point(village) == demo_point(village)
    assert _km(demo_point(village), demo_point(township)) <= 3.01  # type: ignore[arg-type]
    assert _km(demo_point(township), LOCALITY_CENTRES["620422000000"]) <= 9.01  # type: ignore[arg-type]


def test_counties_of_a_city_spread_around_the_city_centre() -> None:
    county = demo_point("431102000000")
    assert county is not None
    assert 0 < _km(county, LOCALITY_CENTRES["431100000000"]) <= 35.01


def test_outside_the_pilots_there_is_no_point() -> None:
    assert demo_point("110101001001") is None
    assert jittered("110101001001", "x", 1) is None


def test_jittered_points_differ_by_salt_and_stay_close() -> None:
    a = jittered("620422100201", "facility-1", 0.5)
    b = jittered("620422100201", "facility-2", 0.5)
    assert a is not None and b is not None and a != b
    assert _km(a, demo_point("620422100201")) <= 0.51  # type: ignore[arg-type]
