from datetime import date
from typing import Any

import pytest

from eldercare.regions.models import Region
from tests import factories
from tests.conftest import World
from tests.registry.api.helpers import client_for

PROVINCE, CITY = "430000000000", "431100000000"
COUNTY_A = {"431102000000", "431102001000", "431102001001", "431102001002"}
COUNTY_A |= {"431102101000", "431102101201"}
COUNTY_B = {"431103000000", "431103001000", "431103001001"}
EVERYTHING = {PROVINCE, CITY} | COUNTY_A | COUNTY_B
VISIBLE = {
    "system_admin": EVERYTHING,
    "city_admin": EVERYTHING,
    "county_admin": {PROVINCE, CITY} | COUNTY_A,
    "township_worker": {PROVINCE, CITY, "431102000000"}
    | {"431102001000", "431102001001", "431102001002"},
    "village_worker": {PROVINCE, CITY, "431102000000", "431102001000", "431102001001"},
    "assessor": {PROVINCE, CITY} | COUNTY_A,
    "provider_manager": {PROVINCE, CITY} | COUNTY_A,
    "caregiver": {PROVINCE, CITY, "431102000000"}
    | {"431102001000", "431102001001", "431102001002"},
    "auditor": {PROVINCE, CITY} | COUNTY_A,
    "county_b_admin": {PROVINCE, CITY} | COUNTY_B,
    "township_other": {PROVINCE, CITY, "431102000000", "431102101000", "431102101201"},
    "unbound": set(),
    "no_role": set(),
}


def codes(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


@pytest.mark.parametrize("role", VISIBLE)
def test_list_shows_the_scope_and_its_ancestors(world: World, role: str) -> None:
    response = client_for(world.user(role)).get("/api/v1/regions/", {"page_size": 1000})
    assert codes(response) == sorted(VISIBLE[role])


@pytest.mark.parametrize("role", VISIBLE)
@pytest.mark.parametrize("code", sorted(EVERYTHING))
def test_detail_outside_the_scope_is_404(world: World, role: str, code: str) -> None:
    response = client_for(world.user(role)).get(f"/api/v1/regions/{code}/")
    if code in VISIBLE[role]:
        assert response.status_code == 200
        assert response.json()["code"] == code
    else:
        assert response.status_code == 404


def test_detail_fields(world: World) -> None:
    response = client_for(world.user("village_worker")).get("/api/v1/regions/431102001001/")
    assert response.json() == {
        "code": "431102001001",
        "name": "多福社区居委会",
        "level": 5,
        "parent_code": "431102001000",
        "locality": "urban",
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"parent": "431102001000"}, ["431102001001", "431102001002"]),
        ({"parent": "431102"}, ["431102001000", "431102101000"]),
        ({"parent": "431103000000"}, []),
        ({"level": "4"}, ["431102001000", "431102101000"]),
        ({"level": "5", "q": "银"}, ["431102001002"]),
        ({"q": "零陵"}, ["431102000000"]),
        ({"q": "冷水滩"}, []),
    ],
)
def test_list_filters(world: World, params: dict[str, str], expected: list[str]) -> None:
    assert codes(client_for(world.user("county_admin")).get("/api/v1/regions/", params)) == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [({"level": "9"}, "level"), ({"level": "村"}, "level"), ({"parent": "43110"}, "parent")],
)
def test_invalid_filters(world: World, params: dict[str, str], field: str) -> None:
    response = client_for(world.user("county_admin")).get("/api/v1/regions/", params)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == (field, "filter_invalid")
    assert error["message"].startswith(f"参数 {field}")


def test_only_current_versions(world: World) -> None:
    Region.objects.filter(code="431102001002").update(valid_to=date(2024, 6, 29))
    Region.objects.create(
        code="431102001002",
        name="银闸新社区",
        level=5,
        parent_code="431102001000",
        valid_from=date(2024, 6, 30),
    )
    factories.region("431102001003", "已撤销村", valid_to=date(2024, 1, 1))
    response = client_for(world.user("township_worker")).get(
        "/api/v1/regions/", {"parent": "431102001000"}
    )
    assert [(r["code"], r["name"]) for r in response.json()["results"]] == [
        ("431102001001", "多福社区居委会"),
        ("431102001002", "银闸新社区"),
    ]
    assert (
        client_for(world.user("township_worker")).get("/api/v1/regions/431102001003/").status_code
        == 404
    )


def test_list_query_count(world: World, django_assert_num_queries: Any) -> None:
    client = client_for(world.user("county_admin"))
    with django_assert_num_queries(2):  # count and page
        client.get("/api/v1/regions/", {"level": "5"})
