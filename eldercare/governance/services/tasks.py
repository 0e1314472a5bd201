"""Progress reports on tasks, and supervision rounds with their findings.

Who may report for a unit: an official whose scope covers the unit's region reports for the
unit; for a collective unit ("县（区）人民政府") an official of a region inside it reports that
region's share. A task that names no units (the requirements tables) takes reports for the
region itself. A task's percent and status follow its reports: the latest report of a lead unit
(of any unit if the task names no lead) sets the percent; 100 % from a lead unit completes it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from eldercare.accounts.access import in_scope, scope_code
from eldercare.core.audit import record
from eldercare.core.models import AuditAction
from eldercare.governance.errors import GovernanceError
from eldercare.governance.models import (
    Organisation,
    ProgressReport,
    SupervisionFinding,
    SupervisionLevel,
    SupervisionRound,
    Task,
    TaskList,
    TaskStatus,
)
from eldercare.governance.services.common import clean_region, require_manage, today_local, within

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


def reporting_units(actor: Any, task: Task) -> list[Organisation]:
    """The task's units the actor may report for."""
    units = [*task.lead_units.all(), *task.co_units.all()]
    return [unit for unit in dict.fromkeys(units) if _report_region(actor, unit) is not None]


def _report_region(actor: Any, organisation: Organisation) -> str | None:
    if in_scope(actor, organisation.region_code):
        return organisation.region_code
    code = scope_code(actor)
    if organisation.is_collective and code and within(code, organisation.region_code):
        return code
    return None


def report_progress(
    *,
    actor: Any,
    task: Task,
    organisation: Organisation | None,
    reported_on: date,
    percent: int,
    text: str,
    attachment: UploadedFile | None = None,
) -> ProgressReport:
    require_manage(actor)
    if not text.strip():
        raise GovernanceError("text", "required", _("进展情况：必填"))
    if not 0 <= percent <= 100:
        raise GovernanceError(
            "percent", "percent_range", _("完成进度应为0–100：%(percent)s") % {"percent": percent}
        )
    if reported_on > today_local():
        raise GovernanceError("reported_on", "date_future", _("报告日期不能晚于今天"))
    if attachment is not None and attachment.size and attachment.size > MAX_ATTACHMENT_BYTES:
        raise GovernanceError("attachment", "too_large", _("附件不能超过 20 MB"))
    has_units = task.lead_units.exists() or task.co_units.exists()
    region: str | None
    if organisation is None:
        if has_units:
            raise GovernanceError("organisation", "required", _("报告单位：必填"))
        region = _own_region(actor, task.task_list)
    else:
        if not (
            task.lead_units.filter(pk=organisation.pk).exists()
            or task.co_units.filter(pk=organisation.pk).exists()
        ):
            raise GovernanceError(
                "organisation",
                "unit_not_responsible",
                _("%(unit)s 不是该任务的责任单位") % {"unit": organisation.name},
            )
        region = _report_region(actor, organisation)
        if region is None:
            raise GovernanceError(
                "organisation",
                "unit_out_of_scope",
                _("您不能代表 %(unit)s 报告进展") % {"unit": organisation.name},
            )
    with transaction.atomic():
        locked = Task.objects.select_for_update().get(pk=task.pk)
        report = ProgressReport.objects.create(
            task=locked,
            organisation=organisation,
            region_code=region,
            reported_on=reported_on,
            percent=percent,
            text=text.strip(),
            attachment=attachment or "",
            reported_by=actor,
        )
        refresh_task(locked)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=report,
            region_code=region,
            detail={"task": locked.pk, "percent": percent},
        )
    task.refresh_from_db()
    return report


def _own_region(actor: Any, task_list: TaskList) -> str:
    """The region a report on a task without units is for: the actor's, inside the list's."""
    code = scope_code(actor)
    if code is None:
        raise GovernanceError("", "region_out_of_scope", _("您没有管辖区域"))
    if code == "" or within(task_list.region_code, code):
        return task_list.region_code
    if within(code, task_list.region_code):
        return code
    raise GovernanceError("", "region_out_of_scope", _("该任务清单不在您的管辖范围内"))


