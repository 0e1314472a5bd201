"""/api/v1/service-items/ and /api/v1/service-lists/: reading, filters, scope, query counts."""

import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.validation import validate_schema
from python_calamine import CalamineWorkbook

from eldercare.accounts.models import Role
from eldercare.catalogue.models import ListKind, ListStatus, ServiceListEntry
from eldercare.core.models import AuditAction, AuditEvent
from tests.catalogue.builders import CITY, item, service_list
from tests.conftest import World
from tests.registry.api.helpers import client_for

ITEMS = "/api/v1/service-items/"
LISTS = "/api/v1/service-lists/"


@pytest.fixture(autouse=True)
def fixed_today() -> Any:
    with time_machine.travel(datetime(2026, 5, 1, 12, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def catalogue(world: World) -> dict[str, Any]:
    meal = item("ZC-001", "助餐", category="meal")
    bath = item("ZY-001", "助浴", category="bath", unit="visit", standard_price_fen=8000)
    basic = item("JB-01", "探访", category="visiting", is_basic=True, standard_price_fen=0)
    own_b = item("LS-X-001", "冷水滩项目", category="other", region_code=world.county_b)
    return {
        "national": service_list("", kind=ListKind.BASIC, entries=[(basic, 0)]),
        "city": service_list(CITY, entries=[(meal, 1200), (bath, 8000)]),
        "county_a": service_list(world.county_a, entries=[(meal, 1000)]),
        "county_b": service_list(world.county_b, entries=[(own_b, 500)]),
        "old_a": service_list(
            world.county_a,
            kind=ListKind.PURCHASE,
            effective_from=date(2020, 1, 1),
            effective_to=date(2020, 12, 31),
            entries=[(bath, 100)],
        ),
        "draft_a": service_list(
            world.county_a, version=2, status=ListStatus.DRAFT, effective_from=None
        ),
    }


def codes(response) -> list[str]:
    return [row["code"] for row in response.json()["results"]]


def test_items_visible_to_a_village_worker(world, catalogue) -> None:
    response = client_for(world.user(Role.VILLAGE_WORKER)).get(ITEMS)
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["count_is_exact"]) == (3, True)
    assert codes(response) == ["ZC-001", "ZY-001", "JB-01"]  # not county B's own item
    assert {
        k: body["results"][1][k]
        for k in ("standard_price_fen", "standard_price_yuan", "unit_label")
    } == {
        "standard_price_fen": 8000,
        "standard_price_yuan": "80.00",
        "unit_label": "次",
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "bath"}, ["ZY-001"]),
        ({"category": "助浴"}, ["ZY-001"]),
        ({"is_basic": "true"}, ["JB-01"]),
        ({"is_basic": "false"}, ["ZC-001", "ZY-001"]),
    ],
)
def test_item_filters(world, catalogue, params, expected) -> None:
    assert codes(client_for(world.user(Role.CAREGIVER)).get(ITEMS, params)) == expected


def test_items_in_effect_at_a_region_on_a_day(world, catalogue) -> None:
    client = client_for(world.user(Role.VILLAGE_WORKER))
    response = client.get(ITEMS, {"region": world.village_a})
    rows = {row["code"]: row for row in response.json()["results"]}
    assert {
        code: (row["price_fen"], row["price_yuan"], row["list"]["region_code"])
        for code, row in rows.items()
    } == {
        "ZC-001": (1000, "10.00", world.county_a),
        "ZY-001": (8000, "80.00", CITY),
        "JB-01": (0, "0.00", ""),
    }
    old = client.get(ITEMS, {"region": world.village_a, "on": "2020-06-01"}).json()["results"]
    assert [(row["code"], row["price_fen"]) for row in old] == [("ZY-001", 100)]
    basic = client.get(ITEMS, {"region": world.village_a, "is_basic": "false", "category": "meal"})
    assert codes(basic) == ["ZC-001"]


def test_in_effect_query_count_does_not_grow(world, catalogue) -> None:
    client = client_for(world.user(Role.VILLAGE_WORKER))
    with CaptureQueriesContext(connection) as few:
        client.get(ITEMS, {"region": world.village_a})
    ServiceListEntry.objects.bulk_create(
        ServiceListEntry(service_list=catalogue["city"], item=item(f"X-{n:03d}"), local_price_fen=1)
        for n in range(30)
    )
    with CaptureQueriesContext(connection) as many:
        assert client.get(ITEMS, {"region": world.village_a}).json()["count"] == 33
    assert len(many) == len(few)


