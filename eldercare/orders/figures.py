"""The dashboard's "服务开展情况" figure (settings.DASHBOARD_FIGURES): service orders of the last
30 days (by service day) in the region, per service category, split by status. Live: it reads
the same rows as the order list, so every bar links to that list filtered by region, category,
status and the same days, and the two always agree."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eldercare.accounts.access import Action
from eldercare.catalogue.models import ServiceCategory
from eldercare.dashboards.charts import ChartKind, FigureData, Point, Series
from eldercare.dashboards.figures.base import Figure, FigureContext, list_url
from eldercare.orders.models import Order, OrderStatus
from eldercare.regions.codes import subtree_range

DAYS = 30


def build_services(context: FigureContext) -> FigureData:
    first = context.today - timedelta(days=DAYS - 1)
    zone = timezone.get_current_timezone()
    orders = Order.objects.filter(
        starts_at__gte=datetime.combine(first, time.min, tzinfo=zone),
        starts_at__lt=datetime.combine(context.today + timedelta(days=1), time.min, tzinfo=zone),
    )
    if context.region_code:
        low, high = subtree_range(context.region_code)
        orders = orders.filter(region_code__gte=low, region_code__lte=high)
    counts = {
        (row["item__category"], row["status"]): row["n"]
        for row in orders.order_by().values("item__category", "status").annotate(n=Count("pk"))
    }
    categories = [c for c in ServiceCategory if any(key[0] == c for key in counts)]
    statuses = [s for s in OrderStatus if any(key[1] == s for key in counts)]
    period = {"date_from": first.isoformat(), "date_to": context.today.isoformat()}

    def point(category: str, status: str) -> Point:
        query = {**context.region_query(), **period, "category": category, "status": status}
        return Point(counts.get((category, status), 0), list_url("orders:list", query))

    return FigureData(
        tuple(str(category.label) for category in categories),
        tuple(
            Series(str(status.label), tuple(point(category, status) for category in categories))
            for status in statuses
        ),
        note=gettext("近 %(days)s 天（按服务日期）的服务订单，共 %(total)s 单。")
        % {"days": DAYS, "total": sum(counts.values())},
        empty_text="" if counts else gettext("近 %(days)s 天没有服务订单") % {"days": DAYS},
    )


FIGURES = [
    Figure(
        "services_delivered",
        _("服务开展情况"),
        ChartKind.STACKED_BAR,
        build_services,
        Action.VIEW_ORDERS,
    ),
]
