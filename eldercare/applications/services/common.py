"""What every use case of the package shares: scope check, locking, state errors, the
timeline and the audit record."""

from datetime import date, datetime
from typing import Any

from django.http import Http404
from django.utils import timezone

from eldercare.accounts.access import in_scope
from eldercare.applications.errors import ApplicationStateError
from eldercare.applications.models import Application, ApplicationEvent, ReviewStep
from eldercare.core.audit import record
from eldercare.core.models import AuditAction
from eldercare.registry.models import Resident

MAX_COMMENT = 500


def today_local() -> date:
    return timezone.localdate()


def check_resident(actor: Any, resident: Resident) -> None:
    if not in_scope(actor, resident.region_code):
        raise Http404("记录不存在")


def single_line(value: object, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


def lock_application(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("resident", "service_item")
        .get(pk=application.pk)
    )


def state_error(application: Application, verb: str) -> ApplicationStateError:
    return ApplicationStateError(
        f"申请 {application.number} 当前状态为“{application.get_status_display()}”，不能{verb}"
    )


def close_step(step: ReviewStep, actor: Any, decision: str, comment: str, now: datetime) -> None:
    step.decision = decision
    step.decided_at = now
    step.reviewer = actor if getattr(actor, "pk", None) else None
    step.reviewer_name = str(getattr(actor, "display_name", "") or getattr(actor, "username", ""))
    step.comment = comment
    step.save()


def clear_current(application: Application) -> None:
    application.current_step = None
    application.current_level = ""
    application.current_due_on = None


def record_event(
    application: Application,
    actor: Any,
    kind: str,
    *,
    step: ReviewStep | None,
    comment: str = "",
) -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=application,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=str(
            getattr(actor, "display_name", "") or getattr(actor, "username", "") or "system"
        ),
        round=application.round,
        step=step.position if step else None,
        level=step.level if step else "",
        comment=comment[:500],
    )


def audit_transition(
    actor: Any,
    application: Application,
    transition: str,
    before: str,
    *,
    step: ReviewStep | None = None,
    comment: str = "",
) -> None:
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=application,
        region_code=application.resident.region_code,
        changes={"status": [before, application.status]},
        detail={
            "transition": transition,
            "round": application.round,
            "step": step.position if step else None,
            "level": step.level if step else "",
            "comment": comment,
        },
    )
