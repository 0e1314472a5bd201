"""The facility-planning map in a real browser with no tile server: facilities, villages and
township outlines are drawn on the plain background, and clicking an uncovered village shows
its name and its distance to the nearest facility."""

import os
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from eldercare.accounts.models import Role
from tests.conftest import World
from tests.planning.builders import NEW_VILLAGE, build_located, point

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "var/e2e"))

COUNT_LAYERS = """map => {
  const counts = {markers: 0, outlines: 0, circles: 0};
  map.eachLayer(layer => {
    if (layer instanceof L.Polygon) counts.outlines += 1;
    else if (layer instanceof L.CircleMarker && !(layer instanceof L.Circle)) counts.markers += 1;
    else if (layer instanceof L.Circle) counts.circles += 1;
  });
  return counts;
}"""


# No basemap configured, and one configured whose server cannot be reached.
UNREACHABLE = "127.0.0.1:9"


@pytest.mark.parametrize("tile_url", ["", f"http://{UNREACHABLE}/{{z}}/{{x}}/{{y}}.png"])
def test_map_without_basemap_and_uncovered_village_popup(
    world: World, live_server: Any, page: Page, settings: Any, tile_url: str
) -> None:
    settings.MAP_TILE_URL = tile_url
    w = build_located(world).world
    point(NEW_VILLAGE, Decimal("26.425"), Decimal("111.62"))  # a third point: an outline
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    page.set_viewport_size({"width": 412, "height": 860})  # a phone
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", Role.COUNTY_ADMIN)
    page.fill("input[name=password]", "test-pass-2026")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/planning/map/?region={w.county_a}")

    element = page.get_by_test_id("planning-map")
    expect(element).to_have_attribute("data-loaded", "true")
    expect(element).to_have_attribute("data-basemap", "none")
    assert "no-basemap" in (element.get_attribute("class") or "")
    counts = page.evaluate(f"({COUNT_LAYERS})(window.planningMap)")
    # one facility + four villages; one township outline; one service circle
    assert counts == {"markers": 5, "outlines": 1, "circles": 1}
    expect(page.locator(".leaflet-control-scale")).to_be_visible()

    # Click the uncovered rural village where the map draws it.
    x, y = page.evaluate(
        "([lat, lng]) => { const p = window.planningMap.latLngToContainerPoint([lat, lng]);"
        " return [p.x, p.y]; }",
        [26.5, 111.7],
    )
    box = element.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + x, box["y"] + y)
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("何仙观村委会：未覆盖，距最近设施")
    expect(popup).to_contain_text("超出服务半径 1200 米")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = "planning-map-unreachable-tiles.png" if tile_url else "planning-map.png"
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
    assert hosts - {UNREACHABLE} == {urlparse(live_server.url).netloc}
