"""In a real browser: a county manager enters an expenditure with a scanned voucher on a phone-sized
screen, then opens the execution page and sees the chart drawn (ECharts served locally)."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from eldercare.accounts.models import Role
from eldercare.funds.models import Expenditure, Voucher
from tests.e2e.conftest import browser_context_args, browser_type_launch_args
from tests.funds.conftest import Books

__all__ = ["browser_context_args", "browser_type_launch_args"]
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_enter_an_expenditure_and_see_the_execution_chart(
    books: Books, live_server: Any, page: Page, tmp_path: Path
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", Role.COUNTY_ADMIN)
    page.fill("input[name=password]", "test-pass-2026")
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/registry/")

    page.goto(f"{live_server.url}/funds/allocations/{books.allocation.pk}/")
    form = page.get_by_test_id("spend-form")
    form.locator("input[name=amount_yuan]").fill("1,500")
    form.locator("input[name=spent_on]").fill(date(2020, 5, 10).isoformat())
    form.locator("input[name=payee]").fill("朝阳街道养老服务站")
    form.locator("input[name=purpose]").fill("助餐补贴")
    form.locator("input[name=voucher_no]").fill("记-0099")
    voucher = tmp_path / "凭证.png"
    voucher.write_bytes(PNG)
    form.locator("input[name=vouchers]").set_input_files(str(voucher))
    form.locator("button[type=submit]").click()
    expect(page.locator(".message")).to_contain_text("支出已登记")
    expect(page.get_by_test_id("spent")).to_have_text("¥1,500.00")
    assert Expenditure.objects.get().voucher_no == "记-0099"
    assert Voucher.objects.count() == 1

    page.goto(f"{live_server.url}/funds/?on=2020-06-30&kind=central")
    expect(page.get_by_test_id("rate")).to_have_text("15.00%")
    expect(page.locator("#funds-chart canvas")).to_have_count(1)
