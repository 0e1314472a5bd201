"""The dashboard's "资金执行进度" figure (settings.DASHBOARD_FIGURES): per fund kind, the money the
region has received and spent by today and the execution rate, as the execution page computes
them (execution.py); each bar opens that page for the region and kind. Live: a region holds a
few dozen sources and allocations, not millions of rows."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eldercare.accounts.access import Action
from eldercare.core.money import format_fen
from eldercare.dashboards.charts import ChartKind, FigureData, Point, Series
from eldercare.dashboards.figures.base import Figure, FigureContext, list_url
from eldercare.funds import execution


def build_execution(context: FigureContext) -> FigureData:
    rows = execution.progress_by_kind(context.region_code, context.today)
    received, spent, rates = [], [], []
    for kind, _label, found in rows:
        url = list_url(
            "funds:home", {**context.region_query(), "kind": kind, "on": context.today.isoformat()}
        )
        received.append(
            Point(found.received_fen / 100, url, format_fen(found.received_fen, grouped=True))
        )
        spent.append(Point(found.spent_fen / 100, url, format_fen(found.spent_fen, grouped=True)))
        rate = found.rate
        rates.append(
            Point(None, url) if rate is None else Point(float(rate * 100), url, f"{rate:.1%}")
        )
    total = execution.progress(context.region_code, context.today)
    note = (
        gettext("截至 %(day)s：到位 %(received)s 元，已支出 %(spent)s 元，执行进度 %(rate)s。")
        % {
            "day": context.today.isoformat(),
            "received": format_fen(total.received_fen, grouped=True),
            "spent": format_fen(total.spent_fen, grouped=True),
            "rate": "—" if total.rate is None else f"{total.rate:.1%}",
        }
        if rows
        else ""
    )
    return FigureData(
        tuple(label for _kind, label, _found in rows),
        (
            Series(gettext("到位资金（元）"), tuple(received)),
            Series(gettext("累计支出（元）"), tuple(spent)),
            Series(gettext("执行进度"), tuple(rates), plotted=False),
        ),
        note=note,
        empty_text="" if rows else gettext("尚无试点资金到位"),
    )


FIGURES = [
    Figure("fund_execution", _("资金执行进度"), ChartKind.BAR, build_execution, Action.VIEW_FUNDS),
]
