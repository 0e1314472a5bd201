"""Devices: register (the secret is shown once), bind to a resident, unbind, retire, new secret.

Every change is audited; the secret itself never is (it is derived, see rules/signing.py).
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from eldercare.accounts.access import Action, in_scope, require, scoped
from eldercare.alarms import conf
from eldercare.alarms.errors import AlarmDataError, AlarmStateError, Problem
from eldercare.alarms.models import Device, DeviceKind, DeviceStatus, Gateway
from eldercare.alarms.rules.signing import derive_secret
from eldercare.core import audit
from eldercare.core.geo import CoordinateError, degrees
from eldercare.core.models import AuditAction
from eldercare.registry.choices import ResidentStatus
from eldercare.registry.models import Resident

# Vendor codes and serials travel in HTTP headers, so they are plain ASCII.
_VENDOR_RE = re.compile(r"[a-z0-9][a-z0-9_-]{1,31}", re.ASCII)
_SERIAL_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{2,63}", re.ASCII)


@dataclass(frozen=True)
class Issued:
    """A device or gateway with its secret, returned once at registration or renewal."""

    obj: Any
    secret: str


def device_secret(device: Device) -> str:
    return derive_secret(
        conf.master_key(), "device", device.vendor, device.serial, device.key_version
    )


def gateway_secret(gateway: Gateway) -> str:
    return derive_secret(conf.master_key(), "gateway", gateway.vendor, "", gateway.key_version)


def _coordinate(value: Any, field: str, limit: int, problems: list[Problem]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = degrees(value, field)
    except CoordinateError:
        problems.append(Problem(field, "invalid", "应为数字"))
        return None
    if not -limit <= number <= limit:
        problems.append(Problem(field, "out_of_range", f"应在 -{limit} 到 {limit} 之间"))
        return None
    return number


def _check_resident(actor: Any, resident: Resident) -> None:
    if not in_scope(actor, resident.region_code):
        raise AlarmDataError([Problem("resident", "out_of_scope", "该老人不在您的管辖范围内")])
    if resident.status != ResidentStatus.ACTIVE:
        raise AlarmDataError([Problem("resident", "inactive", "该老人已不在册，不能绑定设备")])


def register_device(
    *,
    actor: Any,
    vendor: str,
    serial: str,
    kind: str,
    region_code: str,
    model_name: str = "",
) -> Issued:
    """A new device in stock in `region_code`; the returned secret is shown to the installer once."""
    require(actor, Action.MANAGE_DEVICES)
    vendor = vendor.strip().lower()
    serial = serial.strip()
    problems = []
    if not _VENDOR_RE.fullmatch(vendor):
        problems.append(Problem("vendor", "invalid", "应为 2–32 位小写字母、数字、-、_"))
    if not _SERIAL_RE.fullmatch(serial):
        problems.append(Problem("serial", "invalid", "应为 3–64 位字母、数字或 . : - _"))
    if kind not in DeviceKind.values:
        problems.append(Problem("kind", "invalid", "设备类型无效"))
    if not in_scope(actor, region_code):
        problems.append(Problem("region_code", "out_of_scope", "区划不在您的管辖范围内"))
    if problems:
        raise AlarmDataError(problems)
    try:
        with transaction.atomic():
            device = Device.objects.create(
                vendor=vendor,
                serial=serial,
                kind=kind,
                model_name=model_name.strip()[:60],
                region_code=region_code,
            )
            audit.record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=device,
                region_code=region_code,
                detail={"vendor": vendor, "serial": serial, "kind": kind},
            )
    except IntegrityError as error:
        raise AlarmDataError([Problem("serial", "duplicate", "该厂商下已登记此序列号")]) from error
    return Issued(device, device_secret(device))


def _locked(device: Device) -> Device:
    return Device.objects.select_for_update().get(pk=device.pk)


def bind_device(
    *,
    actor: Any,
    device: Device,
    resident: Resident,
    address: str = "",
    installed_on: date | None = None,
    latitude: Any = None,
    longitude: Any = None,
) -> Device:
    """Install a stocked device for a resident: it then reports for them and follows their region."""
    require(actor, Action.MANAGE_DEVICES)
    _check_resident(actor, resident)
    problems: list[Problem] = []
    lat = _coordinate(latitude, "latitude", 90, problems)
    lng = _coordinate(longitude, "longitude", 180, problems)
    if (lat is None) != (lng is None) and not problems:
        problems.append(Problem("latitude", "incomplete", "经纬度须同时填写"))
    today = timezone.localdate()
    if installed_on is not None and installed_on > today:
        problems.append(Problem("installed_on", "future", "安装日期不能晚于今天"))
    if problems:
        raise AlarmDataError(problems)
    with transaction.atomic():
        locked = _locked(device)
        if locked.status != DeviceStatus.IN_STOCK:
            raise AlarmStateError(
                f"设备当前状态为“{locked.get_status_display()}”，只有未绑定的设备可以绑定",
                code="not_in_stock",
            )
        before = {"status": locked.status, "resident": None, "region_code": locked.region_code}
        locked.status = DeviceStatus.ACTIVE
        locked.resident = resident
        locked.region_code = resident.region_code
        locked.address = (address.strip() or resident.residence_address)[:200]
        locked.installed_on = installed_on or today
        locked.latitude, locked.longitude = lat, lng
        locked.save()
        audit.record_change(
            actor=actor,
            obj=locked,
            region_code=locked.region_code,
            before=before,
            after={
                "status": locked.status,
                "resident": resident.pk,
                "region_code": locked.region_code,
            },
            reason="bind",
        )
    return locked


def unbind_device(*, actor: Any, device: Device, reason: str) -> Device:
    """Take a device back into stock (the resident moved, changed device, died)."""
    require(actor, Action.MANAGE_DEVICES)
    reason = reason.strip()
    if not reason:
        raise AlarmDataError([Problem("text", "required", "解绑须写明原因")])
    with transaction.atomic():
        locked = _locked(device)
        if locked.status != DeviceStatus.ACTIVE:
            raise AlarmStateError("只有在用的设备可以解绑", code="not_active")
        before = {"status": locked.status, "resident": locked.resident_id}
        locked.status = DeviceStatus.IN_STOCK
        locked.resident = None
        locked.latitude = locked.longitude = None
        locked.address = ""
        locked.save()
        audit.record_change(
            actor=actor,
            obj=locked,
            region_code=locked.region_code,
            before=before,
            after={"status": locked.status, "resident": None},
            reason=reason[:200],
        )
    return locked


def retire_device(*, actor: Any, device: Device, reason: str) -> Device:
    """Retire a stocked device for good (broken, lost); its events and alarms stay."""
    require(actor, Action.MANAGE_DEVICES)
    reason = reason.strip()
    if not reason:
        raise AlarmDataError([Problem("text", "required", "报废须写明原因")])
    with transaction.atomic():
        locked = _locked(device)
        if locked.status != DeviceStatus.IN_STOCK:
            raise AlarmStateError("请先解绑，再报废设备", code="not_in_stock")
        locked.status = DeviceStatus.RETIRED
        locked.retired_on = timezone.localdate()
        locked.save()
        audit.record_change(
            actor=actor,
            obj=locked,
            region_code=locked.region_code,
            before={"status": DeviceStatus.IN_STOCK},
            after={"status": locked.status},
            reason=reason[:200],
        )
    return locked


def renew_device_secret(*, actor: Any, device: Device) -> Issued:
    """A new secret (the old one stops working at once), e.g. after a device was reflashed."""
    require(actor, Action.MANAGE_DEVICES)
    with transaction.atomic():
        locked = _locked(device)
        if locked.status == DeviceStatus.RETIRED:
            raise AlarmStateError("已报废的设备不能更换密钥", code="retired")
        locked.key_version += 1
        locked.save(update_fields=["key_version", "updated_at"])
        audit.record_change(
            actor=actor,
            obj=locked,
            region_code=locked.region_code,
            before={"key_version": locked.key_version - 1},
            after={"key_version": locked.key_version},
            reason="renew_secret",
        )
    return Issued(locked, device_secret(locked))


def register_gateway(*, actor: Any, vendor: str, name: str, region_code: str) -> Issued:
    """A vendor platform allowed to post batches for that vendor's devices."""
    require(actor, Action.MANAGE_DEVICES)
    vendor = vendor.strip().lower()
    problems = []
    if not _VENDOR_RE.fullmatch(vendor):
        problems.append(Problem("vendor", "invalid", "应为 2–32 位小写字母、数字、-、_"))
    if not name.strip():
        problems.append(Problem("", "required", "请填写网关名称"))
    if not in_scope(actor, region_code):
        problems.append(Problem("region_code", "out_of_scope", "区划不在您的管辖范围内"))
    if problems:
        raise AlarmDataError(problems)
    try:
        with transaction.atomic():
            gateway = Gateway.objects.create(
                vendor=vendor, name=name.strip()[:100], region_code=region_code
            )
            audit.record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=gateway,
                region_code=region_code,
                detail={"vendor": vendor},
            )
    except IntegrityError as error:
        raise AlarmDataError([Problem("vendor", "duplicate", "该厂商已有网关")]) from error
    return Issued(gateway, gateway_secret(gateway))


def offline_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(hours=conf.offline_hours())


def offline_devices(user: Any, now: datetime | None = None) -> QuerySet[Device]:
    """Devices in use that sent nothing for ALARMS_OFFLINE_HOURS, never-heard-from ones first."""
    cutoff = offline_cutoff(now)
    return (
        scoped(user, Device.objects.filter(status=DeviceStatus.ACTIVE))
        .filter(Q(last_heartbeat_at__lt=cutoff) | Q(last_heartbeat_at__isnull=True))
        .select_related("resident")
        .order_by(F("last_heartbeat_at").asc(nulls_first=True), "pk")
    )
