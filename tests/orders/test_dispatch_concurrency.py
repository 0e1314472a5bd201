"""Two dispatchers at once, each in its own thread and database connection: the same caregiver
for overlapping windows, or the same order twice, ends with exactly one assignment. The
service's own checks are slowed down so both threads pass them before either writes: what stops
the second is the database (exclusion constraint / trigger, partial unique index)."""

import time
from typing import Any

import pytest
from django.db import IntegrityError, OperationalError, transaction

from eldercare.orders import services
from eldercare.orders.errors import DispatchError, OrderStateError
from eldercare.orders.models import Assignment, Order
from eldercare.orders.services import dispatching
from tests.concurrency import race
from tests.orders.conftest import Shop, at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def slow_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    original = dispatching.why_not

    def slow(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        time.sleep(0.3)
        return result

    monkeypatch.setattr(dispatching, "why_not", slow)


@pytest.mark.usefixtures("slow_checks")
@pytest.mark.parametrize("attempt", range(2))
def test_one_caregiver_two_overlapping_orders_at_once(shop: Shop, attempt: int) -> None:
    first = services.accept_order(actor=shop.manager, order=shop.place())
    second = services.accept_order(
        actor=shop.manager, order=shop.place(starts_at=at(17, 10), ends_at=at(17, 12))
    )
    results = race(
        lambda: services.dispatch_order(actor=shop.manager, order=first, caregiver=shop.near),
        lambda: services.dispatch_order(actor=shop.manager, order=second, caregiver=shop.near),
    )
    successes = [r for r in results if isinstance(r, Order)]
    failures = [r for r in results if isinstance(r, Exception)]
    assert len(successes) == 1, results
    assert len(failures) == 1 and isinstance(failures[0], DispatchError), results
    assert Assignment.objects.filter(caregiver=shop.near, is_active=True).count() == 1
    loser = second if successes[0].pk == first.pk else first
    loser.refresh_from_db()
    assert loser.status == "accepted" and loser.caregiver is None


@pytest.mark.usefixtures("slow_checks")
def test_the_same_order_dispatched_twice_at_once(shop: Shop) -> None:
    order = services.accept_order(actor=shop.manager, order=shop.place())
    results = race(
        lambda: services.dispatch_order(actor=shop.manager, order=order, caregiver=shop.near),
        lambda: services.dispatch_order(actor=shop.manager, order=order, caregiver=shop.far),
    )
    successes = [r for r in results if isinstance(r, Order)]
    failures = [r for r in results if isinstance(r, Exception)]
    assert len(successes) == 1, results
    assert len(failures) == 1 and isinstance(failures[0], OrderStateError), results
    assert Assignment.objects.filter(order=order, is_active=True).count() == 1


def _insert(shop: Shop, order: Order, caregiver_id: int, start: int, end: int) -> Assignment:
    with transaction.atomic():
        row = Assignment.objects.create(
            order=order,
            caregiver_id=caregiver_id,
            starts_at=at(17, start),
            ends_at=at(17, end),
            assigned_by=shop.manager,
        )
        time.sleep(0.3)  # both inserts are in flight before either commits
    return row


@pytest.mark.parametrize("same_order", [False, True])
def test_the_database_alone_refuses_concurrent_double_booking(shop: Shop, same_order: bool) -> None:
    """Bypassing the service: raw concurrent inserts still end with one row. (PostgreSQL may
    report the loser as a deadlock of the exclusion check rather than a violation.)"""
    first = shop.place()
    second = first if same_order else shop.place(starts_at=at(17, 10), ends_at=at(17, 12))
    caregivers = (shop.near.pk, shop.far.pk) if same_order else (shop.near.pk, shop.near.pk)
    results = race(
        lambda: _insert(shop, first, caregivers[0], 9, 11),
        lambda: _insert(shop, second, caregivers[1], 10, 12),
    )
    assert sum(isinstance(r, Assignment) for r in results) == 1, results
    assert all(isinstance(r, Assignment | IntegrityError | OperationalError) for r in results), (
        results
    )
    assert Assignment.objects.filter(is_active=True).count() == 1
