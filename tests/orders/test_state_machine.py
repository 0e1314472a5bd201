"""Random sequences of transitions on real orders follow rules.TRANSITIONS exactly: a legal step
moves the order where the table says, an illegal one is an OrderStateError and changes nothing."""

import itertools
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eldercare.orders import rules, services
from eldercare.orders.errors import OrderStateError
from eldercare.orders.models import Order, OrderEvent
from tests.orders.conftest import Shop, at

_slots = itertools.count()


def _call(shop: Shop, name: str, order: Order) -> Order:
    performer = (
        shop.caregiver if order.caregiver_id == shop.near.pk else shop.world.user("system_admin")
    )
    calls = {
        "accept": lambda: services.accept_order(actor=shop.manager, order=order),
        "refuse": lambda: services.refuse_order(actor=shop.manager, order=order, reason="人手不足"),
        "dispatch": lambda: services.dispatch_order(
            actor=shop.manager, order=order, caregiver=shop.near
        ),
        "reassign": lambda: services.dispatch_order(
            actor=shop.manager,
            order=order,
            caregiver=shop.far if order.caregiver_id == shop.near.pk else shop.near,
            reassign=True,
        ),
        "check_in": lambda: services.check_in(actor=performer, order=order),
        "check_out": lambda: services.check_out(actor=performer, order=order, work_done="保洁"),
        "rate": lambda: services.rate_order(actor=shop.worker, order=order, rating=3),
        "cancel": lambda: services.cancel_order(actor=shop.worker, order=order, reason="不需要"),
    }
    return calls[name]()


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.sampled_from(sorted(rules.TRANSITIONS)), min_size=1, max_size=8))
def test_random_transition_sequences_follow_the_table(shop: Shop, steps: list[str]) -> None:
    slot = next(_slots)
    start = at(17, 8) + timedelta(days=slot // 9, hours=slot % 9)
    order = shop.place(starts_at=start, ends_at=start + timedelta(hours=1))
    expected = rules.NEW
    for name in steps:
        target = rules.target_of(name, expected)
        events = OrderEvent.objects.filter(order=order).count()
        if target is None:
            try:
                _call(shop, name, order)
            except OrderStateError:
                pass
            else:
                raise AssertionError(f"{name} from {expected} was accepted")
            assert OrderEvent.objects.filter(order=order).count() == events
        else:
            order = _call(shop, name, order)
            expected = target
            assert OrderEvent.objects.filter(order=order).count() == events + 1
        order.refresh_from_db()
        assert order.status == expected
        active = order.assignments.filter(is_active=True).count()
        assert active == (
            1
            if expected in (rules.DISPATCHED, rules.IN_SERVICE, rules.COMPLETED, rules.RATED)
            else 0
        )
