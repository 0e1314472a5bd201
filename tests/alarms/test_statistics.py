"""The emergency-help coverage indicator and the statistics on a small world, exact values."""

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from eldercare.accounts.models import Role
from eldercare.alarms import services
from eldercare.alarms.indicators import INDICATORS, emergency_help_coverage
from eldercare.alarms.models import Alarm, Device
from eldercare.alarms.rules.figures import median, percentile
from eldercare.alarms.services.ingestion import EventIn, ingest_event
from eldercare.alarms.statistics import coverage_by_region, response_figures
from tests import factories
from tests.alarms.helpers import install

ON = date(2026, 11, 29)


def person(world: Any, village: str, name: str, **facts: Any) -> Any:
    return factories.resident(
        village, name=name, birth=facts.pop("birth", date(1950, 1, 1)), **facts
    )


@pytest.fixture
def on_the_day() -> Iterator[None]:
    """Devices are installed "today": today must be ON, whenever the suite runs."""
    with time_machine.travel(datetime(2026, 11, 29, 10, tzinfo=ZoneInfo("Asia/Shanghai"))):
        yield


def test_coverage_counts_key_elderly_with_an_installed_device(world: Any, on_the_day: None) -> None:
    alone = person(world, world.village_a, "独居甲", living_arrangement="alone")
    nest_poor = person(
        world, world.village_a, "空巢低保", living_arrangement="empty_nest", economic_status="dibao"
    )
    nest_old = person(
        world, world.village_a2, "空巢高龄", living_arrangement="empty_nest", birth=date(1940, 1, 1)
    )
    person(world, world.village_a, "空巢一般", living_arrangement="empty_nest")  # not key
    person(
        world, world.village_a, "同住", living_arrangement="with_children", economic_status="dibao"
    )
    gone = person(
        world,
        world.village_a,
        "已故独居",
        living_arrangement="alone",
        status="deceased",
        status_date=date(2026, 1, 1),
    )
    person(world, world.village_a_other, "水口山独居", living_arrangement="alone")
    person(world, world.village_b, "冷水滩独居", living_arrangement="alone")
    install(world, alone, serial="SN-S1")
    late = install(world, nest_old, serial="SN-S2").device
    Device.objects.filter(pk=late.pk).update(installed_on=ON + timedelta(days=1))
    install(world, nest_poor, serial="SN-S3")
    assert gone and "emergency_help_coverage" in INDICATORS

    value = emergency_help_coverage(world.county_a, ON)
    # key: 独居甲, 空巢低保, 空巢高龄, 水口山独居 = 4; covered on ON: 独居甲, 空巢低保 = 2
    assert (value.numerator, value.denominator, value.value) == (
        Decimal(2),
        Decimal(4),
        Decimal("0.5000"),
    )
    assert emergency_help_coverage(world.village_a2, ON).value == Decimal(0)
    assert emergency_help_coverage(world.village_a2, ON + timedelta(days=1)).value == Decimal(1)
    assert emergency_help_coverage(world.county_b, ON).value == Decimal(0)
    assert emergency_help_coverage("431102101201", ON).denominator == Decimal(1)

    rows = coverage_by_region(world.county_a, ON)
    assert [(r.code, r.key_elderly, r.covered) for r in rows] == [
        (world.county_a, 4, 2),
        (world.township_a, 3, 2),
        (world.township_a_other, 1, 0),
    ]


def test_no_key_elderly_is_no_value(world: Any) -> None:
    assert emergency_help_coverage(world.county_b, ON).value is None


def test_response_times(world: Any) -> None:
    home = install(
        world, person(world, world.village_a, "甲", living_arrangement="alone"), serial="SN-S9"
    )
    operator = world.user(Role.VILLAGE_WORKER)
    t0 = datetime(2026, 11, 29, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    for n, (ack, close) in enumerate([(30, 600), (60, None), (90, 1200), (None, None)]):
        outcome = ingest_event(home.device, EventIn(f"e{n}", "sos", None, None, None, None), t0)
        alarm = Alarm.objects.get(pk=outcome.alarm_id)
        if ack:
            services.acknowledge(actor=operator, alarm=alarm, now=t0 + timedelta(seconds=ack))
        if close:
            services.close(
                actor=operator,
                alarm=alarm,
                outcome="handled_at_home",
                now=t0 + timedelta(seconds=close),
            )
    figures = response_figures(Alarm.objects.all())
    assert (figures.count, figures.acknowledged, figures.closed) == (4, 3, 2)
    assert (figures.ack_median, figures.ack_p90) == (60, 90)
    assert (figures.close_median, figures.close_p90) == (900, 1200)


def test_percentiles() -> None:
    assert median([]) is None and percentile([], 0.9) is None
    assert median([3, 1, 2]) == 2 and median([4, 1, 2, 3]) == 2.5
    assert percentile(list(range(1, 11)), 0.9) == 9 and percentile([5], 0.9) == 5


def test_dashboard_figure_counts_the_last_30_days_by_kind_and_status(world: Any) -> None:
    from django.utils import timezone

    from eldercare.alarms.figures import FIGURES
    from eldercare.dashboards.figures.base import FigureContext

    home = install(
        world, person(world, world.village_a, "甲", living_arrangement="alone"), serial="SN-F"
    )
    now = timezone.now()
    for n, kind in enumerate(["sos", "sos", "fall"]):
        ingest_event(home.device, EventIn(f"f{n}", kind, None, None, None, None), now)
    ingest_event(
        home.device, EventIn("old", "gas", None, None, None, None), now - timedelta(days=40)
    )
    alarm = Alarm.objects.get(event_id="f0")
    services.close(actor=world.user(Role.VILLAGE_WORKER), alarm=alarm, outcome="false_alarm")
    (figure,) = FIGURES
    data = figure.build(FigureContext(world.county_a, None, timezone.localdate()))
    assert data.categories == ("一键呼救", "跌倒")
    assert {s.name: [p.value for p in s.points] for s in data.series} == {
        "待响应": [1, 1],
        "已响应": [0, 0],
        "已结案": [1, 0],
    }
    empty = figure.build(FigureContext(world.county_b, None, timezone.localdate()))
    assert empty.categories == () and empty.empty_text
