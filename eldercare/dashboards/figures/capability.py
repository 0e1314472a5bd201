"""Capability levels of the active register: residents per current level, per standard.

The same counts as the assessment statistics page (assessment/statistics.py): a resident counts
under the standard and level of their current assessment; the two scales are not converted into
each other, so each standard is its own bar.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eldercare.accounts.access import Action
from eldercare.assessment.models import Standard
from eldercare.assessment.scoring import LEVEL_NAMES
from eldercare.dashboards.charts import ChartKind, FigureData, Point, Series
from eldercare.dashboards.figures.base import CountRow, Figure, FigureContext, list_url
from eldercare.registry.choices import ResidentStatus
from eldercare.registry.models import Resident

RESIDENTS = "residents"
ASSESSED = "assessed"
LEVEL_COUNT = max(len(names) for names in LEVEL_NAMES.values())


def _level_key(standard: str, level: int) -> str:
    return f"{standard}:{level}"


def collect_levels(on: date) -> Iterator[CountRow]:
    """Current assessments of active residents; `on` is not used: only the current one is kept."""
    aggregates = {
        RESIDENTS: Count("pk"),
        ASSESSED: Count("pk", filter=Q(current_assessment__isnull=False)),
        **{
            _level_key(standard, level): Count(
                "pk",
                filter=Q(current_assessment__standard=standard, current_assessment__level=level),
            )
            for standard in Standard.values
            for level in range(len(LEVEL_NAMES[standard]))
        },
    }
    grouped = (
        Resident.objects.filter(status=ResidentStatus.ACTIVE)
        .order_by()
        .values("region_code")
        .annotate(**aggregates)
    )
    for row in grouped:
        values: dict[str, Any] = dict(row)
        for key in aggregates:
            yield values["region_code"], key, values[key]


def build_levels(context: FigureContext) -> FigureData:
    url = list_url("assessment:statistics", context.region_query())
    widest = max(LEVEL_NAMES.values(), key=len)
    series = []
    for level in range(LEVEL_COUNT):
        points = []
        for standard in Standard.values:
            if level < len(LEVEL_NAMES[standard]):
                points.append(Point(context.count(_level_key(standard, level)), url))
            else:  # this standard has no such level: not zero, nothing
                points.append(Point(None))
        series.append(Series(gettext(widest[level]), tuple(points)))
    residents, assessed = context.count(RESIDENTS), context.count(ASSESSED)
    share = f"{assessed / residents * 100:.1f}%" if residents else "—"
    return FigureData(
        categories=tuple(str(label) for label in Standard.labels),
        series=tuple(series),
        note=gettext("在册 %(residents)s 人，已有有效评估 %(assessed)s 人（%(share)s）。")
        % {"residents": f"{residents:,}", "assessed": f"{assessed:,}", "share": share},
        empty_text=gettext("该区划尚无能力评估结果"),
    )


FIGURES = [
    Figure(
        key="capability_levels",
        title=_("老年人能力等级（现行评估结果）"),
        kind=ChartKind.STACKED_BAR,
        build=build_levels,
        collect=collect_levels,
        drill_action=Action.VIEW_ASSESSMENTS,
    )
]
