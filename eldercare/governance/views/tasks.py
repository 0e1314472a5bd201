"""Task lists: overview with status counts, a list's tasks, a task with its progress timeline and
the report form, and the overdue and stale tasks."""

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.access import Action, can, requires
from eldercare.governance import queries
from eldercare.governance.errors import GovernanceError
from eldercare.governance.forms import ReportForm, StaleForm
from eldercare.governance.models import Task
from eldercare.governance.services.common import today_local
from eldercare.governance.services.tasks import report_progress, reporting_units
from eldercare.governance.views.common import form_error


@requires(Action.VIEW_GOVERNANCE)
def home(request: HttpRequest) -> HttpResponse:
    today = today_local()
    task_lists = list(queries.visible_task_lists(request.user).order_by("region_code", "key"))
    rows = [
        {"task_list": task_list, "counts": queries.status_counts(task_list.tasks.all(), today)}
        for task_list in task_lists
    ]
    return render(
        request,
        "governance/home.html",
        {
            "rows": rows,
            "sheets": queries.visible_sheets(request.user).order_by("region_code", "key"),
            "runs": queries.visible_runs(request.user)[:10],
            "today": today,
        },
    )


def _sections(tasks: list[Task]) -> list[dict[str, Any]]:
    sections: list[dict[str, Any]] = []
    for task in tasks:
        if not sections or sections[-1]["position"] != task.section_position:
            sections.append({"name": task.section, "position": task.section_position, "tasks": []})
        sections[-1]["tasks"].append(task)
    return sections


@requires(Action.VIEW_GOVERNANCE)
def task_list(request: HttpRequest, pk: int) -> HttpResponse:
    current = queries.get_task_list_or_404(request.user, pk)
    today = today_local()
    tasks = list(current.tasks.prefetch_related("lead_units", "co_units").order_by("position"))
    overdue_ids = set(queries.overdue(current.tasks.all(), today).values_list("pk", flat=True))
    for task in tasks:
        task.is_overdue = task.pk in overdue_ids  # type: ignore[attr-defined]
    return render(
        request,
        "governance/task_list.html",
        {
            "task_list": current,
            "sections": _sections(tasks),
            "counts": queries.status_counts(current.tasks.all(), today),
            "columns": current.columns,
            "today": today,
        },
    )


def _report_form(
    request: HttpRequest, task: Task, data: Any = None, files: Any = None
) -> ReportForm:
    units = reporting_units(request.user, task)
    return ReportForm(
        data,
        files,
        units=units,
        initial={"reported_on": today_local(), "percent": task.percent},
    )


@requires(Action.VIEW_GOVERNANCE)
def task_detail(request: HttpRequest, pk: int, form: ReportForm | None = None) -> HttpResponse:
    task = queries.get_task_or_404(request.user, pk)
    can_report = can(request.user, Action.MANAGE_GOVERNANCE)
    return render(
        request,
        "governance/task_detail.html",
        {
            "task": task,
            "task_list": task.task_list,
            "columns": task.task_list.columns,
            "reports": queries.visible_reports(request.user, task),
            "findings": task.findings.select_related("round").filter(
                round__in=queries.visible_rounds(request.user)
            ),
            "targets": task.targets.all(),
            "is_overdue": queries.is_overdue(task, today_local()),
            "form": (form or _report_form(request, task)) if can_report else None,
        },
        status=400 if form is not None else 200,
    )


@require_POST
@requires(Action.MANAGE_GOVERNANCE)
def task_report(request: HttpRequest, pk: int) -> HttpResponseBase:
    task = queries.get_task_or_404(request.user, pk)
    form = _report_form(request, task, request.POST, request.FILES)
    if not form.is_valid():
        return task_detail(request, pk, form=form)
    data = form.cleaned_data
    try:
        report_progress(
            actor=request.user,
            task=task,
            organisation=data["organisation"],
            reported_on=data["reported_on"],
            percent=data["percent"],
            text=data["text"],
            attachment=data["attachment"],
        )
    except GovernanceError as error:
        form_error(form, error)
        return task_detail(request, pk, form=form)
    messages.success(request, _("进展已报告"))
    return redirect("governance:task", pk=task.pk)


@requires(Action.VIEW_GOVERNANCE)
def attention(request: HttpRequest) -> HttpResponse:
    form = StaleForm(request.GET)
    days = (
        form.cleaned_data.get("days") if form.is_valid() else None
    ) or queries.DEFAULT_STALE_DAYS
    today = today_local()
    tasks = queries.visible_tasks(request.user).select_related("task_list")
    return render(
        request,
        "governance/attention.html",
        {
            "overdue": queries.overdue(tasks, today).order_by("due_on", "task_list", "position"),
            "stale": queries.stale(tasks, today, days).order_by(
                "last_reported_on", "task_list", "position"
            ),
            "days": days,
            "form": form,
            "today": today,
        },
    )


@requires(Action.VIEW_GOVERNANCE)
def report_attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    report = queries.get_report_or_404(request.user, pk)
    if not report.attachment:
        raise Http404("没有附件")
    return FileResponse(
        report.attachment.open("rb"),
        as_attachment=True,
        filename=(report.attachment.name or "").rsplit("/", 1)[-1],
    )
