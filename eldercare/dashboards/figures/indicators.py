"""Indicators against their targets: for each indicator a loaded list or sheet sets a target for
the region (or a region above it), the value, the target that is due next and the gap.

Registry indicators with a target are pre-aggregated per village (numerator and denominator add
up over a subtree); one whose target was loaded after the last refresh, and every manual or
domain indicator, is read live through governance/indicators/values.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eldercare.accounts.access import Action
from eldercare.dashboards.charts import ChartKind, FigureData, Point, Series
from eldercare.dashboards.figures.base import CountRow, Figure, FigureContext, list_url
from eldercare.governance.indicators.computed import REGISTRY_INDICATORS, share
from eldercare.governance.indicators.values import indicator_value
from eldercare.governance.models import IndicatorTarget
from eldercare.governance.rules.indicator_catalogue import CATALOGUE
from eldercare.governance.templatetags.governance_tags import indicator as format_value
from eldercare.regions.codes import ancestor_codes

COLLECTED = "collected"


def collect_indicators(on: date) -> Iterator[CountRow]:
    targeted = set(IndicatorTarget.objects.values_list("code", flat=True).distinct())
    for code in sorted(targeted & set(REGISTRY_INDICATORS)):
        indicator = REGISTRY_INDICATORS[code]
        grouped = (
            indicator.residents("", on)
            .order_by()
            .values("region_code")
            .annotate(total=Count("id"), hits=Count("id", filter=indicator.numerator(on)))
        )
        for row in grouped:
            yield row["region_code"], f"{code}:num", row["hits"]
            yield row["region_code"], f"{code}:den", row["total"]
            yield row["region_code"], f"{code}:{COLLECTED}", 1


def _value(context: FigureContext, code: str, on: date) -> Decimal | None:
    if code in REGISTRY_INDICATORS and context.count(f"{code}:{COLLECTED}"):
        hits, total = context.count(f"{code}:num"), context.count(f"{code}:den")
        return Decimal(hits) if not CATALOGUE[code].is_share else share(hits, total)
    value = indicator_value(code, context.region_code, on)
    return None if value is None else value.value


def _due_target(targets: list[IndicatorTarget], on: date) -> IndicatorTarget:
    """The first target not yet past its date, else the last one (ordered by due date)."""
    for target in targets:
        if target.due_on is None or target.due_on >= on:
            return target
    return targets[-1]


def targets_by_code(region_code: str) -> dict[str, list[IndicatorTarget]]:
    """governance's applicable_targets for every indicator at once (one query, same order)."""
    regions = ["", *ancestor_codes(region_code)] if region_code else [""]
    found: dict[str, list[IndicatorTarget]] = {}
    for target in IndicatorTarget.objects.filter(region_code__in=regions).order_by(
        "code", "due_on", "value", "id"
    ):
        found.setdefault(target.code, []).append(target)
    return found


def build_indicators(context: FigureContext) -> FigureData:
    on = context.as_of or context.today
    names, reached, values, goals, gaps = [], [], [], [], []
    by_code = targets_by_code(context.region_code)
    for code, definition in CATALOGUE.items():
        targets = by_code.get(code)
        if not targets:
            continue
        target = _due_target(targets, on)
        value = _value(context, code, on)
        url = list_url(
            "governance:indicator", {**context.region_query(), "on": on.isoformat()}, code
        )
        is_share = definition.is_share
        names.append(definition.name)
        values.append(Point(_number(value), url, format_value(value, is_share)))
        bound = "≤" if target.is_upper_bound else "≥"
        due = f"（{target.due_on:%Y-%m-%d}）" if target.due_on else ""
        goals.append(
            Point(_number(target.value), url, f"{bound}{format_value(target.value, is_share)}{due}")
        )
        if value is None:
            reached.append(Point(None, url))
            gaps.append(Point(None, url))
            continue
        gap = target.value - value if target.is_upper_bound else value - target.value
        ratio = _ratio(value, target)
        reached.append(Point(ratio, url, "—" if ratio is None else f"{ratio:.1f}%"))
        gaps.append(
            Point(
                _number(gap),
                url,
                gettext("达到")
                if gap >= 0
                else gettext("差 %(gap)s") % {"gap": format_value(-gap, is_share)},
            )
        )
    return FigureData(
        categories=tuple(names),
        series=(
            Series(gettext("目标达成率（%）"), tuple(reached)),
            Series(gettext("当前值"), tuple(values), plotted=False),
            Series(gettext("目标"), tuple(goals), plotted=False),
            Series(gettext("差距"), tuple(gaps), plotted=False),
        ),
        note=gettext("目标取自已载入的任务清单和考核表，取最近一个未到期的目标。"),
        empty_text=gettext("该区划及上级尚未载入指标目标"),
    )


def _ratio(value: Decimal, target: IndicatorTarget) -> float | None:
    """How much of the target is reached, in percent (for an upper bound: target ÷ value)."""
    if target.is_upper_bound:
        return 100.0 if value <= 0 else float(target.value / value * 100)
    if target.value <= 0:
        return 100.0
    return float(value / target.value * 100)


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


FIGURES = [
    Figure(
        key="indicator_targets",
        title=_("指标与目标差距"),
        kind=ChartKind.TARGETS,
        build=build_indicators,
        collect=collect_indicators,
        drill_action=Action.VIEW_GOVERNANCE,
    )
]
