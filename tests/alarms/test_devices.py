"""Devices: register (secret once), bind, unbind, retire, renew; state errors; audit; offline."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from eldercare.accounts.models import Role
from eldercare.alarms import services
from eldercare.alarms.errors import AlarmDataError, AlarmStateError
from eldercare.alarms.models import Device, DeviceStatus
from eldercare.alarms.services.devices import device_secret
from eldercare.core.models import AuditAction, AuditEvent
from tests import factories
from tests.alarms.helpers import install, make_resident


def register(world: Any, serial: str = "SN-0001", **extra: Any) -> Any:
    return services.register_device(
        actor=world.user(Role.COUNTY_ADMIN),
        vendor="acme",
        serial=serial,
        kind="wearable",
        region_code=extra.pop("region_code", world.county_a),
        **extra,
    )


def test_register_bind_unbind_retire_with_audit(world: Any) -> None:
    admin = world.user(Role.COUNTY_ADMIN)
    issued = register(world)
    assert len(issued.secret) == 64 and issued.secret == device_secret(issued.obj)
    assert issued.obj.status == DeviceStatus.IN_STOCK
    resident = make_resident(world)
    device = services.bind_device(
        actor=admin, device=issued.obj, resident=resident, installed_on=date(2026, 11, 1)
    )
    assert (device.status, device.resident, device.region_code) == (
        DeviceStatus.ACTIVE,
        resident,
        world.village_a,
    )
    assert device.address == "多福社区3栋2单元101"
    device = services.unbind_device(actor=admin, device=device, reason="更换设备")
    assert (device.status, device.resident) == (DeviceStatus.IN_STOCK, None)
    device = services.retire_device(actor=admin, device=device, reason="损坏")
    assert device.status == DeviceStatus.RETIRED and device.retired_on == timezone.localdate()
    trail = AuditEvent.objects.filter(object_type="alarms.device").order_by("pk")
    assert [e.action for e in trail] == [AuditAction.CREATE] + [AuditAction.UPDATE] * 3
    assert trail[1].changes["status"] == ["in_stock", "active"]
    assert trail[3].detail == {"reason": "损坏"}
    assert not any(issued.secret in str(e.detail) + str(e.changes) for e in trail)


def test_wrong_transitions_are_refused_and_change_nothing(world: Any) -> None:
    admin = world.user(Role.COUNTY_ADMIN)
    device = register(world).obj
    with pytest.raises(AlarmStateError, match="只有在用的设备可以解绑"):
        services.unbind_device(actor=admin, device=device, reason="x")
    home = install(world, make_resident(world, name="刘桂兰"), serial="SN-0002")
    with pytest.raises(AlarmStateError, match="只有未绑定的设备可以绑定"):
        services.bind_device(
            actor=admin, device=home.device, resident=make_resident(world, name="周")
        )
    with pytest.raises(AlarmStateError, match="请先解绑"):
        services.retire_device(actor=admin, device=home.device, reason="x")
    with pytest.raises(AlarmDataError, match="原因"):
        services.unbind_device(actor=admin, device=home.device, reason="  ")
    assert Device.objects.get(pk=home.device.pk).status == DeviceStatus.ACTIVE


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"vendor": "A"}, "vendor"),
        ({"serial": "x"}, "serial"),
        ({"kind": "toaster"}, "kind"),
    ],
)
def test_bad_registration_data_is_refused(world: Any, fields: dict[str, str], field: str) -> None:
    data = {"vendor": "acme", "serial": "SN-1", "kind": "smoke", **fields}
    with pytest.raises(AlarmDataError) as caught:
        services.register_device(
            actor=world.user(Role.COUNTY_ADMIN), region_code=world.county_a, **data
        )
    assert caught.value.problems[0].field == field
    assert not Device.objects.exists()


def test_serial_is_unique_per_vendor(world: Any) -> None:
    register(world, serial="SAME")
    with pytest.raises(AlarmDataError, match="已登记此序列号"):
        register(world, serial="SAME")
    services.register_device(
        actor=world.user(Role.COUNTY_ADMIN),
        vendor="other",
        serial="SAME",
        kind="smoke",
        region_code=world.county_a,
    )
    assert Device.objects.count() == 2


def test_out_of_scope_region_resident_and_role_are_refused(world: Any) -> None:
    with pytest.raises(AlarmDataError, match="管辖范围"):
        register(world, region_code=world.county_b)
    device = register(world).obj
    outsider = factories.resident(world.village_b, name="外区")
    with pytest.raises(AlarmDataError, match="管辖范围"):
        services.bind_device(actor=world.user(Role.COUNTY_ADMIN), device=device, resident=outsider)
    with pytest.raises(Exception, match="无权"):
        services.register_device(
            actor=world.user(Role.VILLAGE_WORKER),
            vendor="acme",
            serial="SN-9",
            kind="smoke",
            region_code=world.village_a,
        )


def test_bad_coordinates_and_future_install_dates_are_refused(world: Any) -> None:
    device = register(world).obj
    admin = world.user(Role.COUNTY_ADMIN)
    resident = make_resident(world)
    for kwargs, message in [
        ({"latitude": "95", "longitude": "110"}, "纬度"),
        ({"latitude": "26"}, "同时填写"),
        ({"latitude": "nan", "longitude": "110"}, "纬度：应为数字"),
        ({"latitude": "26", "longitude": "-Infinity"}, "经度：应为数字"),
        ({"installed_on": timezone.localdate() + timedelta(days=1)}, "不能晚于今天"),
    ]:
        with pytest.raises(AlarmDataError, match=message):
            services.bind_device(actor=admin, device=device, resident=resident, **kwargs)
    assert Device.objects.get(pk=device.pk).status == DeviceStatus.IN_STOCK


def test_offline_devices_are_those_without_a_recent_heartbeat(world: Any, settings: Any) -> None:
    settings.ALARMS_OFFLINE_HOURS = 6
    now = timezone.now()
    silent = install(world, make_resident(world, name="甲"), serial="SN-A").device
    recent = install(world, make_resident(world, name="乙"), serial="SN-B").device
    old = install(world, make_resident(world, name="丙"), serial="SN-C").device
    register(world, serial="SN-STOCK")
    Device.objects.filter(pk=recent.pk).update(last_heartbeat_at=now - timedelta(hours=5))
    Device.objects.filter(pk=old.pk).update(last_heartbeat_at=now - timedelta(hours=7))
    found = list(services.offline_devices(world.user(Role.COUNTY_ADMIN), now))
    assert [d.pk for d in found] == [silent.pk, old.pk]  # never heard from first
    assert list(services.offline_devices(world.user("county_b_admin"), now)) == []
