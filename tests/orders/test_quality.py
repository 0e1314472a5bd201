"""Complaints and their handling, callback sampling, and the supervision figures."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from eldercare.orders import services
from eldercare.orders.errors import OrderDataError, OrderStateError
from eldercare.orders.models import Callback, Complaint
from tests.orders.conftest import Shop, at

NOV = (date(2026, 11, 1), date(2026, 11, 30))


def test_complaint_workflow(shop: Shop) -> None:
    order = shop.advance(shop.place(), "completed")
    complaint = services.file_complaint(actor=shop.worker, order=order, content="迟到一小时")
    assert complaint.status == "received"
    assert complaint.due_on == date(2026, 11, 17) + timedelta(days=15)
    supervisor = shop.world.user("township_worker")
    complaint = services.advance_complaint(
        actor=supervisor, complaint=complaint, step="handle", note="已联系机构"
    )
    with pytest.raises(OrderDataError):
        services.advance_complaint(actor=supervisor, complaint=complaint, step="resolve")
    complaint = services.advance_complaint(
        actor=supervisor, complaint=complaint, step="resolve", note="机构道歉并减免费用"
    )
    assert complaint.status == "resolved" and complaint.closed_at is not None
    with pytest.raises(OrderStateError):
        services.advance_complaint(actor=supervisor, complaint=complaint, step="reject", note="x")
    with pytest.raises(OrderStateError):
        services.advance_complaint(actor=supervisor, complaint=complaint, step="handle")


def test_complaint_needs_content_and_the_provider_cannot_file_or_handle(shop: Shop) -> None:
    order = shop.place()
    with pytest.raises(OrderDataError):
        services.file_complaint(actor=shop.worker, order=order, content=" ")
    with pytest.raises(PermissionDenied):
        services.file_complaint(actor=shop.manager, order=order, content="自己投诉自己")
    complaint = services.file_complaint(actor=shop.worker, order=order, content="态度差")
    with pytest.raises(PermissionDenied):
        services.advance_complaint(actor=shop.worker, complaint=complaint, step="handle")
    assert Complaint.objects.count() == 1


def _completed_orders(shop: Shop, count: int) -> list[int]:
    ids = []
    for n in range(count):
        order = shop.place(starts_at=at(17, 8 + n), ends_at=at(17, 9 + n))
        ids.append(shop.advance(order, "completed").pk)
    return ids


def test_callback_sample_is_reproducible(shop: Shop) -> None:
    ids = _completed_orders(shop, 5)
    supervisor = shop.world.user("county_admin")
    first = services.draw_callback_sample(
        actor=supervisor,
        region_code=shop.world.county_a,
        start=NOV[0],
        end=NOV[1],
        size=3,
        seed="s1",
    )
    second = services.draw_callback_sample(
        actor=supervisor,
        region_code=shop.world.county_a,
        start=NOV[0],
        end=NOV[1],
        size=3,
        seed="s1",
    )
    drawn = sorted(Callback.objects.filter(sample=first).values_list("order_id", flat=True))
    assert drawn == sorted(
        Callback.objects.filter(sample=second).values_list("order_id", flat=True)
    )
    assert len(drawn) == 3 and set(drawn) <= set(ids)
    callback = Callback.objects.filter(sample=first).first()
    assert callback is not None
    callback = services.record_callback(
        actor=supervisor, callback=callback, outcome="satisfied", note="老人满意"
    )
    assert callback.outcome == "satisfied" and callback.called_at is not None
    with pytest.raises(OrderDataError):
        services.record_callback(actor=supervisor, callback=callback, outcome="maybe")


def test_callback_sample_bad_input(shop: Shop) -> None:
    supervisor = shop.world.user("county_admin")
    with pytest.raises(OrderDataError):
        services.draw_callback_sample(
            actor=supervisor, region_code=shop.world.county_a, start=NOV[1], end=NOV[0], size=3
        )
    with pytest.raises(OrderDataError, match="没有已完成的订单"):
        services.draw_callback_sample(
            actor=supervisor, region_code=shop.world.county_a, start=NOV[0], end=NOV[1], size=3
        )


def test_provider_figures(shop: Shop) -> None:
    late = shop.advance(shop.place(), "dispatched")
    shop.clock.move_to(late.ends_at + timedelta(minutes=10))
    late = services.check_in(actor=shop.caregiver, order=late)  # late, no GPS: two flags
    shop.clock.move_to(late.ends_at + timedelta(hours=2))
    services.check_out(actor=shop.caregiver, order=late, work_done="保洁")
    services.rate_order(actor=shop.worker, order=late, rating=2)
    good = shop.advance(shop.place(starts_at=at(18, 9), ends_at=at(18, 11)), "rated")
    services.file_complaint(actor=shop.worker, order=good, content="漏扫卫生间")
    shop.place(starts_at=at(19, 9), ends_at=at(19, 10))  # still new
    cancelled = shop.place(starts_at=at(20, 9), ends_at=at(20, 10))
    services.cancel_order(actor=shop.worker, order=cancelled, reason="不需要了")
    [row] = services.provider_figures(shop.world.user("county_admin"), *NOV)
    assert (row.orders, row.completed, row.on_time, row.rated) == (3, 2, 1, 2)
    assert row.average_rating == 3.5
    assert (row.complaints, row.flags) == (1, 2)
    assert row.completion_rate == pytest.approx(2 / 3)
    assert row.on_time_rate == 0.5
    assert services.provider_figures(shop.world.user("county_b_admin"), *NOV) == []
