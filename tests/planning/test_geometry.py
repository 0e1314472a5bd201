"""Geometry: haversine, walking radius, the grid index against brute force, convex hulls."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eldercare.core.geo import convex_hull, haversine_m
from eldercare.planning.rules.geometry import GridIndex, Point, walking_radius_m

# Points within a county-sized box somewhere in China.
lat = st.floats(min_value=18.0, max_value=53.0)
lng = st.floats(min_value=74.0, max_value=134.0)
offset = st.floats(min_value=-0.3, max_value=0.3)


def test_known_distances() -> None:
    # One hundredth of a degree of latitude on the mean sphere.
    assert haversine_m(26.42, 111.61, 26.43, 111.61) == pytest.approx(1111.95, abs=0.01)
    # Beijing Tiananmen to Shanghai People's Square, about 1,067 km.
    assert haversine_m(39.9075, 116.3972, 31.2304, 121.4737) == pytest.approx(1_067_000, rel=0.005)
    assert haversine_m(30.0, 120.0, 30.0, 120.0) == 0.0


def test_walking_radius() -> None:
    assert walking_radius_m(15) == 1200
    assert walking_radius_m(10) == 800
    assert walking_radius_m(20, 60) == 1200
    with pytest.raises(ValueError):
        walking_radius_m(-1)
    with pytest.raises(ValueError):
        walking_radius_m(15, 0)


@given(lat, lng, lat, lng)
def test_haversine_is_symmetric_and_non_negative(a: float, b: float, c: float, d: float) -> None:
    assert haversine_m(a, b, c, d) == pytest.approx(haversine_m(c, d, a, b))
    assert haversine_m(a, b, c, d) >= 0


@given(lat, lng, lat, lng, lat, lng)
def test_haversine_triangle_inequality(
    a: float, b: float, c: float, d: float, e: float, f: float
) -> None:
    assert haversine_m(a, b, e, f) <= haversine_m(a, b, c, d) + haversine_m(c, d, e, f) + 1e-6


@settings(max_examples=200, deadline=None)
@given(
    centre_lat=lat,
    centre_lng=lng,
    sites=st.lists(st.tuples(offset, offset), min_size=0, max_size=40),
    queries=st.lists(st.tuples(offset, offset), min_size=1, max_size=10),
    cell_m=st.sampled_from([200.0, 800.0, 1200.0, 5000.0]),
)
def test_grid_nearest_matches_brute_force(
    centre_lat: float,
    centre_lng: float,
    sites: list[tuple[float, float]],
    queries: list[tuple[float, float]],
    cell_m: float,
) -> None:
    points = [Point(i, centre_lat + a, centre_lng + b) for i, (a, b) in enumerate(sites)]
    query_points = [(centre_lat + a, centre_lng + b) for a, b in queries]
    index = GridIndex(points, cell_m, query_latitudes=[q[0] for q in query_points])
    for q_lat, q_lng in query_points:
        found = index.nearest(q_lat, q_lng)
        if not points:
            assert found is None
            continue
        best = min(haversine_m(q_lat, q_lng, p.latitude, p.longitude) for p in points)
        assert found is not None
        assert found.distance_m == pytest.approx(best, abs=1e-6)


def _area2(ring: list[tuple[float, float]]) -> float:
    return sum(
        ring[i][1] * ring[(i + 1) % len(ring)][0] - ring[(i + 1) % len(ring)][1] * ring[i][0]
        for i in range(len(ring))
    )


def _inside_or_on(ring: list[tuple[float, float]], p: tuple[float, float]) -> bool:
    for i in range(len(ring)):
        o, a = ring[i], ring[(i + 1) % len(ring)]
        cross = (a[1] - o[1]) * (p[0] - o[0]) - (a[0] - o[0]) * (p[1] - o[1])
        if cross < -1e-9:
            return False
    return True


def test_hull_of_a_square_with_an_inner_point() -> None:
    square = [(0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, 0.0), (0.5, 0.5)]
    hull = convex_hull(square)
    assert sorted(hull) == [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)]
    assert _area2(hull) > 0  # counter-clockwise in (longitude, latitude)


def test_hull_of_degenerate_inputs() -> None:
    assert convex_hull([]) == []
    assert convex_hull([(1.0, 2.0), (1.0, 2.0)]) == [(1.0, 2.0)]
    assert len(convex_hull([(0.0, 0.0), (1.0, 1.0), (2.0, 2.0)])) == 2


# Whole numbers keep the orientation tests exact (coordinates are stored with 6 decimals anyway).
grid = st.integers(min_value=-1000, max_value=1000).map(float)


@given(st.lists(st.tuples(grid, grid), min_size=3, max_size=60))
def test_hull_contains_every_point_and_is_convex(points: list[tuple[float, float]]) -> None:
    hull = convex_hull(points)
    if len(hull) < 3:
        return
    assert set(hull) <= set(points)
    assert _area2(hull) > 0
    for p in points:
        assert _inside_or_on(hull, p)
    assert len(hull) == len(set(hull))
    assert not math.isnan(_area2(hull))
