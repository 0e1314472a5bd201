"""Demo data for emergency calls: one-key-call devices and bands for living-alone and empty-nest
residents of the pilot localities (points from the demo geography), one vendor gateway, and a
few alarms in every state (open and calling, acknowledged, closed with each outcome).
Idempotent: devices are keyed by serial and alarms by (device, event id)."""

from datetime import timedelta
from typing import TextIO

from django.utils import timezone

from eldercare.accounts.models import Role, User
from eldercare.alarms import services
from eldercare.alarms.models import Alarm, Device, DeviceStatus, Gateway
from eldercare.alarms.services.ingestion import EventIn, ingest_event
from eldercare.demo.geography import jittered
from eldercare.registry.models import Resident

VENDOR = "demo-yjt"
DEVICES = 24
KINDS = ("one_key_call", "safety_bell", "wearable", "fall_detector", "smoke", "infrared")
# (event kind, minutes ago, what happened): the board shows the first ones as open.
ALARMS = (
    ("sos", 3, None),
    ("fall", 12, None),
    ("inactivity", 40, "acknowledged"),
    ("smoke", 180, "false_alarm"),
    ("sos", 600, "handled_at_home"),
    ("fall", 1500, "sent_to_hospital"),
)


def load_demo_alarms(stdout: TextIO) -> None:
    admin = User.objects.filter(role=Role.SYSTEM_ADMIN, is_active=True).order_by("pk").first()
    if admin is None:
        stdout.write("紧急呼叫：没有系统管理员账号，跳过")
        return
    residents = list(
        Resident.objects.filter(
            status="active", living_arrangement__in=("alone", "empty_nest")
        ).order_by("region_code", "pk")[:DEVICES]
    )
    devices = [_device(admin, resident, n) for n, resident in enumerate(residents)]
    if not Gateway.objects.filter(vendor=VENDOR).exists() and residents:
        services.register_gateway(
            actor=admin, vendor=VENDOR, name="一键通演示平台", region_code=residents[0].region_code
        )
    now = timezone.now()
    for device in devices:
        Device.objects.filter(pk=device.pk, last_heartbeat_at__isnull=True).update(
            last_heartbeat_at=now - timedelta(minutes=10), battery_percent=80
        )
    if devices:
        # The last device has been silent for two days: it shows on the offline list.
        Device.objects.filter(pk=devices[-1].pk).update(
            last_heartbeat_at=now - timedelta(days=2), battery_percent=15
        )
    opened = sum(
        _alarm(admin, devices[n], n, *spec) for n, spec in enumerate(ALARMS) if n < len(devices)
    )
    stdout.write(f"紧急呼叫：设备 {len(devices)} 台，新增演示报警 {opened} 条")


def _device(admin: User, resident: Resident, n: int) -> Device:
    serial = f"DEMO{resident.pk:010d}"
    device = Device.objects.filter(vendor=VENDOR, serial=serial).first()
    if device is None:
        device = services.register_device(
            actor=admin,
            vendor=VENDOR,
            serial=serial,
            kind=KINDS[n % len(KINDS)],
            region_code=resident.region_code,
        ).obj
    if device.status == DeviceStatus.IN_STOCK:
        point = jittered(resident.region_code, f"alarm-device:{resident.pk}", 0.8)
        device = services.bind_device(
            actor=admin,
            device=device,
            resident=resident,
            latitude=point[0] if point else None,
            longitude=point[1] if point else None,
        )
    return device


def _alarm(
    admin: User, device: Device, n: int, kind: str, minutes_ago: int, fate: str | None
) -> bool:
    event_id = f"demo-{n}"
    if Alarm.objects.filter(device=device, event_id=event_id).exists():
        return False
    at = timezone.now() - timedelta(minutes=minutes_ago)
    outcome = ingest_event(device, EventIn(event_id, kind, at, None, None, None), at)
    alarm = Alarm.objects.get(device=device, event_id=outcome.event_id)
    services.escalate_due(at)
    if fate is None:
        return True
    alarm.refresh_from_db()
    services.acknowledge(
        actor=admin,
        alarm=alarm,
        text="值班员已电话联系老人",
        now=at + timedelta(seconds=40 + 20 * n),
    )
    if fate != "acknowledged":
        services.close(
            actor=admin, alarm=alarm, outcome=fate, now=at + timedelta(minutes=15 + 5 * n)
        )
    return True
