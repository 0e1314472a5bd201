"""The phone API: token auth, sign/amend/end, logging (201 then 200 for a retried key), errors
as named fields, scope as 404, follow-up actions and the overdue list."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from eldercare.accounts.models import Role
from eldercare.carevisits.models import CareAgreement, CareContact, FollowUp
from tests.carevisits.builders import key_resident, sign
from tests.conftest import World

pytestmark = pytest.mark.django_db
BASE = "/api/v1/care-visits/"


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def contact_body(resident_id: int, **overrides: Any) -> dict[str, Any]:
    return {
        "resident": resident_id,
        "kind": "home_visit",
        "occurred_at": (timezone.localtime() - timedelta(minutes=20)).isoformat(),
        "idempotency_key": "phone-0000-0001",
        "health": "fair",
        "needs": ["meal"],
        "findings": "腿脚不便",
        **overrides,
    }


def test_sign_amend_end_through_the_api(world: World) -> None:
    resident = key_resident(world.village_a)
    api = client_for(world.user(Role.TOWNSHIP_WORKER))
    worker = world.user(Role.VILLAGE_WORKER).pk
    response = api.post(
        BASE + "agreements/",
        {"resident": resident.pk, "visitors": [{"kind": "village_worker", "user": worker}]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["min_contacts"] == 3 and body["visitors"][0]["user"] == worker
    pk = body["id"]
    response = api.post(
        BASE + f"agreements/{pk}/amend/",
        {
            "reason": "加邻居",
            "visitors": [
                {"kind": "village_worker", "user": worker},
                {"kind": "neighbour", "name": "赵邻居", "phone": "13700137000"},
            ],
        },
        format="json",
    )
    assert response.status_code == 200
    assert [v["number"] for v in response.json()["versions"]] == [1, 2]
    assert response.json()["visitors"][1]["phone"] == "137****7000"
    response = api.post(BASE + f"agreements/{pk}/end/", {"reason": "去世"}, format="json")
    assert response.json()["status"] == "ended"
    again = api.post(BASE + f"agreements/{pk}/end/", {"reason": "去世"}, format="json")
    assert again.status_code == 409


def test_api_errors_name_the_field_and_store_nothing(world: World) -> None:
    resident = key_resident(world.village_a)
    api = client_for(world.user(Role.TOWNSHIP_WORKER))
    for body in (
        {"resident": resident.pk, "visitors": []},
        {"resident": "x", "visitors": []},
        {"resident": resident.pk, "visitors": "all", "colour": "red"},
    ):
        response = api.post(BASE + "agreements/", body, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"]
    assert not CareAgreement.objects.exists()
    village = client_for(world.user(Role.VILLAGE_WORKER))
    assert village.post(BASE + "agreements/", {}, format="json").status_code == 403


def test_logging_from_the_phone_is_idempotent(world: World) -> None:
    resident = key_resident(world.village_a)
    sign(world, resident)
    api = client_for(world.user(Role.VILLAGE_WORKER))
    first = api.post(BASE + "contacts/", contact_body(resident.pk), format="json")
    retry = api.post(BASE + "contacts/", contact_body(resident.pk), format="json")
    assert (first.status_code, retry.status_code) == (201, 200)
    assert first.json()["id"] == retry.json()["id"]
    assert CareContact.objects.count() == 1
    changed = api.post(
        BASE + "contacts/", contact_body(resident.pk, kind="phone_call"), format="json"
    )
    assert changed.status_code == 409
    listed = api.get(BASE + "contacts/", {"resident": resident.pk}).json()
    assert listed["results"][0]["findings"] == "腿脚不便"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"kind": "telepathy"}, "kind"),
        ({"needs": "meal"}, "needs"),
        ({"follow_ups": [{"kind": "referral", "note": "屋顶漏雨"}]}, "follow_ups"),
    ],
)
def test_bad_contacts_are_refused(world: World, overrides: dict[str, Any], field: str) -> None:
    resident = key_resident(world.village_a)
    api = client_for(world.user(Role.VILLAGE_WORKER))
    response = api.post(BASE + "contacts/", contact_body(resident.pk, **overrides), format="json")
    assert response.status_code == 400
    assert field in {e["field"] for e in response.json()["errors"]}
    assert not CareContact.objects.exists()


def test_future_time_with_offset_is_refused(world: World) -> None:
    resident = key_resident(world.village_a)
    api = client_for(world.user(Role.VILLAGE_WORKER))
    later = (timezone.now() + timedelta(hours=3)).isoformat()
    response = api.post(
        BASE + "contacts/", contact_body(resident.pk, occurred_at=later), format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "future"


def test_resident_outside_scope_is_404(world: World) -> None:
    other = key_resident(world.village_b)
    api = client_for(world.user(Role.VILLAGE_WORKER))
    assert api.post(BASE + "contacts/", contact_body(other.pk), format="json").status_code == 404
    assert not CareContact.objects.exists()


def test_follow_up_actions_and_overdue(world: World) -> None:
    resident = key_resident(world.village_a, "郑奶奶")
    sign(world, resident, starts_on=timezone.localdate() - timedelta(days=14))
    api = client_for(world.user(Role.VILLAGE_WORKER))
    overdue = api.get(BASE + "contacts/overdue/", {"mine": "1"}).json()
    assert [row["resident_name"] for row in overdue["results"]] == ["郑奶奶"]
    assert overdue["results"][0]["missing_visits"] == 1
    body = contact_body(resident.pk, follow_ups=[{"kind": "alarm", "note": "胸闷"}])
    created = api.post(BASE + "contacts/", body, format="json").json()
    follow_up = created["follow_ups"][0]
    assert follow_up["status"] == "open"
    url = BASE + f"follow-ups/{follow_up['id']}/"
    assert api.post(url + "hand-over/", {"target_ref": ""}, format="json").status_code == 400
    assert api.post(url + "hand-over/", {"target_ref": "AL-9"}, format="json").status_code == 200
    assert api.post(url + "close/", {"outcome": "已处理"}, format="json").json()["status"] == (
        "closed"
    )
    assert api.post(url + "cancel/", {"reason": "x"}, format="json").status_code == 409
    assert FollowUp.objects.get().outcome == "已处理"
    assert "missing_contacts" in api.get(BASE + "contacts/overdue/").json()["results"][0]


def test_key_elderly_list_and_anonymous(world: World) -> None:
    key_resident(world.village_a, "钱爷爷")
    api = client_for(world.user(Role.VILLAGE_WORKER))
    assert [r["name"] for r in api.get(BASE + "key-elderly/").json()["results"]] == ["钱爷爷"]
    assert APIClient().get(BASE + "key-elderly/").status_code in (401, 403)
    assert client_for(world.user(Role.CAREGIVER)).get(BASE + "contacts/").status_code == 403


def test_openapi_schema_lists_the_care_visit_endpoints(world: World) -> None:
    import yaml
    from drf_spectacular.validation import validate_schema

    api = client_for(world.user(Role.COUNTY_ADMIN))
    document = yaml.safe_load(api.get("/api/v1/schema/").content)
    validate_schema(document)
    paths = document["paths"]
    assert set(paths[BASE + "agreements/"]) == {"get", "post"}
    assert set(paths[BASE + "agreements/{id}/amend/"]) == {"post"}
    assert set(paths[BASE + "contacts/"]) == {"get", "post"}
    assert set(paths[BASE + "contacts/overdue/"]) == {"get"}
    assert set(paths[BASE + "follow-ups/{id}/hand-over/"]) == {"post"}
