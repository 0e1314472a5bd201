"""The API: the caregiver's phone app with a token, and the dispatcher and supervisor calls."""

from datetime import timedelta

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from eldercare.orders.models import Order
from tests.orders.conftest import HOME, Shop

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _api(user: object, token: bool = False) -> APIClient:
    client = APIClient()
    if token:
        key = Token.objects.create(user=user).key  # type: ignore[misc]
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    else:
        client.force_authenticate(user)  # type: ignore[arg-type]
    return client


def test_the_whole_flow_over_the_api(shop: Shop) -> None:
    worker = _api(shop.worker)
    created = worker.post(
        "/api/v1/orders/",
        {
            "resident": shop.resident.pk,
            "provider": shop.provider.pk,
            "item": shop.cleaning.code,
            "starts_at": "2026-11-17T09:00:00+08:00",
            "ends_at": "2026-11-17 11:00",
            "address": "多福社区 3 栋",
            "latitude": "26.42",
            "longitude": "111.61",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    manager = _api(shop.manager)
    assert manager.post(f"/api/v1/orders/{pk}/accept/", {}, format="json").status_code == 200
    proposals = manager.get(f"/api/v1/orders/{pk}/proposals/").json()["results"]
    assert [p["name"] for p in proposals] == ["李护理", "王护理"]
    dispatched = manager.post(f"/api/v1/orders/{pk}/dispatch/", {}, format="json")
    assert dispatched.json()["caregiver_name"] == "李护理"

    phone = _api(shop.caregiver, token=True)
    assert [o["id"] for o in phone.get("/api/v1/orders/today/").json()["results"]] == []
    shop.clock.move_to(Order.objects.get(pk=pk).starts_at)
    assert [o["id"] for o in phone.get("/api/v1/orders/today/").json()["results"]] == [pk]
    checked = phone.post(
        f"/api/v1/orders/{pk}/check-in/",
        {"latitude": str(HOME[0]), "longitude": str(HOME[1])},
        format="json",
    )
    assert checked.json()["status"] == "in_service"
    upload = phone.post(f"/api/v1/orders/{pk}/photos/", {"file": _png()}, format="multipart")
    assert upload.status_code == 201
    shop.clock.move_to(Order.objects.get(pk=pk).starts_at + timedelta(minutes=95))
    done = phone.post(f"/api/v1/orders/{pk}/check-out/", {"work_done": "保洁"}, format="json")
    assert done.json()["status"] == "completed" and done.json()["self_pay_fen"] == 5_000
    rated = worker.post(f"/api/v1/orders/{pk}/rate/", {"rating": 4}, format="json")
    assert rated.json()["status"] == "rated"
    detail = worker.get(f"/api/v1/orders/{pk}/").json()
    assert [h["kind"] for h in detail["history"]] == [
        "place",
        "accept",
        "dispatch",
        "check_in",
        "check_out",
        "rate",
    ]
    admin = _api(shop.world.user("county_admin"))
    statement = admin.post(
        "/api/v1/orders/statements/",
        {"provider": shop.provider.pk, "month": "2026-11"},
        format="json",
    )
    assert statement.json()["order_count"] == 1 and statement.json()["is_reconciled"]
    figures = admin.get("/api/v1/orders/callbacks/supervision/?start=2026-11-01&end=2026-11-30")
    assert figures.json()["results"][0]["completed"] == 1


def _png():  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("door.png", PNG, content_type="image/png")


def test_errors_are_clear_and_nothing_is_written(shop: Shop) -> None:
    worker = _api(shop.worker)
    bad = worker.post(
        "/api/v1/orders/",
        {
            "resident": shop.resident.pk,
            "provider": shop.provider.pk,
            "item": "ZJ-901",
            "colour": "red",
        },
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "colour"
    missing = worker.post(
        "/api/v1/orders/",
        {"resident": shop.resident.pk, "provider": shop.provider.pk, "item": "ZJ-901"},
        format="json",
    )
    assert missing.status_code == 400
    assert {e["field"] for e in missing.json()["errors"]} >= {"starts_at", "ends_at", "address"}
    assert not Order.objects.exists()
    order = shop.place()
    conflict = worker.post(f"/api/v1/orders/{order.pk}/rate/", {"rating": 5}, format="json")
    assert conflict.status_code == 409 and conflict.json()["errors"][0]["code"] == "cannot_rate"


def test_caregiver_cannot_see_others_orders_or_dispatch(shop: Shop) -> None:
    order = shop.advance(shop.place(), "dispatched", caregiver=shop.far)
    phone = _api(shop.caregiver)
    assert phone.get(f"/api/v1/orders/{order.pk}/").status_code == 404
    assert phone.post(f"/api/v1/orders/{order.pk}/dispatch/", {}, format="json").status_code == 403
    assert phone.get("/api/v1/orders/").json()["results"] == []


def test_schema_documents_the_endpoints(shop: Shop) -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "/api/v1/orders/{id}/check-in/" in schema["paths"]
    assert "/api/v1/orders/statements/{id}/export/" in schema["paths"]


def test_supervisor_endpoints(shop: Shop) -> None:
    order = shop.advance(shop.place(), "completed")
    worker = _api(shop.worker)
    complaint = worker.post(
        f"/api/v1/orders/{order.pk}/complain/", {"content": "迟到"}, format="json"
    ).json()
    supervisor = _api(shop.world.user("county_admin"))
    handled = supervisor.post(
        f"/api/v1/orders/complaints/{complaint['id']}/advance/",
        {"step": "resolve", "note": "已整改"},
        format="json",
    )
    assert handled.json()["status"] == "resolved"
    again = supervisor.post(
        f"/api/v1/orders/complaints/{complaint['id']}/advance/", {"step": "handle"}, format="json"
    )
    assert again.status_code == 409
    sample = supervisor.post(
        "/api/v1/orders/callbacks/",
        {
            "region_code": shop.world.county_a,
            "start": "2026-11-01",
            "end": "2026-11-30",
            "size": 5,
            "seed": "abc",
        },
        format="json",
    ).json()
    assert [c["order"] for c in sample["callbacks"]] == [order.pk]
    recorded = supervisor.post(
        "/api/v1/orders/callbacks/record/",
        {"callback": sample["callbacks"][0]["id"], "outcome": "satisfied"},
        format="json",
    )
    assert recorded.json()["outcome"] == "satisfied"
    statement = supervisor.post(
        "/api/v1/orders/statements/",
        {"provider": shop.provider.pk, "month": "2026-11"},
        format="json",
    ).json()
    confirmed = supervisor.post(f"/api/v1/orders/statements/{statement['id']}/confirm/")
    assert confirmed.json()["status"] == "confirmed"
    export = supervisor.get(f"/api/v1/orders/statements/{statement['id']}/export/")
    assert export.status_code == 200 and export.content[:2] == b"PK"
    assert _api(shop.worker).get("/api/v1/orders/complaints/").status_code == 403
