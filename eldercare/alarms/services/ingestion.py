"""Device events in: authenticate, parse, store once, open alarms, start their call chains.

The hot path of the platform: a single event costs one SELECT (the device) and one transaction
(the event, the alarm if any, the device's last-seen time); a gateway batch costs the same
number of statements for any number of events. Nothing is stored for a request that fails
authentication; within an authentic batch, malformed events are refused one by one.
"""

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, cast

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_q.tasks import async_task

from eldercare.alarms import conf
from eldercare.alarms.errors import AlarmDataError, Problem
from eldercare.alarms.models import Alarm, Device, DeviceEvent, DeviceStatus, Gateway
from eldercare.alarms.rules import kinds
from eldercare.alarms.rules.signing import SignatureError, verify
from eldercare.alarms.services.devices import device_secret, gateway_secret
from eldercare.core.geo import CoordinateError, degrees

ACCEPTED = "accepted"
DUPLICATE = "duplicate"
REJECTED = "rejected"
MAX_EVENT_ID = 64
# How far an event's own clock may lie ahead of ours (devices drift; the future is refused).
MAX_CLOCK_AHEAD_SECONDS = 300


class UnknownSender(SignatureError):
    pass


@dataclass(frozen=True)
class EventIn:
    event_id: str
    kind: str
    occurred_at: datetime | None
    battery: int | None
    latitude: Decimal | None
    longitude: Decimal | None


@dataclass(frozen=True)
class Outcome:
    event_id: str
    result: str
    alarm_id: int | None = None
    serial: str = ""
    problems: tuple[Problem, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"event_id": self.event_id, "result": self.result}
        if self.serial:
            data["serial"] = self.serial
        if self.alarm_id is not None:
            data["alarm"] = self.alarm_id
        if self.problems:
            data["errors"] = [
                {"field": p.field, "code": p.code, "message": p.message} for p in self.problems
            ]
        return data


# --- authentication ---------------------------------------------------------------------------

_DEVICE_FIELDS = ("id", "vendor", "serial", "status", "key_version", "resident_id", "region_code")


def authenticate_device(
    device_header: str, timestamp: str, signature: str, body: bytes, now: float | None = None
) -> Device:
    """The active device named "vendor/serial" whose secret signed this body, or SignatureError."""
    vendor, _, serial = device_header.strip().partition("/")
    if not vendor or not serial:
        raise UnknownSender("device_missing", "缺少 X-Device（厂商代码/序列号）")
    try:
        # get(), not first(): no ORDER BY to compile or run on the hot path.
        device = Device.objects.only(*_DEVICE_FIELDS).get(vendor=vendor.lower(), serial=serial)
    except Device.DoesNotExist as error:
        raise UnknownSender("device_unknown", "设备未登记") from error
    verify(
        device_secret(device),
        timestamp,
        body,
        signature,
        now or time.time(),
        conf.signature_window(),
    )
    if device.status != DeviceStatus.ACTIVE:
        raise UnknownSender("device_not_active", "设备未绑定老人或已报废，事件不予接收")
    return device


def authenticate_gateway(
    vendor: str, timestamp: str, signature: str, body: bytes, now: float | None = None
) -> Gateway:
    gateway = Gateway.objects.filter(vendor=vendor.strip().lower()).first()
    if gateway is None:
        raise UnknownSender("gateway_unknown", "网关未登记")
    verify(
        gateway_secret(gateway),
        timestamp,
        body,
        signature,
        now or time.time(),
        conf.signature_window(),
    )
    if not gateway.is_active:
        raise UnknownSender("gateway_disabled", "网关已停用")
    return gateway


# --- parsing ----------------------------------------------------------------------------------


def load_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise AlarmDataError([Problem("", "body_invalid", "请求体应为 JSON")]) from error


def _decimal(
    data: dict[str, Any], name: str, limit: int, problems: list[Problem]
) -> Decimal | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        problems.append(Problem(name, "wrong_type", "应为数字"))
        return None
    try:
        number = degrees(value, name)
    except CoordinateError:
        problems.append(Problem(name, "wrong_type", "应为数字"))
        return None
    if not -limit <= number <= limit:
        problems.append(Problem(name, "out_of_range", f"应在 -{limit} 到 {limit} 之间"))
        return None
    return number


