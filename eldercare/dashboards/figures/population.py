"""Registry figures: the 60+ population pyramid and the special categories (特殊困难 …).

Both count the active register (在册) — what the registry list shows by default — judged on the
refresh day, so a bar's count equals the length of the list it links to on that day.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eldercare.accounts.access import Action
from eldercare.dashboards.bands import AGE_BANDS, AgeBand
from eldercare.dashboards.charts import ChartKind, FigureData, Point, Series
from eldercare.dashboards.figures.base import CountRow, Figure, FigureContext, list_url
from eldercare.registry.choices import CATEGORY_LABELS, ResidentStatus, Sex
from eldercare.registry.models import Resident
from eldercare.registry.queries import category_q
from eldercare.registry.rules import birth_date_limit
from eldercare.registry.statistics import DASHBOARD_CATEGORIES

TOTAL = "total"


def band_q(band: AgeBand, on: date) -> Q:
    """The registry list's age_min/age_max filter for the band, on `on`."""
    condition = Q(birth_date__lte=birth_date_limit(band.low, on))
    if band.high is not None:
        condition &= Q(birth_date__gte=birth_date_limit(band.high + 1, on) + timedelta(days=1))
    return condition


def _pyramid_key(sex: str, band: AgeBand) -> str:
    return f"{sex}:{band.key}"


def _rows(aggregates: dict[str, Count]) -> Iterator[CountRow]:
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


def collect_pyramid(on: date) -> Iterator[CountRow]:
    aggregates = {
        _pyramid_key(sex, band): Count("id", filter=Q(sex=sex) & band_q(band, on))
        for sex in Sex.values
        for band in AGE_BANDS
    }
    return _rows(aggregates)


def build_pyramid(context: FigureContext) -> FigureData:
    def point(sex: str, band: AgeBand) -> Point:
        query: dict[str, str | int] = {**context.region_query(), "sex": sex, "age_min": band.low}
        if band.high is not None:
            query["age_max"] = band.high
        return Point(context.count(_pyramid_key(sex, band)), list_url("registry:list", query))

    return FigureData(
        categories=tuple(_band_label(band) for band in AGE_BANDS),
        series=tuple(
            Series(str(label), tuple(point(sex, band) for band in AGE_BANDS))
            for sex, label in Sex.choices
        ),
        empty_text=gettext("该区划没有在册老年人"),
    )


def _band_label(band: AgeBand) -> str:
    if band.high is None:
        return gettext("%(low)s岁及以上") % {"low": band.low}
    return gettext("%(low)s–%(high)s岁") % {"low": band.low, "high": band.high}


def collect_categories(on: date) -> Iterator[CountRow]:
    aggregates = {
        TOTAL: Count("id"),
        **{c.value: Count("id", filter=category_q(c, on)) for c in DASHBOARD_CATEGORIES},
    }
    return _rows(aggregates)


def build_categories(context: FigureContext) -> FigureData:
    points = tuple(
        Point(
            context.count(c.value),
            list_url("registry:list", {**context.region_query(), "category": c.value}),
        )
        for c in DASHBOARD_CATEGORIES
    )
    return FigureData(
        categories=tuple(str(CATEGORY_LABELS[c]) for c in DASHBOARD_CATEGORIES),
        series=(Series(gettext("人数"), points),),
        note=gettext("在册老年人共 %(total)s 人；一人可属多个类别。")
        % {"total": f"{context.count(TOTAL):,}"},
        empty_text=gettext("该区划没有在册老年人"),
    )


FIGURES = [
    Figure(
        key="population_pyramid",
        title=_("老年人口金字塔（60岁及以上，按五岁年龄组和性别）"),
        kind=ChartKind.PYRAMID,
        build=build_pyramid,
        collect=collect_pyramid,
        drill_action=Action.VIEW_REGISTRY,
    ),
    Figure(
        key="special_categories",
        title=_("特殊困难等重点老年人"),
        kind=ChartKind.BAR,
        build=build_categories,
        collect=collect_categories,
        drill_action=Action.VIEW_REGISTRY,
    ),
]
