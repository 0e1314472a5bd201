"""A region's dashboard for a user: every registered figure built from the latest refresh's
counts of that region (or live), the open slots, and the regions to move to.

The region must lie in the user's scope; anything else, like a region that does not exist, is a
404. Counts are read through accounts.access.scoped, so the scope is applied here as everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from eldercare.accounts.access import Action, can, in_scope, require, scope_code, scoped
from eldercare.dashboards.charts import ChartKind, FigureData
from eldercare.dashboards.figures.base import (
    Figure,
    FigureContext,
    StrOrPromise,
    open_slots,
    registered_figures,
)
from eldercare.dashboards.models import Refresh, RegionCounts
from eldercare.dashboards.services.refresh import latest_refresh
from eldercare.regions.codes import ancestor_codes
from eldercare.regions.models import Region
from eldercare.regions.services import region_names


@dataclass(frozen=True)
class Panel:
    key: str
    title: StrOrPromise
    kind: ChartKind | None  # None: a slot no app fills yet
    is_live: bool
    data: FigureData | None  # None: nothing to show (see `message`)
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": str(self.title),
            "kind": self.kind.value if self.kind else None,
            "live": self.is_live,
            "message": self.message,
            "data": self.data.as_dict() if self.data is not None else None,
        }


@dataclass(frozen=True)
class Board:
    region_code: str
    region_name: str
    as_of: date | None
    refreshed_at: datetime | None
    panels: list[Panel]
    trail: list[tuple[str, str]]  # from the user's own region down to this one
    children: list[tuple[str, str]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "region": self.region_code,
            "region_name": self.region_name,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "refreshed_at": self.refreshed_at.isoformat() if self.refreshed_at else None,
            "children": [{"code": code, "name": name} for code, name in self.children],
            "figures": [panel.as_dict() for panel in self.panels],
        }


def build_board(user: Any, region_code: str) -> Board:
    require(user, Action.VIEW_DASHBOARD)
    refresh = latest_refresh()
    counts = _region_counts(user, refresh, region_code)
    today = timezone.localdate()
    panels = [
        _panel(user, figure, region_code, refresh, counts, today) for figure in registered_figures()
    ]
    panels += [
        Panel(
            slot.key,
            slot.title,
            None,
            is_live=False,
            data=None,
            message=gettext("待“%(app)s”模块接入后显示。") % {"app": slot.app_name},
        )
        for slot in open_slots()
    ]
    return Board(
        region_code=region_code,
        region_name=_name(region_code),
        as_of=refresh.as_of if refresh else None,
        refreshed_at=refresh.finished_at if refresh else None,
        panels=panels,
        trail=_trail(user, region_code),
        children=_children(region_code),
    )


def _region_counts(user: Any, refresh: Refresh | None, region_code: str) -> dict[str, Any]:
    if refresh is None:
        return {}
    row = scoped(
        user, RegionCounts.objects.filter(refresh=refresh, region_code=region_code)
    ).first()
    # No row: nobody registered in the region on the refresh day, so every count is 0.
    return row.counts if row is not None else {}


def _panel(
    user: Any,
    figure: Figure,
    region_code: str,
    refresh: Refresh | None,
    counts: dict[str, Any],
    today: date,
) -> Panel:
    if not figure.is_live and refresh is None:
        return Panel(
            figure.key,
            figure.title,
            figure.kind,
            is_live=False,
            data=None,
            message=gettext("尚未生成统计数据：请等待每日统计或运行 refresh-dashboard。"),
        )
    context = FigureContext(
        region_code=region_code,
        as_of=refresh.as_of if refresh else None,
        today=today,
        counts=counts.get(figure.key, {}),
    )
    data = figure.build(context)
    if not can(user, figure.drill_action):
        data = data.without_links()
    return Panel(figure.key, figure.title, figure.kind, is_live=figure.is_live, data=data)


def _name(region_code: str) -> str:
    if region_code == "":
        return gettext("全国")
    return region_names([region_code]).get(region_code, region_code)


def _trail(user: Any, region_code: str) -> list[tuple[str, str]]:
    own = scope_code(user) or ""
    codes = [""] if own == "" else []
    if region_code:
        codes += [code for code in ancestor_codes(region_code) if in_scope(user, code)]
    names = region_names(code for code in codes if code)
    return [(code, names.get(code, code) if code else gettext("全国")) for code in codes]


def _children(region_code: str) -> list[tuple[str, str]]:
    return list(
        Region.objects.current()
        .filter(parent_code=region_code)
        .order_by("code")
        .values_list("code", "name")
    )
