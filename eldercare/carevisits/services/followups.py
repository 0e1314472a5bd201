"""Follow-ups a contact raises, and the ONE place each kind reaches another app.

The orders and alarms apps are built in parallel; until they expose a service, the hand-over
functions below return None and the follow-up stays OPEN in the village's follow-up list, where a
worker records the hand-over by hand (`record_hand_over`).
"""

from collections.abc import Callable
from typing import Any

from django.db import transaction

from eldercare.accounts.access import Action, require
from eldercare.carevisits.errors import CareVisitDataError, CareVisitStateError, Problem
from eldercare.carevisits.models import FollowUp, FollowUpKind, FollowUpStatus
from eldercare.carevisits.services.common import check_resident, single_line
from eldercare.core.audit import record
from eldercare.core.models import AuditAction


def request_service_order(follow_up: FollowUp) -> str | None:
    """Place a service order for the resident (orders app: call its create-order service with
    the resident, the note as the need, and the contact's visitor as the one who asked; return
    the order number). Not available yet: None."""
    return None


def raise_alarm(follow_up: FollowUp) -> str | None:
    """Start an alarm with its call chain for the resident (alarms app: call its manual-alarm
    service with kind "visit_finding" and the note; return the alarm id). Not available yet."""
    return None


def refer_to_department(follow_up: FollowUp) -> str | None:
    """Referrals to another department (health, housing, police) leave the platform: a worker
    records the reference number once the department has taken it."""
    return None


HAND_OVER: dict[str, Callable[[FollowUp], str | None]] = {
    FollowUpKind.SERVICE_ORDER: request_service_order,
    FollowUpKind.ALARM: raise_alarm,
    FollowUpKind.REFERRAL: refer_to_department,
}


def hand_over(follow_up: FollowUp) -> None:
    """Called once, when the contact that raised the follow-up is stored."""
    reference = HAND_OVER[follow_up.kind](follow_up)
    if reference:
        follow_up.status = FollowUpStatus.HANDED_OVER
        follow_up.target_ref = reference[:40]
        follow_up.save(update_fields=["status", "target_ref", "updated_at"])


# status -> the statuses it may move to
TRANSITIONS = {
    FollowUpStatus.OPEN: (
        FollowUpStatus.HANDED_OVER,
        FollowUpStatus.CLOSED,
        FollowUpStatus.CANCELLED,
    ),
    FollowUpStatus.HANDED_OVER: (FollowUpStatus.CLOSED, FollowUpStatus.CANCELLED),
    FollowUpStatus.CLOSED: (),
    FollowUpStatus.CANCELLED: (),
}


def _move(actor: Any, follow_up: FollowUp, to: FollowUpStatus, **fields: str) -> FollowUp:
    require(actor, Action.LOG_CARE_VISITS)
    check_resident(actor, follow_up.contact.resident)
    with transaction.atomic():
        locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        if to not in TRANSITIONS[FollowUpStatus(locked.status)]:
            raise CareVisitStateError(
                f"后续处理 #{locked.pk} 当前为“{locked.get_status_display()}”，不能改为“{to.label}”"
            )
        before = locked.status
        locked.status = to
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            region_code=follow_up.contact.resident.region_code,
            changes={"status": [before, to]},
            detail=fields,
        )
    return locked


def record_hand_over(*, actor: Any, follow_up: FollowUp, target_ref: str) -> FollowUp:
    target_ref = single_line(target_ref, 40)
    if not target_ref:
        raise CareVisitDataError([Problem("target_ref", "required", "请填写对方受理的单号")])
    return _move(actor, follow_up, FollowUpStatus.HANDED_OVER, target_ref=target_ref)


def close_follow_up(*, actor: Any, follow_up: FollowUp, outcome: str) -> FollowUp:
    outcome = single_line(outcome, 300)
    if not outcome:
        raise CareVisitDataError([Problem("outcome", "required", "请填写办理结果")])
    return _move(actor, follow_up, FollowUpStatus.CLOSED, outcome=outcome)


def cancel_follow_up(*, actor: Any, follow_up: FollowUp, reason: str) -> FollowUp:
    reason = single_line(reason, 300)
    if not reason:
        raise CareVisitDataError([Problem("reason", "required", "撤销须写明原因")])
    return _move(actor, follow_up, FollowUpStatus.CANCELLED, outcome=reason)
