"""Deadlines of open review steps follow the holiday table: when it changes (a new year loaded,
a day corrected by an administrator), every open step's deadline is counted again from the day
the step started. Decided steps keep the deadline they were judged against."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from eldercare.applications.models import ReviewStep
from eldercare.core.audit import record
from eldercare.core.holidays import calendar_around
from eldercare.core.models import AuditAction
from eldercare.core.workdays import add_working_days, unknown_years


def recount_open_deadlines(*, actor: Any) -> int:
    """Count the open steps' deadlines again; returns how many changed (audited as one event)."""
    changed = []
    with transaction.atomic():
        steps = (
            ReviewStep.objects.select_for_update().filter(decision="").select_related("application")
        )
        for step in steps:
            started_on = timezone.localdate(step.started_at)
            calendar = calendar_around(started_on)
            due_on = add_working_days(started_on, step.working_days, calendar)
            provisional = bool(unknown_years(started_on, due_on, calendar))
            if (due_on, provisional) == (step.due_on, step.is_due_provisional):
                continue
            changed.append({"step": step.pk, "before": str(step.due_on), "after": str(due_on)})
            step.due_on, step.is_due_provisional = due_on, provisional
            step.save(update_fields=["due_on", "is_due_provisional"])
            application = step.application
            if application.current_step == step.position:
                application.current_due_on = due_on
                application.save(update_fields=["current_due_on", "updated_at"])
        if changed:
            record(
                actor=actor,
                action=AuditAction.UPDATE,
                object_type="applications.reviewstep",
                object_repr="节假日变更后重新计算办理时限",
                detail={"changed": changed},
            )
    return len(changed)


def on_calendar_changed(sender: Any, *, actor: Any, **kwargs: Any) -> None:
    recount_open_deadlines(actor=actor)
