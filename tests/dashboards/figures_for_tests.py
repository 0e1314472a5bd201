"""Figures registered through settings.DASHBOARD_FIGURES in tests (not test modules themselves)."""

from collections.abc import Iterator
from datetime import date

from eldercare.accounts.access import Action
from eldercare.dashboards.charts import ChartKind, FigureData, Point, Series
from eldercare.dashboards.figures.base import CountRow, Figure, FigureContext


def _fail(on: date) -> Iterator[CountRow]:
    raise RuntimeError("统计失败：测试用")


def _alarms(context: FigureContext) -> FigureData:
    return FigureData(("未处理",), (Series("告警", (Point(context.count("open"), "/alarms/"),)),))


def _alarm_rows(on: date) -> Iterator[CountRow]:
    yield "431102001001", "open", 3
    yield "431102001002", "open", 4


def _nothing(context: FigureContext) -> FigureData:
    return FigureData((), ())


BROKEN = [Figure("broken", "坏", ChartKind.BAR, _nothing, Action.VIEW_REGISTRY, collect=_fail)]
ALARMS = [Figure("alarms", "告警", ChartKind.BAR, _alarms, Action.VIEW_ALARMS, collect=_alarm_rows)]
DUPLICATE = [*ALARMS, *ALARMS]
NOT_A_FIGURE = ["alarms"]
