"""The ingestion endpoints: signatures, replays, idempotency, device updates, batches."""

import json
import time
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from eldercare.accounts.models import Role
from eldercare.alarms import services
from eldercare.alarms.models import Alarm, AlarmStatus, Device, DeviceEvent
from tests.alarms.helpers import (
    BATCH_URL,
    EVENT_URL,
    Home,
    event,
    gateway_of,
    home_in,
    install,
    make_resident,
    post_batch,
    post_event,
)
from tests.concurrency import race


def stored() -> tuple[int, int]:
    return DeviceEvent.objects.count(), Alarm.objects.count()


def test_an_sos_opens_one_alarm_that_starts_its_chain_at_once(home: Home, client: Client) -> None:
    response = post_event(
        client, home.device, home.secret, event("sos-1", latitude=26.22, longitude=111.61)
    )
    assert response.status_code == 201, response.content
    assert response.json()["result"] == "accepted"
    alarm = Alarm.objects.get()
    assert response.json()["alarm"] == alarm.pk
    assert (alarm.resident, alarm.region_code, alarm.kind, alarm.urgency) == (
        home.resident,
        home.resident.region_code,
        "sos",
        1,
    )
    assert alarm.status == AlarmStatus.OPEN
    assert alarm.current_step == 0 and alarm.step_due_at == alarm.opened_at
    assert float(alarm.latitude) == 26.22
    device = Device.objects.get(pk=home.device.pk)
    assert device.last_heartbeat_at == alarm.opened_at


def test_the_same_event_twice_is_one_alarm_and_the_second_is_a_duplicate(
    home: Home, client: Client
) -> None:
    first = post_event(client, home.device, home.secret, event("sos-1"))
    second = post_event(client, home.device, home.secret, event("sos-1"))
    assert first.status_code == 201
    assert second.status_code == 200 and second.json() == {
        "event_id": "sos-1",
        "result": "duplicate",
    }
    assert stored() == (1, 1)


def test_event_ids_are_per_device(world: Any, home: Home, client: Client) -> None:
    other = install(world, make_resident(world, name="刘桂兰"), serial="IMEI860000000002")
    assert post_event(client, home.device, home.secret, event("x")).status_code == 201
    assert post_event(client, other.device, other.secret, event("x")).status_code == 201
    assert stored() == (2, 2)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"signature": "0" * 64}, "signature_invalid"),
        ({"offset": -400}, "timestamp_outside_window"),
        ({"offset": 400}, "timestamp_outside_window"),
        ({"secret": "not-the-secret"}, "signature_invalid"),
    ],
)
def test_bad_signatures_and_replays_are_refused_and_nothing_is_stored(
    home: Home, client: Client, change: dict[str, Any], code: str
) -> None:
    secret = change.pop("secret", home.secret)
    if "offset" in change:
        change["timestamp"] = int(time.time()) + change.pop("offset")
    response = post_event(client, home.device, secret, event(), **change)
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == code
    assert stored() == (0, 0)
    assert Device.objects.get(pk=home.device.pk).last_heartbeat_at is None


def test_a_replayed_request_inside_the_window_changes_nothing(home: Home, client: Client) -> None:
    body = json.dumps(event("sos-9")).encode()
    stamp = int(time.time()) - 100
    first = post_event(client, home.device, home.secret, body, timestamp=stamp)
    replay = post_event(client, home.device, home.secret, body, timestamp=stamp)
    assert (first.status_code, replay.json()["result"]) == (201, "duplicate")
    assert stored() == (1, 1)


def test_a_renewed_secret_replaces_the_old_one(world: Any, home: Home, client: Client) -> None:
    issued = services.renew_device_secret(actor=world.user(Role.COUNTY_ADMIN), device=home.device)
    assert post_event(client, home.device, home.secret, event("a")).status_code == 401
    assert post_event(client, issued.obj, issued.secret, event("b")).status_code == 201


def test_unknown_unbound_and_retired_devices_are_refused(
    world: Any, home: Home, client: Client
) -> None:
    admin = world.user(Role.COUNTY_ADMIN)
    response = client.post(
        EVENT_URL,
        b"{}",
        content_type="application/json",
        HTTP_X_DEVICE="acme/NOPE",
        HTTP_X_TIMESTAMP="1",
        HTTP_X_SIGNATURE="x",
    )
    assert (response.status_code, response.json()["errors"][0]["code"]) == (401, "device_unknown")
    response = client.post(EVENT_URL, b"{}", content_type="application/json")
    assert response.json()["errors"][0]["code"] == "device_missing"
    services.unbind_device(actor=admin, device=home.device, reason="老人搬家")
    response = post_event(client, home.device, home.secret, event())
    assert (response.status_code, response.json()["errors"][0]["code"]) == (
        401,
        "device_not_active",
    )
    assert stored() == (0, 0)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (b"not json", ""),
        ([1, 2], ""),
        ({"kind": "sos"}, "event_id"),
        ({"event_id": "x" * 65, "kind": "sos"}, "event_id"),
        ({"event_id": "1", "kind": "earthquake"}, "kind"),
        ({"event_id": "1", "kind": "heartbeat", "battery": 101}, "battery"),
        ({"event_id": "1", "kind": "heartbeat", "battery": True}, "battery"),
        ({"event_id": "1", "kind": "fall", "latitude": 91, "longitude": 0}, "latitude"),
        ({"event_id": "1", "kind": "fall", "latitude": 26}, "latitude"),
        ({"event_id": "1", "kind": "fall", "latitude": "nan", "longitude": 0}, "latitude"),
        (b'{"event_id": "1", "kind": "fall", "latitude": NaN, "longitude": 0}', "latitude"),
        (b'{"event_id": "1", "kind": "fall", "latitude": 0, "longitude": Infinity}', "longitude"),
        ({"event_id": "1", "kind": "fall", "occurred_at": "2026-01-01T10:00:00"}, "occurred_at"),
        ({"event_id": "1", "kind": "fall", "occurred_at": 4102444800}, "occurred_at"),
    ],
)
def test_malformed_events_get_a_clear_error_and_nothing_is_stored(
    home: Home, client: Client, payload: Any, field: str
) -> None:
    response = post_event(client, home.device, home.secret, payload)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors and errors[0]["field"] == field and errors[0]["message"]
    assert stored() == (0, 0)


