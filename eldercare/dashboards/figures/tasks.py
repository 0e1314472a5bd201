"""Progress of the task lists a region works under: completed, in progress, not started and
overdue tasks per list. Live: the lists hold hundreds of rows, not millions.

A region works under its own lists, those of the regions below it, and those of the regions above
it (the city's list and the national table are the frame a county works in) — the lists
governance shows an official of that region.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eldercare.accounts.access import Action
from eldercare.dashboards.charts import ChartKind, FigureData, Point, Series
from eldercare.dashboards.figures.base import Figure, FigureContext, list_url
from eldercare.governance.indicators.computed import in_region
from eldercare.governance.models import TaskList, TaskStatus
from eldercare.regions.codes import ancestor_codes

OVERDUE = "overdue"


def _lists_of(region_code: str) -> Q:
    if region_code == "":
        return Q()
    return in_region("region_code", region_code) | Q(
        region_code__in=["", *ancestor_codes(region_code)]
    )


def build_tasks(context: FigureContext) -> FigureData:
    today = context.today
    # Positive conditions only: a negated condition on the joined rows would become a subquery.
    open_tasks = Q(tasks__status__in=(TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS))
    late = open_tasks & Q(tasks__due_on__lt=today)
    on_time = open_tasks & (Q(tasks__due_on__isnull=True) | Q(tasks__due_on__gte=today))
    task_lists = list(
        TaskList.objects.filter(_lists_of(context.region_code))
        .annotate(
            completed=Count("tasks", filter=Q(tasks__status=TaskStatus.COMPLETED)),
            in_progress=Count("tasks", filter=on_time & Q(tasks__status=TaskStatus.IN_PROGRESS)),
            not_started=Count("tasks", filter=on_time & Q(tasks__status=TaskStatus.NOT_STARTED)),
            overdue=Count("tasks", filter=late),
        )
        .order_by("region_code", "key")
    )
    attention = list_url("governance:attention", {})
    columns = (
        ("completed", TaskStatus.COMPLETED.label),
        ("in_progress", TaskStatus.IN_PROGRESS.label),
        ("not_started", TaskStatus.NOT_STARTED.label),
        (OVERDUE, _("已逾期")),
    )
    series = []
    for column, label in columns:
        points = []
        for task_list in task_lists:
            url = (
                attention
                if column == OVERDUE
                else list_url("governance:task_list", {}, task_list.pk)
            )
            points.append(Point(getattr(task_list, column), url))
        series.append(Series(str(label), tuple(points)))
    return FigureData(
        categories=tuple(task_list.title for task_list in task_lists),
        series=tuple(series),
        note=gettext("逾期：未完成且已过到期日；到期日当天仍在期限内。"),
        empty_text=gettext("该区划及上级尚未载入任务清单"),
    )


FIGURES = [
    Figure(
        key="task_progress",
        title=_("任务清单推进情况"),
        kind=ChartKind.STACKED_BAR,
        build=build_tasks,
        drill_action=Action.VIEW_GOVERNANCE,
    )
]
