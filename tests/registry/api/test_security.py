"""The API part of the security matrix: every route × every user of the world fixture.

Expectations are written out per role here, independently of accounts.access, so a change to
the role table shows up as failing cases rather than silently widening access.
"""

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from python_calamine import CalamineWorkbook
from rest_framework.test import APIClient

from eldercare.core.models import AuditAction, AuditEvent
from eldercare.registry.models import Resident
from tests import factories
from tests.conftest import World
from tests.registry.api.helpers import client_for, db_state

RESIDENTS = ("a", "a2", "a_other", "b")
COUNTY_A = frozenset({"a", "a2", "a_other"})


@dataclass(frozen=True)
class Expect:
    can_view: bool
    can_edit: bool
    can_export: bool
    sees: frozenset[str]  # keys of the `residents` fixture inside the user's scope


ROLES = {
    "system_admin": Expect(True, True, True, frozenset(RESIDENTS)),
    "city_admin": Expect(True, True, True, frozenset(RESIDENTS)),
    "county_admin": Expect(True, True, True, COUNTY_A),
    "township_worker": Expect(True, True, True, frozenset({"a", "a2"})),
    "village_worker": Expect(True, True, False, frozenset({"a"})),
    "assessor": Expect(True, False, False, COUNTY_A),
    "provider_manager": Expect(False, False, False, frozenset()),
    "caregiver": Expect(False, False, False, frozenset()),
    "auditor": Expect(True, False, True, COUNTY_A),
    "county_b_admin": Expect(True, True, True, frozenset({"b"})),
    "township_other": Expect(True, True, True, frozenset({"a_other"})),
    "unbound": Expect(True, True, True, frozenset()),
    "no_role": Expect(False, False, False, frozenset()),
}
# route: (method, url suffix, body, status on success, needs edit)
OBJECT_ROUTES: dict[str, tuple[str, str, dict[str, Any] | None, int, bool]] = {
    "retrieve": ("get", "", None, 200, False),
    "retrieve_unmasked": ("get", "?unmasked=1", None, 200, False),
    "partial_update": ("patch", "", {"residence_address": "新地址"}, 200, True),
    "status": ("post", "status/", {"status": "deceased", "status_date": "2026-04-01"}, 200, True),
    "contacts": (
        "put",
        "contacts/",
        {"contacts": [{"name": "张小三", "relation": "child", "phone": "13812345678"}]},
        200,
        True,
    ),
    "screenings": ("post", "screenings/", {"needs": ["meal"]}, 201, True),
}
UNMASKERS = {"system_admin", "city_admin", "county_admin", "township_worker", "village_worker"}
UNMASKERS |= {"assessor", "county_b_admin", "township_other", "unbound"}


@pytest.fixture(autouse=True)
def fixed_today() -> Any:
    with time_machine.travel(datetime(2026, 5, 1, 12, tzinfo=UTC), tick=False):
        yield


