"""Placing, pricing and every legal and illegal transition of an order."""

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from eldercare.core.models import AuditEvent
from eldercare.orders import services
from eldercare.orders.errors import OrderDataError, OrderStateError
from eldercare.orders.models import Order, OrderEvent
from eldercare.providers.models import ProviderArea
from tests import factories
from tests.orders.conftest import Shop, at

STATES = ["new", "accepted", "dispatched", "in_service", "completed", "rated"]


def test_worker_places_an_order_priced_on_the_service_day(shop: Shop) -> None:
    order = shop.place()
    assert order.status == "new"
    assert order.price_fen == 5_000
    assert order.region_code == shop.world.village_a
    assert order.channel == "worker"
    later = shop.place(starts_at=at(21, 9), ends_at=at(21, 10))
    assert later.price_fen == 6_000  # the price effective from the 20th applies on the 21st
    event = OrderEvent.objects.get(order=order)
    assert (event.kind, event.to_status, event.actor_name) == ("place", "new", "village_worker")
    assert AuditEvent.objects.filter(object_type="orders.order", object_id=str(order.pk)).exists()


def test_hotline_order_records_who_asked_and_the_channel(shop: Shop) -> None:
    order = shop.place(
        actor=shop.operator,
        channel="hotline",
        requested_by="family",
        requester_name="张小明",
        requester_phone="13800000000",
    )
    assert (order.channel, order.requested_by, order.requester_name) == (
        "hotline",
        "family",
        "张小明",
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"address": " "}, "address"),
        ({"ends_at": at(17, 8)}, "ends_at"),
        ({"starts_at": at(17, 8), "ends_at": at(17, 23)}, "ends_at"),
        ({"starts_at": at(15, 8), "ends_at": at(15, 9)}, "ends_at"),
        ({"starts_at": "2026-11-17 09:00"}, "starts_at"),
        ({"latitude": "95", "longitude": "111"}, "latitude"),
        ({"latitude": "26.4", "longitude": None}, "latitude"),
        ({"channel": "fax"}, "channel"),
        ({"channel": "hotline", "requester_phone": ""}, "requester_phone"),
        ({"requested_by": "family", "requester_name": ""}, "requester_name"),
    ],
)
def test_bad_order_input_is_refused_and_nothing_is_written(
    shop: Shop, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(OrderDataError) as caught:
        shop.place(**overrides)
    assert field in [p.field for p in caught.value.problems]
    assert not Order.objects.exists()


def test_provider_must_serve_the_village_be_active_and_have_a_price(shop: Shop) -> None:
    ProviderArea.objects.filter(provider=shop.provider).update(region_code=shop.world.county_b)
    with pytest.raises(OrderDataError, match="服务区域不包括"):
        shop.place()
    ProviderArea.objects.filter(provider=shop.provider).update(region_code=shop.world.township_a)
    assert shop.place().pk
    shop.provider.status = "suspended"
    shop.provider.save()
    with pytest.raises(OrderDataError, match="不能接单"):
        shop.place()
    shop.provider.status = "active"
    shop.provider.save()
    shop.provider.prices.filter(item=shop.meal).update(effective_from=date(2026, 12, 1))
    with pytest.raises(OrderDataError, match="没有“上门送餐”的有效价格"):
        shop.place(item=shop.meal)


def test_outsiders_cannot_place_orders(shop: Shop) -> None:
    resident_b = factories.resident(shop.world.village_b, name="王五")
    with pytest.raises(Http404):
        shop.place(resident=resident_b)
    with pytest.raises(PermissionDenied):
        shop.place(actor=shop.caregiver)


def test_the_happy_path_records_every_step(shop: Shop) -> None:
    order = shop.advance(shop.place(), "rated")
    assert order.status == "rated"
    assert order.rating == 5
    kinds = list(OrderEvent.objects.filter(order=order).values_list("kind", flat=True))
    assert kinds == ["place", "accept", "dispatch", "check_in", "check_out", "rate"]
    audited = AuditEvent.objects.filter(object_type="orders.order", object_id=str(order.pk))
    assert audited.count() == 6


def _call(shop: Shop, transition: str, order: Order) -> Order:
    # A caregiver does not even see an order that is not theirs (404): the system administrator
    # stands in to reach the state check.
    performer = (
        shop.caregiver if order.caregiver_id == shop.near.pk else shop.world.user("system_admin")
    )
    calls = {
        "accept": lambda: services.accept_order(actor=shop.manager, order=order),
        "refuse": lambda: services.refuse_order(actor=shop.manager, order=order, reason="人手不足"),
        "dispatch": lambda: services.dispatch_order(
            actor=shop.manager, order=order, caregiver=shop.far
        ),
        "reassign": lambda: services.dispatch_order(
            actor=shop.manager, order=order, caregiver=shop.far, reassign=True
        ),
        "check_in": lambda: services.check_in(actor=performer, order=order),
        "check_out": lambda: services.check_out(actor=performer, order=order, work_done="打扫"),
        "rate": lambda: services.rate_order(actor=shop.worker, order=order, rating=4),
        "cancel": lambda: services.cancel_order(actor=shop.worker, order=order, reason="老人住院"),
    }
    return calls[transition]()


LEGAL = {
    "accept": {"new"},
    "refuse": {"new", "accepted"},
    "dispatch": {"accepted"},
    "reassign": {"dispatched"},
    "check_in": {"dispatched"},
    "check_out": {"in_service"},
    "rate": {"completed"},
    "cancel": {"new", "accepted", "dispatched"},
}


def _order_in(shop: Shop, state: str) -> Order:
    order = shop.place()
    if state in ("cancelled", "refused"):
        return _call(shop, "cancel" if state == "cancelled" else "refuse", order)
    return shop.advance(order, state) if state != "new" else order


@pytest.mark.parametrize("state", [*STATES, "cancelled", "refused"])
@pytest.mark.parametrize("transition", list(LEGAL))
def test_every_transition_from_every_state(shop: Shop, state: str, transition: str) -> None:
    order = _order_in(shop, state)
    events = OrderEvent.objects.filter(order=order).count()
    if state in LEGAL[transition]:
        result = _call(shop, transition, order)
        assert result.status != state or transition == "reassign"
        assert OrderEvent.objects.filter(order=order).count() == events + 1
    else:
        with pytest.raises(OrderStateError, match="当前状态为") as caught:
            _call(shop, transition, order)
        assert caught.value.code == f"cannot_{transition}"
        order.refresh_from_db()
        assert order.status == state
        assert OrderEvent.objects.filter(order=order).count() == events


def test_refuse_and_cancel_need_a_reason(shop: Shop) -> None:
    order = shop.place()
    with pytest.raises(OrderDataError):
        services.refuse_order(actor=shop.manager, order=order, reason=" ")
    with pytest.raises(OrderDataError):
        services.cancel_order(actor=shop.worker, order=order, reason="")
    order.refresh_from_db()
    assert order.status == "new"


def test_cancel_releases_the_caregiver(shop: Shop) -> None:
    order = shop.advance(shop.place(), "dispatched")
    services.cancel_order(actor=shop.worker, order=order, reason="老人住院")
    assert not order.assignments.filter(is_active=True).exists()
    second = shop.advance(shop.place(), "dispatched")
    assert second.caregiver == shop.near


@pytest.mark.parametrize("rating", [0, 6, "5", None, True, 4.5])
def test_bad_rating_is_refused(shop: Shop, rating: Any) -> None:
    order = shop.advance(shop.place(), "completed")
    with pytest.raises(OrderDataError):
        services.rate_order(actor=shop.worker, order=order, rating=rating)
    order.refresh_from_db()
    assert order.status == "completed" and order.rating is None


def test_provider_staff_cannot_rate_their_own_work(shop: Shop) -> None:
    order = shop.advance(shop.place(), "completed")
    with pytest.raises(PermissionDenied):
        services.rate_order(actor=shop.manager, order=order, rating=5)
