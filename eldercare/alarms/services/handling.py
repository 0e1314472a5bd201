"""What people do with an alarm: acknowledge, add notes, request an on-site visit, close.

Acknowledging stops the escalation (the timer is cleared in the same conditional UPDATE that
checks the alarm is still open); closing records the outcome. Every change is audited.
"""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from eldercare.accounts.access import Action, in_scope, require
from eldercare.alarms.errors import AlarmDataError, AlarmStateError, Problem
from eldercare.alarms.models import ActionKind, Alarm, AlarmAction, AlarmStatus, Outcome
from eldercare.catalogue.models import ServiceCategory
from eldercare.core import audit
from eldercare.core.models import AuditAction
from eldercare.orders.models import Channel
from eldercare.orders.services.referrals import place_referral_order

MAX_TEXT = 1000


def _check(actor: Any, alarm: Alarm) -> None:
    require(actor, Action.HANDLE_ALARMS)
    if not in_scope(actor, alarm.region_code):
        raise AlarmStateError("该报警不在您的管辖范围内", code="out_of_scope")


def _text(text: str, required: str = "") -> str:
    cleaned = " ".join(text.split())[:MAX_TEXT]
    if required and not cleaned:
        raise AlarmDataError([Problem("text", "required", required)])
    return cleaned


def _act(alarm: Alarm, actor: Any, kind: ActionKind, now: datetime, text: str = "") -> None:
    AlarmAction.objects.create(
        alarm=alarm,
        kind=kind,
        at=now,
        actor=actor,
        actor_name=actor.display_name,
        step=alarm.current_step or None,
        text=text,
    )


def _audit(actor: Any, alarm: Alarm, before: str, after: str, **detail: Any) -> None:
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=alarm,
        region_code=alarm.region_code,
        changes={"status": [before, after]} if before != after else {},
        detail=detail,
    )


def acknowledge(*, actor: Any, alarm: Alarm, text: str = "", now: datetime | None = None) -> Alarm:
    """Someone has taken the alarm in hand: the call chain stops."""
    _check(actor, alarm)
    now = now or timezone.now()
    text = _text(text)
    with transaction.atomic():
        won = Alarm.objects.filter(pk=alarm.pk, status=AlarmStatus.OPEN).update(
            status=AlarmStatus.ACKNOWLEDGED,
            acknowledged_at=now,
            acknowledged_by=actor,
            step_due_at=None,
            updated_at=now,
        )
        if not won:
            current = Alarm.objects.get(pk=alarm.pk)
            raise AlarmStateError(
                f"报警当前状态为“{current.get_status_display()}”，不能再次响应",
                code="not_open",
            )
        alarm.refresh_from_db()
        _act(alarm, actor, ActionKind.ACKNOWLEDGED, now, text)
        _audit(actor, alarm, AlarmStatus.OPEN, AlarmStatus.ACKNOWLEDGED, note=text)
    return alarm


def add_note(*, actor: Any, alarm: Alarm, text: str, now: datetime | None = None) -> Alarm:
    _check(actor, alarm)
    text = _text(text, required="请填写备注内容")
    with transaction.atomic():
        _act(alarm, actor, ActionKind.NOTE, now or timezone.now(), text)
        Alarm.objects.filter(pk=alarm.pk).update(updated_at=now or timezone.now())
        _audit(actor, alarm, alarm.status, alarm.status, note=text)
    return alarm


def create_visit_order(*, actor: Any, alarm: Alarm, text: str) -> int | None:
    """The on-site visit as a service order (助急) with a provider serving the village; None when
    no provider can take it: the request is then only on the alarm's timeline and the operator
    arranges the visit by phone."""
    order = place_referral_order(
        actor=actor,
        resident=alarm.resident,
        category=ServiceCategory.EMERGENCY,
        reason=text,
        channel=Channel.HOTLINE,
        requester_phone=f"报警 {alarm.pk}",
    )
    return order.pk if order else None


def request_visit(*, actor: Any, alarm: Alarm, text: str, now: datetime | None = None) -> Alarm:
    """Ask for someone to go to the resident's home; the alarm must not be closed."""
    _check(actor, alarm)
    now = now or timezone.now()
    text = _text(text, required="请写明上门事由")
    with transaction.atomic():
        locked = Alarm.objects.select_for_update().get(pk=alarm.pk)
        if locked.status == AlarmStatus.CLOSED:
            raise AlarmStateError("报警已结案，不能再派员上门", code="closed")
        order_id = create_visit_order(actor=actor, alarm=locked, text=text)
        note = text if order_id is None else f"{text}（服务工单 {order_id}）"
        _act(locked, actor, ActionKind.VISIT_REQUESTED, now, note)
        Alarm.objects.filter(pk=alarm.pk).update(updated_at=now)
        _audit(actor, locked, locked.status, locked.status, visit=note, order=order_id)
    return locked


def close(
    *, actor: Any, alarm: Alarm, outcome: str, text: str = "", now: datetime | None = None
) -> Alarm:
    """Close with its outcome; an open alarm is acknowledged by the same act."""
    _check(actor, alarm)
    if outcome not in Outcome.values:
        raise AlarmDataError([Problem("outcome", "invalid", "请选择处置结果")])
    now = now or timezone.now()
    text = _text(text)
    with transaction.atomic():
        locked = Alarm.objects.select_for_update().get(pk=alarm.pk)
        if locked.status == AlarmStatus.CLOSED:
            raise AlarmStateError("报警已结案", code="closed")
        before = locked.status
        if locked.acknowledged_at is None:
            locked.acknowledged_at = now
            locked.acknowledged_by = actor
        locked.status = AlarmStatus.CLOSED
        locked.step_due_at = None
        locked.closed_at = now
        locked.closed_by = actor
        locked.outcome = outcome
        locked.save()
        _act(
            locked, actor, ActionKind.CLOSED, now, f"{locked.get_outcome_display()} {text}".strip()
        )
        _audit(actor, locked, before, AlarmStatus.CLOSED, outcome=outcome, note=text)
    return locked
