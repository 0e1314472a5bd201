"""The coverage report on a small located world, with exact expected values."""

from decimal import Decimal
from typing import Any

from eldercare.accounts.models import Role
from eldercare.planning.mapdata import map_payload
from eldercare.planning.models import CircleSetting
from eldercare.planning.reports import coverage_report
from eldercare.planning.services import save_circle_setting
from eldercare.regions.models import Region
from tests import factories
from tests.planning.builders import NEW_VILLAGE, Located, point


def _region(code: str) -> Region:
    return Region.objects.current().get(code=code)


def test_county_report(located: Located) -> None:
    w = located.world
    report = coverage_report(_region(w.county_a))
    total = report.total
    # village_a (0 m) and village_a2 (1,112 m) are inside 1,200 m; the rural village is ~12 km
    # from the only operating facility; the new village has no point.
    assert (total.villages, total.located, total.covered, total.unlocated) == (4, 3, 2, 1)
    assert (total.residents, total.residents_covered) == (7, 5)
    assert total.resident_share == Decimal("0.7143")
    assert total.village_share == Decimal("0.5000")
    # Only village_a has an operating facility of its own (the rural one is closed).
    assert total.without_facility == 3
    assert [(c.code, c.tally.villages, c.tally.covered) for c in report.children] == [
        (w.township_a, 3, 2),
        (w.township_a_other, 1, 0),
    ]
    assert [r.code for r in report.uncovered] == [w.village_a_other, NEW_VILLAGE]
    far = report.uncovered[0]
    assert far.nearest_facility == located.day_care.pk
    assert 12_000 < (far.distance_m or 0) < 13_500
    assert [(k.kind, k.operating, k.total) for k in report.kinds] == [
        ("day_care", 1, 1),
        ("rural_happiness", 0, 1),
    ]


def test_township_report_uses_the_county_facilities(located: Located) -> None:
    w = located.world
    county = {r.code: r.distance_m for r in coverage_report(_region(w.county_a)).results}
    township = coverage_report(_region(w.township_a_other))
    assert township.total.villages == 1
    assert township.results[0].distance_m == county[w.village_a_other]
    assert [c.code for c in township.children] == [w.village_a_other]


def test_nearest_region_setting_changes_the_radius(located: Located) -> None:
    w = located.world
    save_circle_setting(
        actor=w.user(Role.CITY_ADMIN),
        region_code="431100000000",
        urban_minutes=10,
        rural_minutes=20,
        speed_m_per_min=80,
    )
    report = coverage_report(_region(w.county_a))
    # Urban radius 800 m: village_a2 at 1,112 m drops out.
    assert report.total.covered == 1
    radii = {r.code: r.site.radius_m for r in report.results}
    assert radii[w.village_a2] == 800 and radii[w.village_a_other] == 1600
    save_circle_setting(
        actor=w.user(Role.COUNTY_ADMIN),
        region_code=w.township_a,
        urban_minutes=15,
        rural_minutes=15,
        speed_m_per_min=80,
    )
    assert coverage_report(_region(w.county_a)).total.covered == 2
    assert CircleSetting.objects.count() == 2


def test_map_payload(located: Located) -> None:
    w = located.world
    payload = map_payload(coverage_report(_region(w.county_a)))
    villages = {p["code"]: p for p in payload["points"] if "code" in p}
    assert set(villages) == {w.village_a, w.village_a2, w.village_a_other}
    assert villages[w.village_a_other]["kind"] == "uncovered"
    assert "何仙观村委会：未覆盖，距最近设施" in villages[w.village_a_other]["popup"]
    assert villages[w.village_a]["kind"] == "covered"
    assert payload["circles"] == [{"lat": 26.42, "lng": 111.61, "radius_m": 1200.0}]
    # Township A has two located villages: a line, not an outline; a third point makes a triangle.
    assert payload["outlines"] == []
    point(NEW_VILLAGE, Decimal("26.425"), Decimal("111.62"))
    payload = map_payload(coverage_report(_region(w.county_a)))
    assert [(o["name"], len(o["ring"])) for o in payload["outlines"]] == [("朝阳街道", 3)]


def test_report_query_count_does_not_grow_with_villages(
    located: Located, django_assert_num_queries: Any
) -> None:
    w = located.world
    for number in range(10, 40):
        code = f"431102001{number:03d}"
        factories.region(code, f"新村{number}", locality="rural")
        point(code, Decimal("26.41") + Decimal(number) / 1000, Decimal("111.6"))
        factories.resident(code)
    region = _region(w.county_a)
    # villages, settings, points, residents, facilities, facility localities, sub-regions
    with django_assert_num_queries(7):
        report = coverage_report(region)
    assert report.total.villages == 34
