"""A village worker on a phone-sized screen opens their overdue list, logs a home visit, and the
resident leaves the list once the week's requirement is met. The county requires one home visit
a week here, so the test does not depend on which weekday it runs."""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from eldercare.accounts.models import Role
from eldercare.carevisits import services
from eldercare.carevisits.models import CareContact
from tests.carevisits.builders import key_resident, sign

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "var/e2e"))
PHONE = {"width": 390, "height": 844}


def test_village_worker_logs_a_visit_on_a_phone(world: Any, live_server: Any, page: Page) -> None:
    services.set_policy(
        actor=world.user(Role.COUNTY_ADMIN),
        region_code=world.county_a,
        key_rule={"arrangements": ["living_alone"], "difficulties": ["very_old"]},
        min_contacts=1,
        min_visits=1,
    )
    resident = key_resident(world.village_a, "陈奶奶")
    sign(world, resident, starts_on=timezone.localdate() - timedelta(days=14))

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", Role.VILLAGE_WORKER)
    page.fill("input[name=password]", "test-pass-2026")
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/registry/")

    page.goto(f"{live_server.url}/care-visits/mine/")
    row = page.get_by_test_id("overdue-row").filter(has_text="陈奶奶")
    expect(row).to_contain_text("上门 1 次")
    row.get_by_role("link", name="登记").click()

    form = page.get_by_test_id("contact-form")
    expect(form).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_label("上门走访").check()
    page.select_option("select[name=health]", "fair")
    page.fill("textarea[name=findings]", "老人腿脚不便，冰箱里有菜")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "care-visit-log-phone.png"), full_page=True)
    page.get_by_test_id("save-contact").click()

    expect(page.locator(".message")).to_contain_text("已登记")
    expect(page.get_by_test_id("overdue-empty")).to_be_visible()
    expect(page.get_by_test_id("overdue-row")).to_have_count(0)
    stored = CareContact.objects.get()
    assert (stored.resident, stored.kind, stored.health) == (resident, "home_visit", "fair")
