"""What a user may see of governance records, through accounts.access.

Task lists, scoring sheets and targets are visible in the user's subtree and above it (the city's
list and the national table are the frame a county works in); progress reports and supervision
findings of other regions below those are not. Runs, manual scores and manual indicator values
are strictly in scope. Everything out of sight is a 404.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from eldercare.accounts.access import get_scoped_or_404, scope_code, scoped
from eldercare.governance.models import (
    ProgressReport,
    ScoringRun,
    ScoringSheet,
    ScoringSubItem,
    SupervisionFinding,
    SupervisionRound,
    Task,
    TaskList,
    TaskStatus,
)
from eldercare.regions.codes import Level, RegionCodeError, ancestor_codes, level_of

ModelT = TypeVar("ModelT", bound=models.Model)

# Seed 003: the city supervises every half year, a county every quarter.
SUPERVISION_INTERVAL_MONTHS = {"city": 6, "county": 3}
DEFAULT_STALE_DAYS = 30


def _above(user: Any) -> list[str]:
    """The national code "" and the codes above the user's region (not their own)."""
    code = scope_code(user)
    if not code:
        return []
    try:
        return ["", *ancestor_codes(code)[:-1]]
    except RegionCodeError:
        return []


def _visible_with_ancestors(user: Any, queryset: QuerySet[ModelT]) -> QuerySet[ModelT]:
    code = scope_code(user)
    if code is None:
        return queryset.none()
    own = scoped(user, queryset)
    if code == "":
        return own
    field = getattr(queryset.model, "scope_field")  # noqa: B009
    return queryset.filter(Q(pk__in=own.values("pk")) | Q(**{f"{field}__in": _above(user)}))


def _get_or_404(queryset: QuerySet[ModelT], **lookup: Any) -> ModelT:
    """For querysets already limited by `_visible_with_ancestors` (get_scoped_or_404 would cut
    the regions above the user away again)."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError) as error:
        raise Http404("记录不存在") from error


def visible_task_lists(user: Any) -> QuerySet[TaskList]:
    return _visible_with_ancestors(user, TaskList.objects.all())


def get_task_list_or_404(user: Any, pk: int) -> TaskList:
    return _get_or_404(visible_task_lists(user), pk=pk)


def visible_tasks(user: Any) -> QuerySet[Task]:
    return Task.objects.filter(task_list__in=visible_task_lists(user))


def get_task_or_404(user: Any, pk: int) -> Task:
    return _get_or_404(visible_tasks(user).select_related("task_list"), pk=pk)


def visible_reports(user: Any, task: Task) -> QuerySet[ProgressReport]:
    """The task's reports from the user's subtree and from the regions above it."""
    return _visible_with_ancestors(user, task.reports.all()).select_related(
        "organisation", "reported_by"
    )


def visible_sheets(user: Any) -> QuerySet[ScoringSheet]:
    return _visible_with_ancestors(user, ScoringSheet.objects.all())


def get_sheet_or_404(user: Any, pk: int) -> ScoringSheet:
    return _get_or_404(visible_sheets(user), pk=pk)


def visible_runs(user: Any) -> QuerySet[ScoringRun]:
    return scoped(user, ScoringRun.objects.select_related("sheet"))


def get_run_or_404(user: Any, pk: int) -> ScoringRun:
    return get_scoped_or_404(user, ScoringRun.objects.select_related("sheet"), pk=pk)


def visible_rounds(user: Any) -> QuerySet[SupervisionRound]:
    return scoped(user, SupervisionRound.objects.select_related("task_list"))


def get_round_or_404(user: Any, pk: int) -> SupervisionRound:
    return get_scoped_or_404(user, SupervisionRound.objects.select_related("task_list"), pk=pk)


def status_counts(tasks: QuerySet[Task], today: date) -> dict[str, int]:
    """Tasks by status, plus how many open ones are past their due date."""
    counts = dict.fromkeys(TaskStatus.values, 0)
    for row in tasks.order_by().values("status").annotate(n=models.Count("id")):
        counts[row["status"]] = row["n"]
    counts["overdue"] = overdue(tasks, today).count()
    counts["total"] = sum(counts[status] for status in TaskStatus.values)
    return counts


def overdue(tasks: QuerySet[Task], today: date) -> QuerySet[Task]:
    """Open tasks whose due date has passed (the due date itself is still in time)."""
    return tasks.exclude(status=TaskStatus.COMPLETED).filter(due_on__lt=today)


def is_overdue(task: Task, today: date) -> bool:
    """The same rule as `overdue`, for one task in hand."""
    return task.status != TaskStatus.COMPLETED and task.due_on is not None and task.due_on < today


def stale(tasks: QuerySet[Task], today: date, days: int) -> QuerySet[Task]:
    """Open tasks with no progress report in the last `days` days (or none at all)."""
    since = today - timedelta(days=days)
    return tasks.exclude(status=TaskStatus.COMPLETED).filter(
        Q(last_reported_on__isnull=True) | Q(last_reported_on__lt=since)
    )


def get_finding_or_404(user: Any, pk: int) -> SupervisionFinding:
    return get_scoped_or_404(user, SupervisionFinding.objects.select_related("round"), pk=pk)


def overdue_findings(user: Any, today: date) -> QuerySet[SupervisionFinding]:
    """Findings whose rectification deadline has passed without a rectification."""
    return (
        scoped(user, SupervisionFinding.objects.select_related("round"))
        .filter(rectified_on__isnull=True, rectification_due_on__lt=today)
        .order_by("rectification_due_on", "id")
    )


@dataclass(frozen=True)
class ScheduleRow:
    region_code: str
    level: str
    interval_months: int
    last_held_on: date | None
    next_due_on: date | None  # None: never supervised, due now

    def is_due(self, today: date) -> bool:
        return self.next_due_on is None or self.next_due_on < today


def supervision_schedule(user: Any, today: date) -> list[ScheduleRow]:
    """For each city or county in scope that has a task list: its last round at its own level and
    when the next is due (half-yearly for a city, quarterly for a county, seed 003 task 2)."""
    code = scope_code(user)
    if code is None:
        return []
    regions = sorted(
        set(
            scoped(user, TaskList.objects.exclude(region_code="")).values_list(
                "region_code", flat=True
            )
        )
    )
    rows = []
    for region in regions:
        try:
            region_level = level_of(region)
        except RegionCodeError:
            continue
        if region_level not in (Level.CITY, Level.COUNTY):
            continue
        level = "city" if region_level == Level.CITY else "county"
        months = SUPERVISION_INTERVAL_MONTHS[level]
        last = (
            SupervisionRound.objects.filter(region_code=region, level=level)
            .order_by("-held_on")
            .values_list("held_on", flat=True)
            .first()
        )
        rows.append(
            ScheduleRow(region, level, months, last, add_months(last, months) if last else None)
        )
    return rows


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def sub_item_of(sheet: ScoringSheet, key: str) -> ScoringSubItem | None:
    """A sub-item of a sheet the caller has already found visible."""
    return ScoringSubItem.objects.filter(item__sheet=sheet, key=key).select_related("item").first()


def get_report_or_404(user: Any, pk: int) -> ProgressReport:
    """A report the user may see: on a visible task, from their subtree or from above it."""
    reports = ProgressReport.objects.filter(task__task_list__in=visible_task_lists(user))
    return _get_or_404(_visible_with_ancestors(user, reports), pk=pk)