def refresh_task(task: Task) -> None:
    """Percent, status and dates from the task's reports (the task row is locked)."""
    reports = list(task.reports.order_by("reported_on", "id"))
    lead = set(task.lead_units.values_list("pk", flat=True))
    counted = [r for r in reports if not lead or r.organisation_id in lead]
    latest = counted[-1] if counted else (reports[-1] if reports else None)
    task.last_reported_on = reports[-1].reported_on if reports else None
    task.percent = latest.percent if latest is not None else 0
    if counted and counted[-1].percent == 100:
        task.status = TaskStatus.COMPLETED
        task.completed_on = counted[-1].reported_on
    else:
        task.status = TaskStatus.IN_PROGRESS if reports else TaskStatus.NOT_STARTED
        task.completed_on = None
    task.save(update_fields=["last_reported_on", "percent", "status", "completed_on"])


# --- supervision --------------------------------------------------------------------------------


def record_supervision(
    *,
    actor: Any,
    region_code: str,
    level: str,
    held_on: date,
    title: str,
    summary: str = "",
    task_list: TaskList | None = None,
    findings: list[tuple[str, date | None]] = (),  # type: ignore[assignment]
) -> SupervisionRound:
    require_manage(actor)
    region = clean_region(actor, region_code)
    if level not in SupervisionLevel.values:
        raise GovernanceError(
            "level", "choice_unknown", _("督查层级无法识别：%(level)s") % {"level": level}
        )
    if held_on > today_local():
        raise GovernanceError("held_on", "date_future", _("督查日期不能晚于今天"))
    if not title.strip():
        raise GovernanceError("title", "required", _("名称：必填"))
    if task_list is not None and not (
        within(region, task_list.region_code) or within(task_list.region_code, region)
    ):
        raise GovernanceError("task_list", "list_other_region", _("任务清单不属于被督查区划"))
    for text, due in findings:
        if due is not None and due < held_on:
            raise GovernanceError(
                "findings", "due_before_round", _("整改期限早于督查日期：%(text)s") % {"text": text}
            )
    with transaction.atomic():
        round_ = SupervisionRound.objects.create(
            region_code=region,
            level=level,
            held_on=held_on,
            title=title.strip(),
            summary=summary.strip(),
            task_list=task_list,
            created_by=actor,
        )
        for text, due in findings:
            if text.strip():
                SupervisionFinding.objects.create(
                    round=round_, text=text.strip(), rectification_due_on=due
                )
        record(actor=actor, action=AuditAction.CREATE, obj=round_, region_code=region)
    return round_


def add_finding(
    *,
    actor: Any,
    round_: SupervisionRound,
    text: str,
    rectification_due_on: date | None,
    task: Task | None = None,
) -> SupervisionFinding:
    require_manage(actor)
    if not in_scope(actor, round_.region_code):
        raise GovernanceError("", "region_out_of_scope", _("该督查不在您的管辖范围内"))
    if not text.strip():
        raise GovernanceError("text", "required", _("发现的问题：必填"))
    if rectification_due_on is not None and rectification_due_on < round_.held_on:
        raise GovernanceError("rectification_due_on", "due_before_round", _("整改期限早于督查日期"))
    with transaction.atomic():
        finding = SupervisionFinding.objects.create(
            round=round_, task=task, text=text.strip(), rectification_due_on=rectification_due_on
        )
        record(actor=actor, action=AuditAction.CREATE, obj=finding, region_code=round_.region_code)
    return finding


def rectify_finding(
    *, actor: Any, finding: SupervisionFinding, rectified_on: date, note: str
) -> SupervisionFinding:
    require_manage(actor)
    if not in_scope(actor, finding.round.region_code):
        raise GovernanceError("", "region_out_of_scope", _("该督查不在您的管辖范围内"))
    if not note.strip():
        raise GovernanceError("rectification_note", "required", _("整改情况：必填"))
    if rectified_on > today_local():
        raise GovernanceError("rectified_on", "date_future", _("整改完成日期不能晚于今天"))
    if rectified_on < finding.round.held_on:
        raise GovernanceError("rectified_on", "date_before_round", _("整改完成日期早于督查日期"))
    with transaction.atomic():
        locked = SupervisionFinding.objects.select_for_update().get(pk=finding.pk)
        if locked.rectified_on is not None:
            raise GovernanceError("", "already_rectified", _("该问题已整改完成"))
        locked.rectified_on = rectified_on
        locked.rectification_note = note.strip()
        locked.save(update_fields=["rectified_on", "rectification_note"])
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            region_code=locked.round.region_code,
            changes={"rectified_on": [None, rectified_on]},
        )
    return locked
