"""Placing an order: who may, for whom, from which provider, at what price."""

import secrets
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from eldercare.accounts.access import Action, in_scope, require, staff_member_of
from eldercare.catalogue.models import ServiceItem
from eldercare.orders.errors import OrderDataError, OrderStateError, Problem
from eldercare.orders.models import Channel, Order, OrderStatus, Requester
from eldercare.orders.services.common import finish, now, single_line
from eldercare.providers.models import Provider, ProviderArea
from eldercare.providers.queries import price_on as price_row_on
from eldercare.regions.codes import ancestor_codes
from eldercare.registry.choices import ResidentStatus
from eldercare.registry.models import Resident

# A visit is booked within one day (availability is per weekday) and at most this long.
MAX_WINDOW = timedelta(hours=12)


def price_on(provider: Provider, item: ServiceItem, day: date) -> int | None:
    """The provider's price in fen for the item in effect on `day`, or None."""
    row = price_row_on(provider, item, day)
    return row.price_fen if row else None


def serves(provider: Provider, region_code: str) -> bool:
    """Whether one of the provider's service areas contains the village."""
    return ProviderArea.objects.filter(
        provider=provider, region_code__in=ancestor_codes(region_code)
    ).exists()


def place_order(
    *,
    actor: Any,
    resident: Resident,
    provider: Provider,
    item: ServiceItem,
    data: Mapping[str, Any],
) -> Order:
    """A new order for `resident`; `data` holds starts_at, ends_at (aware datetimes), address,
    latitude/longitude (optional), channel, requested_by, requester_name/phone, notes."""
    require(actor, Action.PLACE_ORDERS)
    if not in_scope(actor, resident.region_code):
        raise Http404("记录不存在")
    member = staff_member_of(actor)
    if member is not None and member.provider_id != provider.pk:
        raise Http404("记录不存在")
    values = _clean(data, member_channel=member is not None)
    problems: list[Problem] = []
    if resident.status != ResidentStatus.ACTIVE:
        problems.append(
            Problem("resident", "not_active", f"该老人状态为“{resident.get_status_display()}”")
        )
    if not provider.is_assignable:
        problems.append(
            Problem(
                "provider",
                "not_assignable",
                f"该机构状态为“{provider.get_status_display()}”，不能接单",
            )
        )
    elif not serves(provider, resident.region_code):
        problems.append(
            Problem("provider", "not_serving", "该机构的服务区域不包括老人所在村（社区）")
        )
    if not item.is_active:
        problems.append(Problem("item", "inactive", f"服务项目“{item.name}”已停用"))
    day = timezone.localtime(values["starts_at"]).date()
    price = price_on(provider, item, day)
    if price is None:
        problems.append(Problem("item", "no_price", f"该机构在 {day} 没有“{item.name}”的有效价格"))
    if problems:
        raise OrderDataError(problems)
    assert price is not None
    placed = now()
    with transaction.atomic():
        order = Order(
            resident=resident,
            region_code=resident.region_code,
            provider=provider,
            item=item,
            price_fen=price,
            placed_by=actor,
            placed_at=placed,
            status=OrderStatus.NEW,
            **values,
        )
        _save_with_number(order, placed)
        finish(
            actor,
            order,
            "place",
            "",
            detail={
                "channel": order.channel,
                "requested_by": order.requested_by,
                "price_fen": price,
            },
        )
    return order


def _clean(data: Mapping[str, Any], *, member_channel: bool) -> dict[str, Any]:
    problems: list[Problem] = []
    starts, ends = data.get("starts_at"), data.get("ends_at")
    for name, value in (("starts_at", starts), ("ends_at", ends)):
        if not isinstance(value, datetime) or timezone.is_naive(value):
            problems.append(Problem(name, "required", "应为带时区的日期时间"))
    address = single_line(data.get("address"), 200)
    if not address:
        problems.append(Problem("address", "required", "不能为空"))
    channel = data.get("channel") or (Channel.PROVIDER if member_channel else Channel.WORKER)
    if channel not in Channel.values:
        problems.append(Problem("channel", "invalid", f"无法识别的渠道：{channel}"))
    requested_by = data.get("requested_by") or Requester.RESIDENT
    if requested_by not in Requester.values:
        problems.append(Problem("requested_by", "invalid", f"无法识别的提出人：{requested_by}"))
    requester_name = single_line(data.get("requester_name"), 30)
    requester_phone = single_line(data.get("requester_phone"), 24)
    if requested_by == Requester.FAMILY and not requester_name:
        problems.append(Problem("requester_name", "required", "家属代为下单时须填写家属姓名"))
    if channel == Channel.HOTLINE and not requester_phone:
        problems.append(Problem("requester_phone", "required", "热线下单须记录来电号码"))
    latitude, longitude = (
        _coordinate(data, "latitude", 90, problems),
        _coordinate(data, "longitude", 180, problems),
    )
    if (latitude is None) != (longitude is None):
        problems.append(Problem("latitude", "incomplete", "经度和纬度须同时填写"))
    if not problems:
        assert isinstance(starts, datetime) and isinstance(ends, datetime)
        if ends <= starts:
            problems.append(Problem("ends_at", "before_start", "结束时间须晚于开始时间"))
        elif ends - starts > MAX_WINDOW:
            problems.append(Problem("ends_at", "too_long", "一次预约最长 12 小时"))
        elif timezone.localtime(starts).date() != timezone.localtime(ends).date():
            problems.append(Problem("ends_at", "other_day", "开始和结束须在同一天"))
        elif ends <= now():
            problems.append(Problem("ends_at", "past", "预约时段已经过去"))
    if problems:
        raise OrderDataError(problems)
    assert isinstance(starts, datetime) and isinstance(ends, datetime)
    return {
        "starts_at": starts.replace(second=0, microsecond=0),
        "ends_at": ends.replace(second=0, microsecond=0),
        "address": address,
        "latitude": latitude,
        "longitude": longitude,
        "channel": channel,
        "requested_by": requested_by,
        "requester_name": requester_name,
        "requester_phone": requester_phone,
        "notes": single_line(data.get("notes")),
    }


def _coordinate(
    data: Mapping[str, Any], name: str, limit: int, problems: list[Problem]
) -> Decimal | None:
    value = data.get(name)
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        problems.append(Problem(name, "invalid", f"应为数字：{value!r}"))
        return None
    if not number.is_finite() or abs(number) > limit:
        problems.append(Problem(name, "out_of_range", f"应在 -{limit} 到 {limit} 之间"))
        return None
    return number


def _save_with_number(order: Order, placed: datetime) -> None:
    """A public number: the day plus eight random digits (not guessable, not a running count)."""
    day = timezone.localdate(placed)
    for _attempt in range(10):
        order.number = f"{day:%Y%m%d}{secrets.randbelow(10**8):08d}"
        try:
            with transaction.atomic():
                order.save()
        except IntegrityError:
            if Order.objects.filter(number=order.number).exists():
                continue
            raise
        return
    raise OrderStateError("订单编号生成失败，请重试", code="number")