def test_heartbeat_and_low_battery_update_the_device_without_an_alarm(
    home: Home, client: Client
) -> None:
    assert (
        post_event(
            client, home.device, home.secret, event("h1", "heartbeat", battery=76)
        ).status_code
        == 201
    )
    assert (
        post_event(
            client, home.device, home.secret, event("h2", "low_battery", battery=12)
        ).status_code
        == 201
    )
    assert post_event(client, home.device, home.secret, event("h3", "heartbeat")).status_code == 201
    device = Device.objects.get(pk=home.device.pk)
    assert device.battery_percent == 12 and device.last_heartbeat_at is not None
    assert stored() == (3, 0)


def test_the_events_own_time_is_kept(home: Home, client: Client) -> None:
    post_event(
        client,
        home.device,
        home.secret,
        event("t", "fall", occurred_at="2026-11-29T08:00:00+08:00"),
    )
    assert DeviceEvent.objects.get().occurred_at.isoformat() == "2026-11-29T00:00:00+00:00"


def test_a_gateway_batch_answers_each_event(world: Any, home: Home, client: Client) -> None:
    gateway, secret = gateway_of(world)
    post_event(client, home.device, home.secret, event("old"))
    other = install(world, make_resident(world, name="刘桂兰"), serial="IMEI860000000002")
    response = post_batch(
        client,
        gateway,
        secret,
        {
            "events": [
                {"serial": home.device.serial, **event("old")},
                {"serial": home.device.serial, **event("b1", "fall")},
                {"serial": home.device.serial, **event("b1", "fall")},
                {"serial": other.device.serial, **event("b2", "heartbeat", battery=55)},
                {"serial": other.device.serial, **event("b3", "heartbeat", battery=50)},
                {"serial": other.device.serial, **event("b4", "heartbeat")},
                {"serial": "UNKNOWN", **event("b5")},
                {"serial": home.device.serial, "event_id": "b6", "kind": "nope"},
            ]
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [r["result"] for r in body["results"]] == [
        "duplicate",
        "accepted",
        "duplicate",
        "accepted",
        "accepted",
        "accepted",
        "rejected",
        "rejected",
    ]
    assert body["summary"] == {"accepted": 4, "duplicate": 2, "rejected": 2}
    assert body["results"][7]["errors"][0]["field"] == "kind"
    assert stored() == (5, 2)
    assert Device.objects.get(pk=other.device.pk).battery_percent == 50


def test_a_batch_of_another_vendors_device_is_refused_per_event(
    world: Any, home: Home, client: Client
) -> None:
    admin = world.user(Role.COUNTY_ADMIN)
    issued = services.register_gateway(
        actor=admin, vendor="other", name="别家", region_code=world.county_a
    )
    response = post_batch(
        client, issued.obj, issued.secret, {"events": [{"serial": home.device.serial, **event()}]}
    )
    assert response.json()["summary"] == {"accepted": 0, "duplicate": 0, "rejected": 1}
    assert stored() == (0, 0)


def test_a_batch_with_a_bad_signature_or_shape_stores_nothing(
    world: Any, home: Home, client: Client
) -> None:
    gateway, secret = gateway_of(world)
    payload = {"events": [{"serial": home.device.serial, **event()}]}
    assert post_batch(client, gateway, "wrong", payload).status_code == 401
    assert post_batch(client, gateway, secret, payload, timestamp=1).status_code == 401
    assert post_batch(client, gateway, secret, {"events": []}).status_code == 400
    assert post_batch(client, gateway, secret, {"events": [{}] * 501}).status_code == 400
    response = client.post(
        BATCH_URL, b"{}", content_type="application/json", HTTP_X_GATEWAY="nobody"
    )
    assert response.json()["errors"][0]["code"] == "gateway_unknown"
    assert stored() == (0, 0)


def test_only_post_is_allowed(client: Client) -> None:
    assert client.get(EVENT_URL).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_the_same_event_posted_at_once_from_many_connections_is_one_alarm(world: Any) -> None:
    home = home_in(world)
    body = json.dumps(event("burst-1")).encode()

    def send() -> int:
        return post_event(Client(), home.device, home.secret, body).status_code

    results = race(*[send] * 6)
    assert sorted(results) == [200] * 5 + [201], results
    assert stored() == (1, 1)
    connection.close()
