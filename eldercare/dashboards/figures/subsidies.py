"""Subsidy credits of the refresh day's month: how many credits and how much, per subsidy kind.

The same rows as the entitlements credit list for the month (monthly and one-off credits, by the
resident account's kind), so a bar's count equals the length of the list it links to.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import Count, Sum
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eldercare.accounts.access import Action
from eldercare.core.money import format_fen
from eldercare.dashboards.charts import ChartKind, FigureData, Point, Series
from eldercare.dashboards.figures.base import CountRow, Figure, FigureContext, list_url
from eldercare.entitlements.models import CREDIT_CAUSES, CreditKind, Transfer


def collect_credits(on: date) -> Iterator[CountRow]:
    grouped = (
        Transfer.objects.filter(cause__in=CREDIT_CAUSES, month=on.replace(day=1))
        .order_by()
        .values("region_code", "payee__credit_kind")
        .annotate(n=Count("id"), fen=Sum("amount_fen"))
    )
    for row in grouped:
        kind = row["payee__credit_kind"] or ""
        yield row["region_code"], f"{kind}:count", row["n"]
        yield row["region_code"], f"{kind}:fen", int(row["fen"] or 0)


def build_credits(context: FigureContext) -> FigureData:
    day = context.as_of or context.today
    month = f"{day:%Y-%m}"
    counts, amounts = [], []
    for kind in CreditKind.values:
        url = list_url(
            "entitlements:credits", {**context.region_query(), "month": month, "kind": kind}
        )
        counts.append(Point(context.count(f"{kind}:count"), url))
        fen = context.count(f"{kind}:fen")
        amounts.append(Point(fen / 100, url, format_fen(fen, grouped=True)))
    return FigureData(
        categories=tuple(str(label) for label in CreditKind.labels),
        series=(
            Series(gettext("发放笔数"), tuple(counts)),
            Series(gettext("发放金额（元）"), tuple(amounts), plotted=False),
        ),
        note=gettext("%(month)s 月补贴入账（月度发放和一次性发放）。") % {"month": month},
        empty_text=gettext("本月尚无补贴入账"),
    )


FIGURES = [
    Figure(
        key="subsidy_credits",
        title=_("本月补贴发放"),
        kind=ChartKind.BAR,
        build=build_credits,
        collect=collect_credits,
        drill_action=Action.VIEW_ENTITLEMENTS,
    )
]
