"""The dashboard's "紧急呼叫与告警" figure (settings.DASHBOARD_FIGURES): alarms of the last 30 days
by kind, split into still open / acknowledged / closed. Live: alarms are few compared with the
register, and a supervisor wants today's open ones, not last night's refresh."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eldercare.accounts.access import Action
from eldercare.alarms.models import Alarm, AlarmStatus, EventKind
from eldercare.alarms.statistics import alarms_in
from eldercare.dashboards.charts import ChartKind, FigureData, Point, Series
from eldercare.dashboards.figures.base import Figure, FigureContext
from eldercare.governance.indicators.computed import in_region

DAYS = 30


def build_alarms(context: FigureContext) -> FigureData:
    alarms = alarms_in(
        Alarm.objects.filter(in_region("region_code", context.region_code)),
        context.today - timedelta(days=DAYS - 1),
        context.today,
    )
    counts = {
        (row["kind"], row["status"]): row["n"]
        for row in alarms.values("kind", "status").annotate(n=Count("pk"))
    }
    kinds = [kind for kind in EventKind if any(key[0] == kind for key in counts)]
    listing = reverse("alarms:list")
    series = tuple(
        Series(
            str(status.label),
            tuple(
                Point(counts.get((kind, status), 0), f"{listing}?{urlencode({'status': status})}")
                for kind in kinds
            ),
        )
        for status in AlarmStatus
    )
    return FigureData(
        tuple(str(kind.label) for kind in kinds),
        series,
        note=gettext("近 %(days)s 天") % {"days": DAYS},
        empty_text="" if kinds else gettext("近 %(days)s 天没有报警") % {"days": DAYS},
    )


FIGURES = [
    Figure("alarms", _("紧急呼叫与告警"), ChartKind.STACKED_BAR, build_alarms, Action.VIEW_ALARMS),
]
