"""API: coverage, map data, points and areas, each limited to the user's subtree."""

from decimal import Decimal

from rest_framework.test import APIClient

from eldercare.accounts.models import Role
from eldercare.planning.services import save_residential_area
from tests.planning.builders import Located


def _client(located: Located, username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(located.world.users[username])
    return client


def test_coverage_endpoint(located: Located) -> None:
    w = located.world
    data = _client(located, Role.COUNTY_ADMIN).get("/api/v1/planning/coverage/").json()
    assert data["region"]["code"] == w.county_a
    assert data["total"]["covered"] == 2 and data["total"]["resident_share"] == "0.7143"
    assert [row["code"] for row in data["uncovered"]] == [w.village_a_other, "431102001003"]
    assert data["uncovered"][1]["is_located"] is False


def test_map_endpoint_is_scoped(located: Located) -> None:
    w = located.world
    assert (
        _client(located, "county_b_admin")
        .get(f"/api/v1/planning/map/?region={w.county_a}")
        .status_code
        == 404
    )
    assert _client(located, Role.CAREGIVER).get("/api/v1/planning/map/").status_code == 403
    data = _client(located, Role.TOWNSHIP_WORKER).get("/api/v1/planning/map/").json()
    assert {p["code"] for p in data["points"] if "code" in p} == {w.village_a, w.village_a2}


def test_points_and_areas_lists(located: Located) -> None:
    w = located.world
    save_residential_area(
        actor=w.user(Role.COUNTY_ADMIN),
        area=None,
        region_code=w.village_a,
        name="建设新村",
        kind="existing",
        households=400,
        service_floor_area_m2=Decimal(0),
    )
    points = _client(located, Role.VILLAGE_WORKER).get("/api/v1/planning/village-points/").json()
    assert [p["region_code"] for p in points["results"]] == [w.village_a]
    areas = _client(located, Role.AUDITOR).get("/api/v1/planning/residential-areas/").json()
    assert areas["results"][0]["status"] == "below"
    assert areas["results"][0]["shortfall_m2"] == "60.0"
    other = _client(located, "county_b_admin").get("/api/v1/planning/residential-areas/").json()
    assert other["results"] == []