def names_in(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


def exported_names(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    content = io.BytesIO(response.getvalue())
    rows = CalamineWorkbook.from_filelike(content).get_sheet_by_index(0).to_python()
    return {str(row[0]) for row in rows[1:]}


def visible_names(residents: dict[str, Resident], keys: frozenset[str]) -> set[str]:
    return {residents[key].name for key in keys}


@pytest.mark.parametrize("target", RESIDENTS)
@pytest.mark.parametrize("route", OBJECT_ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_object_routes(
    world: World, residents: dict[str, Resident], role: str, route: str, target: str
) -> None:
    method, suffix, body, success, needs_edit = OBJECT_ROUTES[route]
    expect = ROLES[role]
    unmasking = route == "retrieve_unmasked"
    if not (expect.can_edit if needs_edit else expect.can_view):
        expected = 403
    elif target not in expect.sees:
        expected = 404  # outside the scope looks exactly like a resident that does not exist
    elif unmasking and role not in UNMASKERS:
        expected = 403  # only after the scope check, so a 403 never confirms a resident exists
    else:
        expected = success
    before = db_state()
    url = f"/api/v1/residents/{residents[target].pk}/{suffix}"
    response = getattr(client_for(world.user(role)), method)(url, body, format="json")
    assert response.status_code == expected, response.content
    if expected != success:
        assert db_state() == before
    if expected == 404:
        assert response.json() == {"detail": "记录不存在"}
    if unmasking and expected == 200:
        assert response.json()["id_number"] == residents[target].id_number
        assert AuditEvent.objects.get().action == AuditAction.VIEW_UNMASKED


def test_a_nonexistent_resident_is_the_same_404(world: World) -> None:
    response = client_for(world.user("system_admin")).get("/api/v1/residents/999999/")
    assert (response.status_code, response.json()) == (404, {"detail": "记录不存在"})
    assert client_for(world.user("system_admin")).get("/api/v1/residents/abc/").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_list(world: World, residents: dict[str, Resident], role: str) -> None:
    expect = ROLES[role]
    response = client_for(world.user(role)).get("/api/v1/residents/", {"status": "all"})
    if not expect.can_view:
        assert response.status_code == 403
        return
    assert names_in(response) == visible_names(residents, expect.sees)


@pytest.mark.parametrize("query", ["name", "id_tail", "full_id", "phone", "region"])
@pytest.mark.parametrize("target", ["b", "a_other"])
@pytest.mark.parametrize("role", ROLES)
def test_search_finds_nothing_outside_the_scope(
    world: World, residents: dict[str, Resident], role: str, target: str, query: str
) -> None:
    expect = ROLES[role]
    resident = residents[target]
    params = {
        "name": {"q": resident.name},
        "id_tail": {"q": resident.id_number[-6:]},
        "full_id": {"q": resident.id_number},
        "phone": {"q": resident.phones.get().number},
        "region": {"region": resident.region_code},
    }[query]
    response = client_for(world.user(role)).get("/api/v1/residents/", params)
    if not expect.can_view:
        assert response.status_code == 403
        return
    expected = {resident.name} if target in expect.sees else set()
    assert names_in(response) == expected


@pytest.mark.parametrize("role", ROLES)
def test_export(world: World, residents: dict[str, Resident], role: str) -> None:
    expect = ROLES[role]
    before = db_state()
    response = client_for(world.user(role)).get("/api/v1/residents/export/")
    if not expect.can_export:
        assert response.status_code == 403
        assert db_state() == before
        return
    assert exported_names(response) == visible_names(residents, expect.sees)
    assert AuditEvent.objects.get().action == AuditAction.EXPORT


@pytest.mark.parametrize("query", [{"region": "431103001001"}, {"q": "欧阳秀英"}])
def test_a_township_export_filtered_at_another_county_is_empty(
    world: World, residents: dict[str, Resident], query: dict[str, str]
) -> None:
    response = client_for(world.user("township_worker")).get("/api/v1/residents/export/", query)
    assert exported_names(response) == set()
    assert AuditEvent.objects.get().detail["count"] == 0


@pytest.mark.parametrize("role", ROLES)
def test_create(world: World, residents: dict[str, Resident], role: str) -> None:
    expect = ROLES[role]
    body = {
        "name": "赵钱",
        "id_number": factories.id_number(date(1956, 1, 1), sex="M"),
        "region_code": world.village_a,
    }
    before = db_state()
    response = client_for(world.user(role)).post("/api/v1/residents/", body, format="json")
    if not expect.can_edit:
        assert response.status_code == 403
    elif "a" in expect.sees:
        assert response.status_code == 201, response.content
        assert Resident.objects.filter(id_number=body["id_number"]).exists()
        return
    else:
        assert response.status_code == 400
        assert [e["code"] for e in response.json()["errors"]] == ["region_unknown"]
    assert db_state() == before


ROUTES = {
    "list": ("get", "/api/v1/residents/"),
    "export": ("get", "/api/v1/residents/export/"),
    "create": ("post", "/api/v1/residents/"),
    "retrieve": ("get", "/api/v1/residents/{pk}/"),
    "partial_update": ("patch", "/api/v1/residents/{pk}/"),
    "status": ("post", "/api/v1/residents/{pk}/status/"),
    "contacts": ("put", "/api/v1/residents/{pk}/contacts/"),
    "screenings": ("post", "/api/v1/residents/{pk}/screenings/"),
    "regions_list": ("get", "/api/v1/regions/"),
    "regions_detail": ("get", "/api/v1/regions/431102001001/"),
}


@pytest.mark.parametrize("route", ROUTES)
def test_unauthenticated_requests_are_401(residents: dict[str, Resident], route: str) -> None:
    method, url = ROUTES[route]
    before = db_state()
    response = getattr(APIClient(), method)(url.format(pk=residents["a"].pk), {}, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert db_state() == before


@pytest.mark.parametrize("route", ["list", "retrieve"])
def test_undeclared_methods_are_refused(
    world: World, residents: dict[str, Resident], route: str
) -> None:
    _, url = ROUTES[route]
    client = client_for(world.user("system_admin"))
    before = db_state()
    # OPTIONS is the undeclared "metadata" action; DELETE has no action at all.
    assert client.options(url.format(pk=residents["a"].pk)).status_code == 403
    assert client.delete(url.format(pk=residents["a"].pk)).status_code == 403
    assert db_state() == before
