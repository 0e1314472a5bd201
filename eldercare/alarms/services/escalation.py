"""Escalation: call the next step of an open alarm's chain when the current one timed out.

The due time lives in the alarm row (`step_due_at`); moving to the next step is one conditional
UPDATE (still open, still at that step, still due). Whoever wins that UPDATE records the step's
notification in the same transaction, so however many workers sweep, and whenever one dies, each
step is called exactly once. Delivery follows the commit; a crash between the two leaves a
"pending" notification that `deliver_pending` sends later (at most a repeat of that one message,
never a skipped or doubled step).
"""

import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from eldercare.alarms.models import (
    ActionKind,
    Alarm,
    AlarmAction,
    AlarmStatus,
    Notification,
    NotificationStatus,
    TimerLease,
)
from eldercare.alarms.rules.chain import ADVISE_120, Step
from eldercare.alarms.senders import OutgoingMessage, SendError, current_sender
from eldercare.alarms.services.chains import chain_for

SWEEP_BATCH = 200
LEASE_NAME = "escalation"
Clock = Callable[[], datetime]


def escalate_due(now: datetime | None = None) -> int:
    """Advance every open alarm whose step is due; the number of alarms advanced."""
    now = now or timezone.now()
    due = list(
        Alarm.objects.filter(status=AlarmStatus.OPEN, step_due_at__lte=now)
        .order_by("step_due_at", "pk")
        .values_list("pk", "current_step")[:SWEEP_BATCH]
    )
    advanced = [pk for pk, step in due if advance(pk, step, now)]
    if advanced:
        deliver_pending(alarm_ids=advanced, now=now)
    return len(advanced)


def _message(alarm: Alarm, step: Step, position: int) -> str:
    resident = alarm.resident
    place = alarm.device.address or resident.residence_address
    if step.kind == ADVISE_120:
        return (
            f"【紧急呼叫】{resident.name}（{place}）{alarm.get_kind_display()}报警已逐级呼叫无人响应，"
            f"建议立即拨打120。报警编号 {alarm.pk}"
        )
    return (
        f"【紧急呼叫】{resident.name}（{place}）{alarm.get_kind_display()}报警，"
        f"请立即联系老人并在 {step.timeout_seconds // 60 or 1} 分钟内确认。"
        f"报警编号 {alarm.pk}，第 {position} 环节"
    )


def advance(alarm_id: int, from_step: int, now: datetime) -> bool:
    """Move the alarm from `from_step` to the next step if nobody else did; True if we did."""
    with transaction.atomic():
        alarm = Alarm.objects.select_related("resident", "device").get(pk=alarm_id)
        chain = [Step.from_dict(data) for data in alarm.chain] if alarm.chain else None
        if chain is None:
            chain = chain_for(alarm.resident)
        position = from_step + 1
        exhausted = position > len(chain)
        due_at = None if exhausted else now + timedelta(seconds=chain[position - 1].timeout_seconds)
        won = Alarm.objects.filter(
            pk=alarm_id, status=AlarmStatus.OPEN, current_step=from_step, step_due_at__lte=now
        ).update(
            current_step=from_step if exhausted else position,
            step_due_at=due_at,
            chain=[step.as_dict() for step in chain],
            updated_at=now,
        )
        if not won:
            return False
        if exhausted:
            AlarmAction.objects.create(
                alarm_id=alarm_id,
                kind=ActionKind.CHAIN_EXHAUSTED,
                at=now,
                step=from_step,
                actor_name="system",
                text="呼叫链已全部呼叫，仍无人响应",
            )
            return True
        step = chain[position - 1]
        sender = current_sender()
        Notification.objects.create(
            alarm_id=alarm_id,
            step=position,
            step_kind=step.kind,
            recipient_name=step.name,
            recipient_phone="" if step.kind == ADVISE_120 else step.phone,
            message=_message(alarm, step, position),
            channel=sender.name,
            created_at=now,
        )
        AlarmAction.objects.create(
            alarm_id=alarm_id,
            kind=ActionKind.ESCALATED,
            at=now,
            step=position,
            actor_name="system",
            text=f"呼叫 {step.name}",
        )
    return True


def deliver_pending(*, alarm_ids: list[int] | None = None, now: datetime | None = None) -> int:
    """Send pending notifications through the configured sender; the number sent."""
    pending = Notification.objects.filter(status=NotificationStatus.PENDING)
    if alarm_ids is not None:
        pending = pending.filter(alarm_id__in=alarm_ids)
    sender = current_sender()
    sent = 0
    for notification in pending.order_by("pk"):
        # Claim it first so two sweepers never send the same message.
        claimed = Notification.objects.filter(
            pk=notification.pk, status=NotificationStatus.PENDING
        ).update(status=NotificationStatus.SENT, sent_at=now or timezone.now())
        if not claimed:
            continue
        try:
            sender.send(
                OutgoingMessage(
                    notification.pk,
                    notification.alarm_id,
                    notification.step,
                    notification.recipient_name,
                    notification.recipient_phone,
                    notification.message,
                )
            )
        except SendError as error:
            Notification.objects.filter(pk=notification.pk).update(
                status=NotificationStatus.FAILED, error=str(error)[:300]
            )
            continue
        sent += 1
    return sent


def _take_lease(holder: str, now: datetime, seconds: int) -> bool:
    until = now + timedelta(seconds=seconds)
    with transaction.atomic():
        TimerLease.objects.get_or_create(
            name=LEASE_NAME, defaults={"holder": "", "expires_at": now - timedelta(seconds=1)}
        )
        return bool(
            TimerLease.objects.filter(name=LEASE_NAME)
            .filter(Q(expires_at__lt=now) | Q(holder=holder))
            .update(holder=holder, expires_at=until)
        )


def _release_lease(holder: str) -> None:
    TimerLease.objects.filter(name=LEASE_NAME, holder=holder).update(expires_at=timezone.now())


def has_running_chains() -> bool:
    return Alarm.objects.filter(status=AlarmStatus.OPEN, step_due_at__isnull=False).exists()


def run_loop(
    *,
    span_seconds: float = 55,
    tick_seconds: float = 1,
    clock: Clock = timezone.now,
    sleep: Callable[[float], None] | None = None,
) -> int:
    """Sweep every `tick_seconds` for up to `span_seconds` while chains are running.

    Only one worker task holds the lease and loops; any other sweeps once and returns, so a
    burst of alarms never ties up every worker. The minute schedule starts the next loop, which
    also picks up everything a killed worker left due.
    """
    pause = sleep or time.sleep
    started = clock()
    holder = uuid.uuid4().hex
    advanced = escalate_due(started)
    # Messages a killed worker recorded but did not get to send.
    deliver_pending(now=started)
    if not _take_lease(holder, started, int(span_seconds) + 10):
        return advanced
    try:
        while has_running_chains() and (clock() - started).total_seconds() < span_seconds:
            pause(tick_seconds)
            advanced += escalate_due(clock())
    finally:
        _release_lease(holder)
    return advanced
