"""The API: scoped reading, masked staff, the same rules and errors as the services."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from eldercare.providers.models import Provider, ProviderPrice
from tests import factories
from tests.conftest import World
from tests.providers.builders import credit_code, provider, staff

TODAY = date.today()


def api(world: World, role: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(world.user(role))
    return client


def test_list_is_scoped_and_filtered(world: World, provider_a: Provider) -> None:
    provider(world.county_b)
    body = api(world, "county_admin").get("/api/v1/providers/").json()
    assert [row["id"] for row in body["results"]] == [provider_a.pk]
    assert (
        api(world, "county_admin").get("/api/v1/providers/?status=blacklisted").json()["count"] == 0
    )
    assert api(world, "caregiver").get("/api/v1/providers/").status_code == 403


def test_create_and_errors(world: World) -> None:
    client = api(world, "county_admin")
    good = {
        "region_code": world.county_a,
        "name": "颐康",
        "kind": "enterprise",
        "credit_code": credit_code(),
    }
    assert client.post("/api/v1/providers/", good, format="json").status_code == 201
    again = client.post("/api/v1/providers/", good, format="json")
    assert again.status_code == 400
    assert again.json()["errors"][0]["code"] == "taken"
    assert Provider.objects.count() == 1


def test_blacklist_then_illegal_transition_is_409(world: World, provider_a: Provider) -> None:
    client = api(world, "county_admin")
    decision = {"reason": "欺诈", "decided_on": TODAY.isoformat(), "authority": "区民政局"}
    assert (
        client.post(
            f"/api/v1/providers/{provider_a.pk}/blacklist/", decision, format="json"
        ).status_code
        == 200
    )
    response = client.post(f"/api/v1/providers/{provider_a.pk}/suspend/", decision, format="json")
    assert response.status_code == 409
    missing = client.post(
        f"/api/v1/providers/{provider_a.pk}/lift/", {"reason": "x"}, format="json"
    )
    assert missing.status_code == 400


def test_prices_and_detail(world: World, provider_a: Provider, meal, own_staff) -> None:
    client = api(world, "provider_manager")
    response = client.post(
        f"/api/v1/providers/{provider_a.pk}/prices/",
        {"item": meal.code, "price_fen": 1500, "effective_from": TODAY.isoformat()},
        format="json",
    )
    assert response.status_code == 201
    detail = client.get(f"/api/v1/providers/{provider_a.pk}/").json()
    assert detail["prices"] == [
        {
            "item": "ZC-001",
            "item_name": meal.name,
            "price_fen": 1500,
            "effective_from": TODAY.isoformat(),
        }
    ]
    unknown = client.post(
        f"/api/v1/providers/{provider_a.pk}/prices/",
        {"item": "NOPE-1", "price_fen": 1, "effective_from": TODAY.isoformat()},
        format="json",
    )
    assert unknown.status_code == 400 and ProviderPrice.objects.count() == 1


def test_staff_masked_and_managed(world: World, provider_a: Provider, meal, own_staff) -> None:
    client = api(world, "provider_manager")
    number = factories.id_number(date(1990, 2, 2))
    created = client.post(
        "/api/v1/staff/",
        {
            "provider": provider_a.pk,
            "name": "孙护理",
            "id_number": number,
            "kind": "caregiver",
            "region_code": world.village_a,
            "skills": [meal.code],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["id_number"] != number and body["id_number"].startswith(number[:6])
    assert body["skills"] == ["ZC-001"]
    windows = {
        "windows": [
            {"weekday": 0, "starts_at": "08:00", "ends_at": "12:00"},
            {"weekday": 0, "starts_at": "11:00", "ends_at": "13:00"},
        ]
    }
    assert (
        client.put(f"/api/v1/staff/{body['id']}/availability/", windows, format="json").status_code
        == 400
    )
    windows["windows"].pop()
    assert client.put(f"/api/v1/staff/{body['id']}/availability/", windows, format="json").json()[
        "availability"
    ] == [{"weekday": 0, "starts_at": "08:00", "ends_at": "12:00"}]
    assert number not in str(client.get("/api/v1/staff/").json())


def test_manager_sees_only_their_providers_staff(
    world: World, provider_a: Provider, own_staff
) -> None:
    other = provider(world.county_a)
    staff(other, world.village_a)
    rows = api(world, "provider_manager").get("/api/v1/staff/").json()["results"]
    assert [row["id"] for row in rows] == [own_staff.pk]
    # Caregivers have no VIEW_PROVIDERS: the staff register is not theirs to read.
    assert api(world, "caregiver").get("/api/v1/staff/").status_code == 403


@pytest.mark.parametrize("role", ["county_admin", "auditor"])
def test_facilities_list(world: World, role: str) -> None:
    client = api(world, "county_admin")
    created = client.post(
        "/api/v1/facilities/",
        {
            "region_code": world.village_a,
            "name": "幸福院",
            "kind": "rural_happiness",
            "operation_mode": "public",
            "latitude": "26.4",
            "longitude": "111.6",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert api(world, role).get("/api/v1/facilities/?kind=rural_happiness").json()["count"] == 1
    bad = client.post(
        "/api/v1/facilities/",
        {
            "region_code": world.village_a,
            "name": "x",
            "kind": "rural_happiness",
            "operation_mode": "public",
            "latitude": "200",
            "longitude": "111.6",
        },
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "coordinates"


def test_schema_documents_the_endpoints(world: World) -> None:
    schema = api(world, "system_admin").get("/api/v1/schema/").content.decode()
    for path in (
        "/api/v1/providers/{id}/blacklist/",
        "/api/v1/staff/{id}/availability/",
        "/api/v1/facilities/",
    ):
        assert path in schema


def test_a_refused_skill_leaves_no_registered_member(
    world: World, provider_a: Provider, meal, own_staff
) -> None:
    from eldercare.providers.models import StaffMember

    meal.is_active = False
    meal.save()
    before = StaffMember.objects.count()
    response = api(world, "provider_manager").post(
        "/api/v1/staff/",
        {
            "provider": provider_a.pk,
            "name": "孙护理",
            "id_number": factories.id_number(date(1990, 2, 2)),
            "kind": "caregiver",
            "region_code": world.village_a,
            "skills": [meal.code],
        },
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert response.json()["errors"][0]["field"] == "skills"
    assert StaffMember.objects.count() == before
