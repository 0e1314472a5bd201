"""Logging contacts: findings and follow-ups stored, the future and other villages refused, a
double tap (same idempotency key) stored once, also when two requests race."""

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.utils import timezone

from eldercare.accounts.models import Role
from eldercare.carevisits import services
from eldercare.carevisits.errors import CareVisitDataError, CareVisitStateError
from eldercare.carevisits.models import CareContact, FollowUp, FollowUpStatus
from eldercare.carevisits.services import followups
from eldercare.core.models import AuditEvent
from tests.carevisits.builders import key_resident, sign
from tests.conftest import World


@pytest.fixture(autouse=True)
def midday() -> Iterator[None]:
    """Agreements start today and contacts happen an hour ago: both on one local day, whatever
    the hour the suite runs at (just after midnight an hour ago is yesterday)."""
    with time_machine.travel(datetime(2026, 11, 18, 12, tzinfo=ZoneInfo("Asia/Shanghai"))):
        yield


def log(world: World, resident: Any, key: str = "tap-00000001", **extra: Any) -> Any:
    values: dict[str, Any] = {
        "actor": world.user(Role.VILLAGE_WORKER),
        "resident": resident,
        "kind": "home_visit",
        "occurred_at": timezone.now() - timedelta(hours=1),
        "idempotency_key": key,
    }
    values.update(extra)
    return services.log_contact(**values)


def test_contact_is_stored_with_findings_linked_to_the_agreement_and_audited(
    world: World,
) -> None:
    resident = key_resident(world.village_a)
    agreement = sign(world, resident, extra_visitors=[])
    contact, created = log(
        world,
        resident,
        health="poor",
        living_conditions="fair",
        needs=["meal", "cleaning", "meal"],
        findings="血压偏高，冰箱空了",
    )
    assert created
    assert contact.agreement == agreement
    assert contact.visitor is not None and contact.visitor.user == world.user(Role.VILLAGE_WORKER)
    assert (contact.health, contact.living_conditions, contact.needs) == (
        "poor",
        "fair",
        ["cleaning", "meal"],
    )
    event = AuditEvent.objects.get(object_type="carevisits.carecontact")
    assert event.detail["agreement"] == agreement.pk


def test_a_neighbours_call_is_logged_by_the_worker_under_the_neighbours_name(
    world: World,
) -> None:
    resident = key_resident(world.village_a)
    agreement = sign(
        world,
        resident,
        extra_visitors=[{"kind": "neighbour", "name": "王邻居", "phone": "13800138000"}],
    )
    neighbour = agreement.visitors.get(kind="neighbour")
    contact, _ = log(world, resident, kind="phone_call", visitor_id=neighbour.pk)
    assert contact.visitor_name == "王邻居"
    other = sign(world, key_resident(world.village_a, "别人"))
    with pytest.raises(CareVisitDataError):
        log(world, other.resident, key="tap-00000002", visitor_id=neighbour.pk)


def test_contact_without_agreement_is_kept_unlinked(world: World) -> None:
    contact, _ = log(world, key_resident(world.village_a))
    assert contact.agreement is None and contact.visitor is None


