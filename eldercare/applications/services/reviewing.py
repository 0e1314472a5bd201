"""The reviewer side: approve the open step (the last one approves the application), return for
correction, reject. Each step is decided by a reviewer bound to exactly its reviewing region."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from eldercare.accounts.access import Action, can, require
from eldercare.applications.chain import LEVEL_NAMES
from eldercare.applications.errors import ApplicationDataError, ApplicationStateError, Problem
from eldercare.applications.models import (
    OPEN_STATUSES,
    Application,
    ApplicationKind,
    ApplicationStatus,
    Decision,
    EventKind,
    ReviewStep,
)
from eldercare.applications.services.chains import plan_step
from eldercare.applications.services.common import (
    MAX_COMMENT,
    audit_transition,
    check_resident,
    clear_current,
    close_step,
    lock_application,
    record_event,
    single_line,
    state_error,
)
from eldercare.applications.services.granting import grant_entitlement_for
from eldercare.applications.services.validation import MAX_AMOUNT_FEN
from eldercare.regions.services import region_names


def approve_step(
    *,
    actor: Any,
    application: Application,
    step: int | None = None,
    comment: str = "",
    approved_amount_fen: int | None = None,
    first_month: date | None = None,
) -> Application:
    """Approve the open step: the next step opens, or after the last one the application is
    approved. A benefit is then granted (entitlements.services.grant_entitlement) with the
    amount asked or `approved_amount_fen` (required when the application left it to policy),
    from `first_month` (default: the month of approval)."""
    require(actor, Action.REVIEW_APPLICATIONS)
    check_resident(actor, application.resident)
    comment = single_line(comment, MAX_COMMENT)
    with transaction.atomic():
        locked = lock_application(application)
        open_step = _open_step(locked, step, "审核")
        _check_reviewer(actor, open_step)
        before = locked.status
        now = timezone.now()
        is_last = open_step.position >= locked.step_count
        if is_last:
            _settle_approval(locked, approved_amount_fen, first_month, now)
        elif approved_amount_fen is not None or first_month is not None:
            raise ApplicationDataError(
                [Problem("approved_amount_fen", "not_final", "核定金额和起始月份由最后一步填写")]
            )
        close_step(open_step, actor, Decision.APPROVE, comment, now)
        record_event(locked, actor, EventKind.STEP_APPROVED, step=open_step, comment=comment)
        if is_last:
            clear_current(locked)
            locked.status = ApplicationStatus.APPROVED
            locked.decided_at = now
            locked.save()
            record_event(locked, actor, EventKind.APPROVED, step=open_step)
            if locked.kind == ApplicationKind.BENEFIT:
                grant_entitlement_for(actor, locked)
        else:
            next_step = plan_step(locked, open_step.position + 1, now)
            locked.status = ApplicationStatus.UNDER_REVIEW
            locked.save()
            next_step.save()
        audit_transition(
            actor, locked, "approve_final" if is_last else "approve_step", before, step=open_step
        )
    return locked


def return_application(
    *, actor: Any, application: Application, reason: str, step: int | None = None
) -> Application:
    """Send the application back to the applicant side for correction (reason required)."""
    return _decide_against(actor, application, reason, step, Decision.RETURN)


def reject_application(
    *, actor: Any, application: Application, reason: str, step: int | None = None
) -> Application:
    """Refuse the application: final (reason required)."""
    return _decide_against(actor, application, reason, step, Decision.REJECT)


def _decide_against(
    actor: Any, application: Application, reason: str, step: int | None, decision: Decision
) -> Application:
    require(actor, Action.REVIEW_APPLICATIONS)
    check_resident(actor, application.resident)
    reason = single_line(reason, MAX_COMMENT)
    verb = "退回" if decision == Decision.RETURN else "不予批准"
    if not reason:
        raise ApplicationDataError([Problem("comment", "required", f"{verb}须写明理由")])
    with transaction.atomic():
        locked = lock_application(application)
        open_step = _open_step(locked, step, verb)
        _check_reviewer(actor, open_step)
        before = locked.status
        now = timezone.now()
        close_step(open_step, actor, decision, reason, now)
        clear_current(locked)
        if decision == Decision.RETURN:
            locked.status = ApplicationStatus.RETURNED
            kind = EventKind.RETURNED
        else:
            locked.status = ApplicationStatus.REJECTED
            locked.decided_at = now
            kind = EventKind.REJECTED
        locked.save()
        record_event(locked, actor, kind, step=open_step, comment=reason)
        audit_transition(actor, locked, str(decision), before, step=open_step, comment=reason)
    return locked


def is_reviewer_for(actor: Any, step: ReviewStep) -> bool:
    """May `actor` decide `step`: REVIEW_APPLICATIONS and bound to exactly its reviewing region."""
    return can(actor, Action.REVIEW_APPLICATIONS) and (
        getattr(actor, "region_code", None) == step.region_code
    )


def _check_reviewer(actor: Any, step: ReviewStep) -> None:
    if not is_reviewer_for(actor, step):
        unit = region_names([step.region_code]).get(step.region_code, step.region_code)
        raise PermissionDenied(f"本步骤（{LEVEL_NAMES[step.level]}）应由{unit}的审核人员办理")


def _open_step(application: Application, expected: int | None, verb: str) -> ReviewStep:
    if application.status not in OPEN_STATUSES:
        raise state_error(application, verb)
    if expected is not None and expected != application.current_step:
        raise ApplicationStateError(
            f"申请 {application.number} 已不在第 {expected} 步（现为第 {application.current_step} 步），"
            "请刷新后再办理",
            code="step_moved",
        )
    return application.steps.select_for_update().get(decision="")


def _settle_approval(
    application: Application, amount_fen: int | None, first_month: date | None, now: datetime
) -> None:
    if application.kind != ApplicationKind.BENEFIT:
        if amount_fen is not None:
            raise ApplicationDataError(
                [Problem("approved_amount_fen", "not_allowed", "服务项目申请没有核定金额")]
            )
        return
    problems = []
    amount = application.amount_fen if amount_fen is None else amount_fen
    if amount is None:
        problems.append(
            Problem("approved_amount_fen", "required", "该申请按政策核定金额，请填写核定金额")
        )
    elif (
        isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= MAX_AMOUNT_FEN
    ):
        problems.append(Problem("approved_amount_fen", "out_of_range", "应为 0.01–100000 元"))
    if problems:
        raise ApplicationDataError(problems)
    month = first_month or timezone.localdate(now)
    application.approved_amount_fen = amount
    application.approved_first_month = month.replace(day=1)