def _occurred_at(value: Any, now: datetime, problems: list[Problem]) -> datetime | None:
    if value is None:
        return None
    moment: datetime | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        moment = datetime.fromtimestamp(value, tz=UTC)
    elif isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None and timezone.is_naive(moment):
            moment = None  # a time without its offset is ambiguous across vendors
    if moment is None:
        problems.append(Problem("occurred_at", "invalid", "应为带时区的 ISO 8601 时间或 Unix 秒数"))
        return None
    if (moment - now).total_seconds() > MAX_CLOCK_AHEAD_SECONDS:
        problems.append(Problem("occurred_at", "future", "发生时间晚于服务器时间"))
        return None
    return moment


def parse_event(data: Any, now: datetime) -> EventIn:
    if not isinstance(data, dict):
        raise AlarmDataError([Problem("", "body_invalid", "事件应为 JSON 对象")])
    problems: list[Problem] = []
    event_id = data.get("event_id")
    if not isinstance(event_id, str) or not 1 <= len(event_id) <= MAX_EVENT_ID:
        problems.append(Problem("event_id", "invalid", f"应为 1–{MAX_EVENT_ID} 个字符的字符串"))
        event_id = ""
    kind = data.get("kind")
    if kind not in kinds.EVENT_KINDS:
        problems.append(
            Problem("kind", "invalid", "事件类型无效：" + ", ".join(sorted(kinds.EVENT_KINDS)))
        )
    battery = data.get("battery")
    if battery is not None and (
        isinstance(battery, bool) or not isinstance(battery, int) or not 0 <= battery <= 100
    ):
        problems.append(Problem("battery", "invalid", "电量应为 0–100 的整数"))
        battery = None
    latitude = _decimal(data, "latitude", 90, problems)
    longitude = _decimal(data, "longitude", 180, problems)
    if (latitude is None) != (longitude is None):
        problems.append(Problem("latitude", "incomplete", "经纬度须同时提供"))
    occurred_at = _occurred_at(data.get("occurred_at"), now, problems)
    if problems:
        raise AlarmDataError(problems)
    return EventIn(str(event_id), str(kind), occurred_at, battery, latitude, longitude)


# --- storing ----------------------------------------------------------------------------------


def _event_row(device: Device, event: EventIn, now: datetime) -> DeviceEvent:
    return DeviceEvent(
        device_id=device.pk,
        event_id=event.event_id,
        kind=event.kind,
        occurred_at=event.occurred_at or now,
        received_at=now,
        battery_percent=event.battery,
        latitude=event.latitude,
        longitude=event.longitude,
    )


def _alarm_row(device: Device, event: EventIn, now: datetime) -> Alarm:
    # The chain starts at once: step 0 is due now, the escalation worker calls step 1.
    return Alarm(
        device_id=device.pk,
        event_id=event.event_id,
        # Only active devices get here, and an active device is bound (device_active_is_bound).
        resident_id=cast(int, device.resident_id),
        region_code=device.region_code,
        kind=event.kind,
        urgency=kinds.urgency(event.kind),
        opened_at=now,
        latitude=event.latitude,
        longitude=event.longitude,
        step_due_at=now,
    )


def _start_chains() -> None:
    transaction.on_commit(
        lambda: async_task("eldercare.alarms.tasks.run_escalations", group="alarms")
    )


def ingest_event(device: Device, event: EventIn, now: datetime | None = None) -> Outcome:
    """Store one authenticated event; the same (device, event id) again is a duplicate."""
    now = now or timezone.now()
    alarm: Alarm | None = None
    try:
        with transaction.atomic():
            _event_row(device, event, now).save(force_insert=True)
            if event.kind in kinds.ALARM_KINDS:
                alarm = _alarm_row(device, event, now)
                alarm.save(force_insert=True)
                _start_chains()
            _touch_devices(now, {device.pk: event.battery})
    except IntegrityError:
        return Outcome(event.event_id, DUPLICATE)
    return Outcome(event.event_id, ACCEPTED, alarm.pk if alarm else None)


def _touch_devices(now: datetime, batteries: dict[int, int | None]) -> None:
    """Any event proves the device alive; a reported battery level replaces the stored one.
    One statement for a single device, two for a batch's devices."""
    if len(batteries) == 1:
        ((device_id, battery),) = batteries.items()
        fields: dict[str, Any] = {"last_heartbeat_at": now}
        if battery is not None:
            fields["battery_percent"] = battery
        Device.objects.filter(pk=device_id).update(**fields)
        return
    _touch_many(now, batteries)


