"""Order → dispatch → check-in → check-out → rating → statement in a real browser: a village worker
books cleaning for a resident, the provider's manager accepts and dispatches to the proposed
caregiver, the caregiver checks in and out on a phone-sized screen with the browser's GPS, the
worker records the resident's rating, and the county settles the provider's month."""

import os
from datetime import time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from eldercare.orders.models import Order, Statement
from eldercare.providers.models import StaffAvailability
from tests.orders.conftest import HOME, build_shop

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "var/e2e"))


def log_in(page: Page, live_server: Any, username: str) -> None:
    # Straight to the orders: provider-side logins have no registry landing page.
    page.goto(f"{live_server.url}/accounts/login/?next=/orders/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "test-pass-2026")
    page.click("button[type=submit]")
    expect(page.locator("header button:has-text('退出')")).to_be_visible()


def log_out(page: Page) -> None:
    page.click("header button:has-text('退出')")
    expect(page.locator("input[name=username]")).to_be_visible()


def test_order_to_statement(
    world: Any, live_server: Any, page: Page, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    shop = build_shop(world, clock=None)
    # Real time in the browser: the caregivers work around the clock so the visit is "now".
    StaffAvailability.objects.update(starts_at=time(0), ends_at=time(23, 59))
    now = timezone.localtime()
    end_of_day = now.replace(hour=23, minute=59, second=0, microsecond=0)
    if end_of_day - now < timedelta(minutes=20):
        pytest.skip("too close to midnight for a visit window today")
    start, end = now - timedelta(minutes=5), min(now + timedelta(minutes=60), end_of_day)

    log_in(page, live_server, "village_worker")
    page.goto(f"{live_server.url}/orders/new/?resident={shop.resident.pk}")
    form = page.get_by_test_id("order-form")
    form.locator("select[name=provider]").select_option(str(shop.provider.pk))
    form.locator("select[name=item]").select_option(shop.cleaning.code)
    form.locator("input[name=starts_at]").fill(start.strftime("%Y-%m-%dT%H:%M"))
    form.locator("input[name=ends_at]").fill(end.strftime("%Y-%m-%dT%H:%M"))
    form.locator("input[name=address]").fill("多福社区 3 栋 201")
    form.locator("input[name=latitude]").fill(str(HOME[0]))
    form.locator("input[name=longitude]").fill(str(HOME[1]))
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("status")).to_have_text("待接单")
    order = Order.objects.get()
    log_out(page)

    log_in(page, live_server, "provider_manager")
    page.goto(f"{live_server.url}/orders/")
    page.click(f"a:has-text('{order.number}')")
    page.click("button:has-text('接单')")
    expect(page.get_by_test_id("status")).to_have_text("已接单")
    page.click("a:has-text('派单')")
    proposals = page.get_by_test_id("proposals")
    expect(proposals.locator("tbody tr").first).to_contain_text("李护理")
    proposals.locator("tbody tr").first.locator("button").click()
    expect(page.get_by_test_id("status")).to_have_text("已派单")
    expect(page.get_by_test_id("caregiver")).to_have_text("李护理")
    log_out(page)

    page.set_viewport_size({"width": 390, "height": 844})
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": float(HOME[0]), "longitude": float(HOME[1])})
    log_in(page, live_server, "caregiver")
    page.goto(f"{live_server.url}/orders/today/")
    visit = page.get_by_test_id(f"visit-{order.number}")
    visit.locator("button:has-text('到达签到')").click()
    expect(page.locator(".message")).to_contain_text("已签到")
    visit = page.get_by_test_id(f"visit-{order.number}")
    visit.locator("textarea[name=work_done]").fill("打扫客厅、厨房，倒垃圾")
    page.screenshot(path=str(SCREENSHOTS / "order-caregiver-phone.png"), full_page=True)
    visit.locator("button:has-text('完成签退')").click()
    expect(page.locator(".message")).to_contain_text("已签退")
    order.refresh_from_db()
    assert order.status == "completed"
    assert order.check_in_distance_m == 0  # the browser's GPS reached the server
    log_out(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    log_in(page, live_server, "village_worker")
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    rate = page.get_by_test_id("rate")
    rate.locator("select[name=rating]").select_option("5")
    rate.locator("input[name=comment]").fill("老人很满意")
    rate.locator("button[type=submit]").click()
    expect(page.get_by_test_id("status")).to_have_text("已评价")
    expect(page.get_by_test_id("rating")).to_contain_text("5/5")
    log_out(page)

    log_in(page, live_server, "county_admin")
    page.goto(f"{live_server.url}/orders/statements/")
    page.locator("select[name=provider]").select_option(str(shop.provider.pk))
    page.locator("input[name=month]").fill(now.strftime("%Y-%m"))
    page.click("button:has-text('生成/重算结算单')")
    expect(page.get_by_test_id("statement-count")).to_have_text("1")
    page.click("button:has-text('确认结算单')")
    expect(page.get_by_test_id("statement-status")).to_have_text("已确认")
    with page.expect_download() as download:
        page.click("a:has-text('导出 Excel')")
    assert download.value.suggested_filename.endswith(".xlsx")
    page.screenshot(path=str(SCREENSHOTS / "order-statement.png"), full_page=True)
    assert Statement.objects.get().status == "confirmed"
