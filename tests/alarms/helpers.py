"""Alarms test helpers: a bound device for a resident of village_a with a chain of contacts, a
signed-request client for the ingestion endpoints, and a sender that keeps what it was given."""

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.test import Client

from eldercare.accounts.models import Role
from eldercare.alarms import services
from eldercare.alarms.models import Device, Gateway
from eldercare.alarms.rules.signing import sign
from eldercare.alarms.senders import OutgoingMessage
from eldercare.alarms.services.devices import gateway_secret
from eldercare.providers.models import Provider, ProviderArea
from eldercare.registry.models import Resident, ResidentContact
from tests import factories
from tests.conftest import World

EVENT_URL = "/api/v1/device-events/"
BATCH_URL = "/api/v1/device-events/batch/"


class RecordingSender:
    """Keeps every message (tests assert what was sent, to whom, when)."""

    name = "recording"
    sent: list[OutgoingMessage] = []
    lock = threading.Lock()

    def send(self, message: OutgoingMessage) -> None:
        with self.lock:
            RecordingSender.sent.append(message)


@dataclass
class Home:
    resident: Resident
    device: Device
    secret: str
    extra: dict[str, Any] = field(default_factory=dict)


def make_resident(world: World, name: str = "王秀英", **extra: Any) -> Resident:
    resident = factories.resident(
        world.village_a,
        name=name,
        sex="F",
        birth=date(1940, 5, 6),
        phones=("13800001111",),
        residence_address="多福社区3栋2单元101",
        **extra,
    )
    ResidentContact.objects.create(
        resident=resident, name="李强", relation="child", phone="13900002222", call_order=1
    )
    ResidentContact.objects.create(
        resident=resident, name="赵邻", relation="neighbour", phone="13700003333", call_order=2
    )
    return resident


def install(
    world: World, resident: Resident, serial: str = "IMEI860000000001", kind: str = "one_key_call"
) -> Home:
    admin = world.user(Role.COUNTY_ADMIN)
    issued = services.register_device(
        actor=admin, vendor="acme", serial=serial, kind=kind, region_code=world.county_a
    )
    device = services.bind_device(
        actor=admin, device=issued.obj, resident=resident, latitude="26.2200", longitude="111.6100"
    )
    return Home(resident, device, issued.secret)


def home_in(world: World) -> Home:
    provider = Provider.objects.create(
        region_code=world.county_a,
        name="零陵颐康",
        credit_code="91431102MA4L000001",
        kind="enterprise",
        hotline="0746-8888888",
    )
    ProviderArea.objects.create(provider=provider, region_code=world.township_a)
    factories.user(
        "grid_li", Role.VILLAGE_WORKER, world.village_a, phone="13600004444", first_name="网格员李"
    )
    return install(world, make_resident(world))


def event(event_id: str = "e-1", kind: str = "sos", **extra: Any) -> dict[str, Any]:
    return {"event_id": event_id, "kind": kind, **extra}


def signed_headers(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {"HTTP_X_TIMESTAMP": stamp, "HTTP_X_SIGNATURE": sign(secret, stamp, body)}


def post_event(
    client: Client,
    device: Device,
    secret: str,
    payload: Any,
    timestamp: int | None = None,
    signature: str | None = None,
) -> Any:
    body = json.dumps(payload).encode() if not isinstance(payload, bytes) else payload
    headers = signed_headers(secret, body, timestamp)
    if signature is not None:
        headers["HTTP_X_SIGNATURE"] = signature
    return client.post(
        EVENT_URL,
        body,
        content_type="application/json",
        HTTP_X_DEVICE=f"{device.vendor}/{device.serial}",
        **headers,
    )


def post_batch(
    client: Client, gateway: Gateway, secret: str, payload: Any, timestamp: int | None = None
) -> Any:
    body = json.dumps(payload).encode()
    return client.post(
        BATCH_URL,
        body,
        content_type="application/json",
        HTTP_X_GATEWAY=gateway.vendor,
        **signed_headers(secret, body, timestamp),
    )


def gateway_of(world: World) -> tuple[Gateway, str]:
    issued = services.register_gateway(
        actor=world.user(Role.COUNTY_ADMIN),
        vendor="acme",
        name="Acme 平台",
        region_code=world.county_a,
    )
    return issued.obj, gateway_secret(issued.obj)