def _touch_many(now: datetime, batteries: dict[int, int | None]) -> None:
    # One plain "CASE id WHEN …" statement: bulk_update builds an ORM expression per row, which
    # cost more than everything else in a batch of 100 (profiled, see benchmarks/ingestion.py).
    table = connection.ops.quote_name(Device._meta.db_table)
    ids = list(batteries)
    reported = [
        (device_id, battery) for device_id, battery in batteries.items() if battery is not None
    ]
    params: list[Any] = [now]
    battery_sql = ""
    if reported:
        cases = " ".join("WHEN %s THEN %s" for _ in reported)
        battery_sql = f", battery_percent = CASE id {cases} ELSE battery_percent END"
        params.extend(value for pair in reported for value in pair)
    params.extend(ids)
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_heartbeat_at = %s{battery_sql} WHERE id IN ({placeholders})",
            params,
        )


def ingest_batch(gateway: Gateway, payload: Any, now: datetime | None = None) -> list[Outcome]:
    """Events of `gateway`'s vendor's devices; each answered accepted / duplicate / rejected."""
    now = now or timezone.now()
    items = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(items, list) or not items:
        raise AlarmDataError([Problem("events", "required", "应为非空的事件列表")])
    if len(items) > conf.max_batch():
        raise AlarmDataError([Problem("events", "too_many", f"每批最多 {conf.max_batch()} 个事件")])
    outcomes: list[Outcome | None] = [None] * len(items)
    parsed: list[tuple[int, str, EventIn]] = []
    for index, item in enumerate(items):
        serial = item.get("serial") if isinstance(item, dict) else None
        serial_text = serial if isinstance(serial, str) else ""
        try:
            event = parse_event(item, now)
        except AlarmDataError as error:
            event_id = item.get("event_id") if isinstance(item, dict) else ""
            outcomes[index] = Outcome(
                str(event_id or ""), REJECTED, serial=serial_text, problems=tuple(error.problems)
            )
            continue
        parsed.append((index, serial_text, event))
    devices = {
        device.serial: device
        for device in Device.objects.filter(
            vendor=gateway.vendor,
            serial__in={serial for _, serial, _ in parsed},
            status=DeviceStatus.ACTIVE,
        ).only(*_DEVICE_FIELDS)
    }
    _store_batch(devices, parsed, outcomes, now)
    return [outcome for outcome in outcomes if outcome is not None]


def _store_batch(
    devices: dict[str, Device],
    parsed: list[tuple[int, str, EventIn]],
    outcomes: list[Outcome | None],
    now: datetime,
) -> None:
    wanted: list[tuple[int, Device, EventIn]] = []
    for index, serial, event in parsed:
        device = devices.get(serial)
        if device is None:
            outcomes[index] = Outcome(
                event.event_id,
                REJECTED,
                serial=serial,
                problems=(Problem("serial", "device_unknown", "设备未登记、未绑定或已报废"),),
            )
            continue
        wanted.append((index, device, event))
    seen = set(
        DeviceEvent.objects.filter(
            device_id__in={device.pk for _, device, _ in wanted},
            event_id__in={event.event_id for _, _, event in wanted},
        ).values_list("device_id", "event_id")
    )
    new_events, new_alarms = [], []
    batteries: dict[int, int | None] = {}
    for index, device, event in wanted:
        key = (device.pk, event.event_id)
        if key in seen:
            outcomes[index] = Outcome(event.event_id, DUPLICATE, serial=device.serial)
            continue
        seen.add(key)
        new_events.append(_event_row(device, event, now))
        if event.kind in kinds.ALARM_KINDS:
            new_alarms.append(_alarm_row(device, event, now))
        if event.battery is not None or device.pk not in batteries:
            batteries[device.pk] = event.battery
        outcomes[index] = Outcome(event.event_id, ACCEPTED, serial=device.serial)
    if not new_events:
        return
    with transaction.atomic():
        # A concurrent request may have stored one of these since the SELECT above: the
        # constraints keep it (and its alarm) single, and it is answered "accepted" here.
        DeviceEvent.objects.bulk_create(new_events, ignore_conflicts=True)
        if new_alarms:
            Alarm.objects.bulk_create(new_alarms, ignore_conflicts=True)
            _start_chains()
        _touch_devices(now, batteries)


def results_summary(outcomes: Iterable[Outcome]) -> dict[str, int]:
    summary = {ACCEPTED: 0, DUPLICATE: 0, REJECTED: 0}
    for outcome in outcomes:
        summary[outcome.result] += 1
    return summary
