"""A dashboard figure as a domain app contributes it, and the registry that collects them.

An app lists its figures in a module-level sequence named in settings.DASHBOARD_FIGURES (one
dotted path per app, like settings.DOMAIN_INDICATORS). A figure either pre-aggregates (`collect`:
counts per village, run by the refresh; `build` then reads the rolled-up counts of the region) or
is cheap enough to compute live (`collect` is None; `build` queries its own tables).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from eldercare.accounts.access import Action
from eldercare.dashboards.charts import ChartKind, FigureData

StrOrPromise = str | Promise
# (village code, count key, n): one grouped query's rows, summed per village by the refresh.
CountRow = tuple[str, str, int]


@dataclass(frozen=True)
class FigureContext:
    region_code: str  # "" for the whole country
    as_of: date | None  # the day of the counts (None: no refresh has run yet)
    today: date
    counts: Mapping[str, int] = field(default_factory=dict)  # this figure's, for the region

    def count(self, key: str) -> int:
        return int(self.counts.get(key, 0))

    def region_query(self) -> dict[str, str]:
        """The ?region= of a drill-down list (none for the whole country)."""
        return {"region": self.region_code} if self.region_code else {}


@dataclass(frozen=True)
class Figure:
    key: str
    title: StrOrPromise
    kind: ChartKind
    build: Callable[[FigureContext], FigureData]
    # Who may follow the drill-down links (the lists behind the figure have their own access).
    drill_action: Action
    collect: Callable[[date], Iterable[CountRow]] | None = None
    description: StrOrPromise = ""

    @property
    def is_live(self) -> bool:
        return self.collect is None


@dataclass(frozen=True)
class Slot:
    """A place on the dashboard kept for a figure another app will register under `key`."""

    key: str
    title: StrOrPromise
    app_name: StrOrPromise


# The dashboard's order; figures not named here follow in the order they are registered.
LAYOUT = (
    "population_pyramid",
    "special_categories",
    "capability_levels",
    "services_delivered",
    "alarms",
    "subsidy_credits",
    "indicator_targets",
    "task_progress",
    "fund_execution",
)
SLOTS = (
    Slot("services_delivered", _("服务开展情况"), _("服务订单")),
    Slot("alarms", _("紧急呼叫与告警"), _("紧急呼叫")),
    Slot("fund_execution", _("资金执行进度"), _("资金管理")),
)
DEFAULT_FIGURES = [
    "eldercare.dashboards.figures.population.FIGURES",
    "eldercare.dashboards.figures.capability.FIGURES",
    "eldercare.dashboards.figures.subsidies.FIGURES",
    "eldercare.dashboards.figures.indicators.FIGURES",
    "eldercare.dashboards.figures.tasks.FIGURES",
]


def figure_paths() -> list[str]:
    return list(getattr(settings, "DASHBOARD_FIGURES", DEFAULT_FIGURES))


@cache
def registered_figures() -> tuple[Figure, ...]:
    """Every registered figure in layout order; a duplicate key is a configuration error."""
    found: dict[str, Figure] = {}
    for path in figure_paths():
        figures: Sequence[Any] = import_string(path)
        for figure in figures:
            if not isinstance(figure, Figure):
                raise ImproperlyConfigured(f"{path}: {figure!r} 不是看板图表（Figure）")
            if figure.key in found:
                raise ImproperlyConfigured(f"{path}: 图表 {figure.key} 已由其他模块登记")
            found[figure.key] = figure
    order = {key: index for index, key in enumerate(LAYOUT)}
    return tuple(sorted(found.values(), key=lambda f: order.get(f.key, len(LAYOUT))))


def open_slots() -> list[Slot]:
    taken = {figure.key for figure in registered_figures()}
    return [slot for slot in SLOTS if slot.key not in taken]


def list_url(name: str, query: Mapping[str, str | int], *args: Any) -> str:
    """A drill-down link: a named page with its list filter in the query string."""
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url