def test_future_contact_is_refused_and_nothing_stored(world: World) -> None:
    resident = key_resident(world.village_a)
    with pytest.raises(CareVisitDataError) as error:
        log(world, resident, occurred_at=timezone.now() + timedelta(hours=1))
    assert error.value.problems[0].code == "future"
    # A phone clock a minute ahead is tolerated.
    log(world, resident, occurred_at=timezone.now() + timedelta(minutes=1))
    assert CareContact.objects.count() == 1


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"kind": "letter"}, "kind"),
        ({"occurred_at": None}, "occurred_at"),
        ({"health": "dead"}, "health"),
        ({"needs": ["spaceflight"]}, "needs"),
        ({"idempotency_key": "short"}, "idempotency_key"),
        ({"follow_ups": [{"kind": "referral", "note": "漏雨"}]}, "follow_ups"),
        ({"follow_ups": [{"kind": "alarm", "note": ""}]}, "follow_ups"),
        ({"follow_ups": [{"kind": "nothing", "note": "x"}]}, "follow_ups"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(
    world: World, extra: dict[str, Any], field: str
) -> None:
    with pytest.raises(CareVisitDataError) as error:
        log(world, key_resident(world.village_a), **extra)
    assert field in {p.field for p in error.value.problems}
    assert not CareContact.objects.exists() and not FollowUp.objects.exists()


def test_too_old_entry_is_refused(world: World) -> None:
    with pytest.raises(CareVisitDataError):
        log(world, key_resident(world.village_a), occurred_at=timezone.now() - timedelta(days=15))


def test_resident_outside_the_visitors_scope_does_not_exist(world: World) -> None:
    with pytest.raises(Http404):
        log(world, key_resident(world.village_a2))
    with pytest.raises(PermissionDenied):
        log(world, key_resident(world.village_a), actor=world.user(Role.AUDITOR))
    assert not CareContact.objects.exists()


def test_double_tap_stores_one_contact(world: World) -> None:
    resident = key_resident(world.village_a)
    when = timezone.now() - timedelta(minutes=5)
    first, created = log(world, resident, occurred_at=when)
    again, created_again = log(world, resident, occurred_at=when)
    assert created and not created_again and again.pk == first.pk
    assert CareContact.objects.count() == 1
    # The same key for a different contact is a client error, not a silent merge.
    with pytest.raises(CareVisitStateError) as error:
        log(world, resident, occurred_at=when, kind="phone_call")
    assert error.value.code == "idempotency_conflict"
    # Another user may use the same key.
    other = world.user(Role.TOWNSHIP_WORKER)
    log(world, resident, occurred_at=when, actor=other)
    assert CareContact.objects.count() == 2


def test_follow_ups_are_recorded_and_handed_over_through_one_function_per_kind(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(followups.HAND_OVER, "service_order", lambda follow_up: "SO-2026-1")
    contact, _ = log(
        world,
        key_resident(world.village_a),
        follow_ups=[
            {"kind": "service_order", "note": "需要助餐"},
            {"kind": "referral", "department": "卫生院", "note": "血压高"},
        ],
    )
    order, referral = contact.follow_ups.order_by("id")
    assert (order.status, order.target_ref) == (FollowUpStatus.HANDED_OVER, "SO-2026-1")
    assert (referral.status, referral.department) == (FollowUpStatus.OPEN, "卫生院")


def test_follow_up_transitions(world: World) -> None:
    contact, _ = log(
        world, key_resident(world.village_a), follow_ups=[{"kind": "alarm", "note": "跌倒"}]
    )
    follow_up = contact.follow_ups.get()
    worker = world.user(Role.VILLAGE_WORKER)
    with pytest.raises(CareVisitDataError):
        services.record_hand_over(actor=worker, follow_up=follow_up, target_ref=" ")
    handed = services.record_hand_over(actor=worker, follow_up=follow_up, target_ref="AL-7")
    assert handed.status == FollowUpStatus.HANDED_OVER
    with pytest.raises(CareVisitStateError):
        services.record_hand_over(actor=worker, follow_up=follow_up, target_ref="AL-8")
    closed = services.close_follow_up(actor=worker, follow_up=follow_up, outcome="已送医")
    assert (closed.status, closed.outcome) == (FollowUpStatus.CLOSED, "已送医")
    with pytest.raises(CareVisitStateError):
        services.cancel_follow_up(actor=worker, follow_up=follow_up, reason="误报")
    changes = [
        e.changes["status"]
        for e in AuditEvent.objects.filter(object_type="carevisits.followup").order_by("id")
    ]
    assert changes == [["open", "handed_over"], ["handed_over", "closed"]]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(2))
def test_two_simultaneous_requests_with_one_key_store_one_contact(
    world: World, attempt: int
) -> None:
    resident = key_resident(world.village_a)
    sign(world, resident)
    when = timezone.now() - timedelta(minutes=3)
    barrier = threading.Barrier(2)
    results: list[Any] = [None, None]

    def tap(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = log(world, resident, key="race-key-0001", occurred_at=when)
        except Exception as error:  # the test inspects what each thread got
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=tap, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert CareContact.objects.count() == 1
    stored = CareContact.objects.get()
    assert all(not isinstance(r, Exception) for r in results), results
    assert sorted(created for _, created in results) == [False, True]
    assert {contact.pk for contact, _ in results} == {stored.pk}
