"""The public directory in a real browser, with no login and no tile server: search by region
and service, see the provider with its price, and the map still shows the facility points."""

from datetime import date
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from eldercare.providers.models import Facility, ProviderArea, ProviderPrice
from tests.providers.builders import item, provider

pytestmark = pytest.mark.django_db(transaction=True)


def test_search_directory_and_map_without_tiles(
    world: Any, live_server: Any, page: Page, settings: Any
) -> None:
    cache.clear()
    # A tile server that cannot be reached: the map must fall back to its plain background.
    settings.MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"
    meal = item("ZC-001", "助餐·送餐上门")
    bath = item("ZY-001", "助浴·上门助浴", category="bath", unit="visit")
    chosen = provider(
        world.county_a, areas=(world.township_a,), name="多福颐养服务中心", brand="福寿康"
    )
    ProviderPrice.objects.create(
        provider=chosen, item=meal, price_fen=1250, effective_from=date(2025, 1, 1)
    )
    elsewhere = provider(world.county_b, name="梅湾助浴服务社")
    ProviderArea.objects.filter(provider=elsewhere).update(region_code=world.township_b)
    ProviderPrice.objects.create(
        provider=elsewhere, item=bath, price_fen=4000, effective_from=date(2025, 1, 1)
    )
    for number, (lat, lng) in enumerate([(26.42, 111.61), (26.43, 111.62), (26.41, 111.63)]):
        facility = Facility.objects.create(
            region_code=world.village_a,
            name=f"多福助餐点{number + 1}",
            kind="meal_point",
            operation_mode="public_built_private_run",
            operator=chosen,
            latitude=lat,
            longitude=lng,
        )
        facility.services.add(meal)

    page.goto(f"{live_server.url}/providers/directory/")
    page.get_by_test_id("region").select_option(world.township_a)
    page.get_by_test_id("item").select_option("ZC-001")
    page.click("button:has-text('查询')")

    card = page.get_by_test_id("provider")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("多福颐养服务中心")
    expect(card.get_by_test_id("price")).to_have_text("¥12.50")
    expect(page.get_by_test_id("facility")).to_have_count(3)
    expect(page.locator("text=梅湾助浴服务社")).to_have_count(0)

    map_element = page.get_by_test_id("map")
    expect(map_element).to_have_attribute("data-basemap", "none", timeout=15000)
    drawn = page.evaluate(
        """() => Object.values(window.directoryMap._layers).reduce((n, layer) => {
            if (layer instanceof L.CircleMarker) { n.points += 1; }
            else if (layer instanceof L.Polygon) { n.outlines += 1; }
            return n;
        }, {points: 0, outlines: 0})"""
    )
    assert drawn == {"points": 3, "outlines": 1}
    expect(map_element.locator("canvas")).to_have_count(1)