def test_a_region_outside_the_users_view_is_404(world, catalogue) -> None:
    client = client_for(world.user(Role.VILLAGE_WORKER))
    assert client.get(ITEMS, {"region": world.village_b}).status_code == 404
    assert client.get(ITEMS, {"region": world.county_a}).status_code == 200  # a region above


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"category": "flying"}, "category"),
        ({"is_basic": "maybe"}, "is_basic"),
        ({"region": "43x"}, "region"),
        ({"region": "431102001001", "on": "2026-02-30"}, "on"),
    ],
)
def test_bad_filters_are_400_naming_the_field(world, catalogue, params, field) -> None:
    response = client_for(world.user(Role.VILLAGE_WORKER)).get(ITEMS, params)
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_item_detail_with_what_applies_here(world, catalogue) -> None:
    client = client_for(world.user(Role.VILLAGE_WORKER))
    body = client.get(f"{ITEMS}zc-001/", {"region": world.village_a}).json()
    assert (body["code"], body["in_effect"]["price_fen"], body["in_effect"]["list"]["id"]) == (
        "ZC-001",
        1000,
        catalogue["county_a"].pk,
    )
    assert client.get(f"{ITEMS}ZC-001/").json()["in_effect"] is None
    assert client.get(f"{ITEMS}LS-X-001/").status_code == 404  # county B's own item
    assert client.get(f"{ITEMS}NOPE/").status_code == 404


def test_lists_and_list_detail(world, catalogue) -> None:
    client = client_for(world.user(Role.VILLAGE_WORKER))
    rows = client.get(LISTS).json()["results"]
    assert {row["id"] for row in rows} == {
        catalogue[name].pk for name in ("national", "city", "county_a", "old_a")
    }
    national = client.get(LISTS, {"region": "national"}).json()["results"]
    assert [row["id"] for row in national] == [catalogue["national"].pk]
    purchase = client.get(LISTS, {"kind": "purchase"}).json()["results"]
    assert [row["id"] for row in purchase] == [catalogue["old_a"].pk]
    detail = client.get(f"{LISTS}{catalogue['city'].pk}/").json()
    assert [(e["item"]["code"], e["price_yuan"], e["position"]) for e in detail["entries"]] == [
        ("ZC-001", "12.00", 1),
        ("ZY-001", "80.00", 2),
    ]
    for hidden in ("county_b", "draft_a"):
        assert client.get(f"{LISTS}{catalogue[hidden].pk}/").status_code == 404
    assert client.get(LISTS, {"kind": "seven"}).status_code == 400
    assert client.get(LISTS, {"status": "gone"}).status_code == 400


def test_managers_see_their_drafts(world, catalogue) -> None:
    client = client_for(world.user(Role.COUNTY_ADMIN))
    drafts = client.get(LISTS, {"status": "draft"}).json()["results"]
    assert [row["id"] for row in drafts] == [catalogue["draft_a"].pk]
    assert client.get(f"{LISTS}{catalogue['draft_a'].pk}/").status_code == 200
    other = client_for(world.user("county_b_admin"))
    assert other.get(f"{LISTS}{catalogue['draft_a'].pk}/").status_code == 404


def test_list_endpoint_query_count_does_not_grow(world, catalogue) -> None:
    client = client_for(world.user(Role.SYSTEM_ADMIN))
    with CaptureQueriesContext(connection) as few:
        client.get(LISTS)
    for version in range(3, 13):
        day = date(2030, 1, version)
        service_list(
            world.county_b, kind="purchase", version=version, effective_from=day, effective_to=day
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(LISTS).json()["count"] == 16
    assert len(many) == len(few)


def test_writes_are_not_offered(world, catalogue) -> None:
    client = client_for(world.user(Role.SYSTEM_ADMIN))
    assert client.post(ITEMS, {"code": "A-1"}, format="json").status_code in (403, 405)
    assert client.delete(f"{LISTS}{catalogue['city'].pk}/").status_code in (403, 405)


def test_anonymous_and_unbound_users(world, catalogue) -> None:
    assert client_for(None).get(ITEMS).status_code in (401, 403)
    unbound = client_for(world.user("unbound"))
    assert unbound.get(ITEMS).json()["count"] == 0
    assert unbound.get(LISTS).json()["count"] == 0


def test_export_through_the_api_is_audited(world, catalogue) -> None:
    client = client_for(world.user(Role.AUDITOR))
    response = client.get(f"{ITEMS}export/", {"region": world.village_a})
    assert response.status_code == 200
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    rows = workbook.get_sheet_by_name("服务清单").to_python()
    assert [row[1] for row in rows[1:]] == ["ZC-001", "ZY-001", "JB-01"]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.actor, event.region_code, event.detail["count"]) == (
        world.user(Role.AUDITOR),
        world.village_a,
        3,
    )


def test_openapi_schema_lists_the_catalogue_endpoints(world) -> None:
    response = client_for(world.user(Role.COUNTY_ADMIN)).get("/api/v1/schema/")
    document = yaml.safe_load(response.content)
    validate_schema(document)
    paths = document["paths"]
    assert set(paths["/api/v1/service-items/"]) == {"get"}
    assert set(paths["/api/v1/service-items/{code}/"]) == {"get"}
    assert set(paths["/api/v1/service-items/export/"]) == {"get"}
    assert set(paths["/api/v1/service-lists/"]) == {"get"}
    assert set(paths["/api/v1/service-lists/{id}/"]) == {"get"}
    parameters = {p["name"] for p in paths["/api/v1/service-items/"]["get"]["parameters"]}
    assert {"category", "is_basic", "region", "on", "page", "page_size"} <= parameters
