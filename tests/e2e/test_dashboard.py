"""The leadership dashboard in a real browser: a county administrator opens it, sees the 60+
pyramid drawn by ECharts, clicks a bar and lands on the registry list filtered by that region,
sex and age band, with as many rows as the bar counts."""

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from eldercare.accounts.models import Role
from eldercare.dashboards.models import RefreshReason
from eldercare.dashboards.services.refresh import refresh_counts
from eldercare.registry.rules import birth_date_limit
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "var/e2e"))
WOMEN = 1  # series index: men left of the axis, women right
BAND_70_74 = 2  # category index of 70–74


def test_pyramid_bar_drills_down_to_the_filtered_register(
    world: Any, live_server: Any, page: Page
) -> None:
    today = timezone.localdate()
    for name, village, age in (
        ("王秀英", world.village_a, 70),
        ("李桂兰", world.village_a2, 72),
        ("张玉梅", world.village_a_other, 74),
    ):
        factories.resident(village, name=name, sex="F", birth=birth_date_limit(age, today))
    factories.resident(world.village_a, name="赵建国", sex="M", birth=birth_date_limit(71, today))
    factories.resident(world.village_a, name="刘淑珍", sex="F", birth=birth_date_limit(75, today))
    factories.resident(world.village_b, name="陈美华", sex="F", birth=birth_date_limit(73, today))
    refresh_counts(reason=RefreshReason.COMMAND)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", Role.COUNTY_ADMIN)
    page.fill("input[name=password]", "test-pass-2026")
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/registry/")
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.locator("h1")).to_contain_text("零陵区")
    expect(page.get_by_test_id("as-of")).to_contain_text(f"统计截至 {today:%Y-%m-%d}")
    chart = page.locator("#chart-population_pyramid")
    expect(chart.locator("svg")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)
    # A full-page screenshot resizes the viewport and back, and the charts redraw on "resize":
    # two animation frames later those handlers have run and the bars are where ECharts says.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")

    # The middle of the bar "women, 70–74" (3 residents of county A), from ECharts' own layout.
    x, y = page.evaluate(
        """([series, category]) => {
            const chart = echarts.getInstanceByDom(
                document.getElementById("chart-population_pyramid"));
            const value = chart.getOption().series[series].data[category].value;
            return chart.convertToPixel({seriesIndex: series}, [value / 2, category]);
        }""",
        [WOMEN, BAND_70_74],
    )
    box = chart.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + x, box["y"] + y)

    page.wait_for_url("**/registry/residents/**")
    query = parse_qs(urlsplit(page.url).query)
    assert query == {
        "region": [world.county_a],
        "sex": ["F"],
        "age_min": ["70"],
        "age_max": ["74"],
    }
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(3)
    for name in ("王秀英", "李桂兰", "张玉梅"):
        expect(page.locator("table tbody")).to_contain_text(name)
