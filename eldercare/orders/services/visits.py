"""The caregiver's visit: check-in and check-out with time and GPS, the service record, photos.

A check-in farther than the region's radius, without a location to compare, outside the booked
window, or a visit shorter than the configured share of the item's standard duration is flagged
for supervisors (VisitFlag); the caregiver is never stopped by a flag.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from eldercare.accounts.access import Action, require, scoped
from eldercare.applications.attachments import check_upload
from eldercare.applications.errors import ApplicationDataError
from eldercare.core.audit import record
from eldercare.core.models import AuditAction
from eldercare.orders import rules
from eldercare.orders.errors import OrderDataError, OrderStateError, Problem
from eldercare.orders.models import Order, ServicePhoto, VisitFlag, VisitPolicy
from eldercare.orders.services.common import enter, finish, lock_visible, now
from eldercare.orders.services.payment import pay_order
from eldercare.regions.codes import ancestor_codes

DEFAULT_RADIUS_M = 500
DEFAULT_MINIMUM_SHARE = Decimal("0.5")
MAX_PHOTOS = 9
PHOTO_TYPES = ("jpg", "jpeg", "png")


@dataclass(frozen=True)
class Policy:
    radius_m: int
    minimum_share: Decimal


def policy_for(region_code: str) -> Policy:
    """The nearest region's VisitPolicy, else settings.ORDER_CHECK_IN_RADIUS_M /
    ORDER_MINIMUM_VISIT_SHARE, else 500 m and half the standard duration."""
    rows = {
        row.region_code: row
        for row in VisitPolicy.objects.filter(region_code__in=ancestor_codes(region_code))
    }
    for code in reversed(ancestor_codes(region_code)):
        if code in rows:
            return Policy(rows[code].radius_m, rows[code].minimum_share)
    return Policy(
        int(getattr(settings, "ORDER_CHECK_IN_RADIUS_M", DEFAULT_RADIUS_M)),
        Decimal(str(getattr(settings, "ORDER_MINIMUM_VISIT_SHARE", DEFAULT_MINIMUM_SHARE))),
    )


def _gps(latitude: Any, longitude: Any) -> tuple[Decimal, Decimal] | None:
    if latitude in (None, "") and longitude in (None, ""):
        return None
    try:
        lat, lng = Decimal(str(latitude)), Decimal(str(longitude))
    except ArithmeticError as error:
        raise OrderDataError([Problem("latitude", "invalid", "定位应为数字")]) from error
    if not (lat.is_finite() and lng.is_finite() and abs(lat) <= 90 and abs(lng) <= 180):
        raise OrderDataError([Problem("latitude", "out_of_range", "定位超出经纬度范围")])
    return lat.quantize(Decimal("0.000001")), lng.quantize(Decimal("0.000001"))


def _flag(order: Order, check: rules.VisitCheck) -> None:
    VisitFlag.objects.get_or_create(order=order, kind=check.kind, defaults={"detail": check.detail})


def check_in(*, actor: Any, order: Order, latitude: Any = None, longitude: Any = None) -> Order:
    gps = _gps(latitude, longitude)
    with transaction.atomic():
        locked = lock_visible(actor, Action.PERFORM_SERVICE, order)
        before, locked.status = enter(locked, "check_in", "签到")
        at = now()
        point = locked.point()
        distance, flags = rules.check_in_flags(
            order_point=point,
            gps=(float(gps[0]), float(gps[1])) if gps else None,
            radius_m=policy_for(locked.region_code).radius_m,
            at=timezone.localtime(at),
            window_start=timezone.localtime(locked.starts_at),
            window_end=timezone.localtime(locked.ends_at),
        )
        locked.check_in_at = at
        locked.check_in_latitude, locked.check_in_longitude = gps or (None, None)
        locked.check_in_distance_m = distance
        for check in flags:
            _flag(locked, check)
        finish(
            actor,
            locked,
            "check_in",
            before,
            detail={"distance_m": distance, "flags": [f.kind for f in flags]},
        )
    return locked


def check_out(
    *,
    actor: Any,
    order: Order,
    latitude: Any = None,
    longitude: Any = None,
    work_done: str = "",
    notes: str = "",
) -> Order:
    """The visit ends and the order is completed and paid (subsidy first, then self-pay)."""
    gps = _gps(latitude, longitude)
    work_done = str(work_done or "").strip()[:2000]
    if not work_done:
        raise OrderDataError([Problem("work_done", "required", "请填写本次服务内容")])
    with transaction.atomic():
        locked = lock_visible(actor, Action.PERFORM_SERVICE, order)
        before, locked.status = enter(locked, "check_out", "签退")
        at = now()
        assert locked.check_in_at is not None
        minutes = (at - locked.check_in_at).total_seconds() / 60
        short = rules.short_visit_flag(
            minutes=minutes,
            standard_minutes=locked.item.minimum_minutes,
            share=policy_for(locked.region_code).minimum_share,
        )
        if short:
            _flag(locked, short)
        locked.check_out_at = locked.completed_at = at
        locked.check_out_latitude, locked.check_out_longitude = gps or (None, None)
        locked.work_done, locked.service_notes = work_done, str(notes or "").strip()[:2000]
        pay_order(locked)
        finish(
            actor,
            locked,
            "check_out",
            before,
            detail={
                "minutes": round(minutes),
                "subsidy_fen": locked.subsidy_fen,
                "self_pay_fen": locked.self_pay_fen,
                "flags": [short.kind] if short else [],
            },
        )
    return locked


def add_photo(*, actor: Any, order: Order, upload: Any) -> ServicePhoto:
    """A photo of the visit (JPEG/PNG by content, size-checked) while it is in service or just
    completed."""
    try:
        checked = check_upload(upload)
    except ApplicationDataError as error:
        raise OrderDataError(
            [Problem("photo", p.code, p.message) for p in error.problems]
        ) from error
    if checked.extension not in PHOTO_TYPES:
        raise OrderDataError([Problem("photo", "type_not_allowed", "照片只能是 JPG 或 PNG")])
    with transaction.atomic():
        locked = lock_visible(actor, Action.PERFORM_SERVICE, order)
        if locked.status not in (rules.IN_SERVICE, rules.COMPLETED):
            raise OrderStateError(
                f"订单 {locked.number} 当前状态为“{locked.get_status_display()}”，不能上传照片",
                code="cannot_add_photo",
            )
        if locked.photos.count() >= MAX_PHOTOS:
            raise OrderDataError(
                [Problem("photo", "too_many", f"每个订单最多 {MAX_PHOTOS} 张照片")]
            )
        photo = ServicePhoto(
            order=locked,
            original_name=checked.original_name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=actor,
        )
        photo.file.save(f"photo.{checked.extension}", checked.upload, save=False)
        try:
            photo.save()
            record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=photo,
                region_code=locked.region_code,
                detail={"order": locked.number, "size": photo.size},
            )
        except Exception:
            photo.file.delete(save=False)
            raise
    return photo


def open_photo(*, actor: Any, photo_id: int) -> tuple[ServicePhoto, Any]:
    """The stored photo opened for download (VIEW_ORDERS and the order in scope); audited."""
    require(actor, Action.VIEW_ORDERS)
    photo = scoped(actor, ServicePhoto.objects.select_related("order")).filter(pk=photo_id).first()
    if photo is None:
        raise Http404("记录不存在")
    handle = photo.file.open("rb")
    record(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=photo,
        region_code=photo.order.region_code,
        detail={"order": photo.order.number, "download": photo.original_name},
    )
    return photo, handle
