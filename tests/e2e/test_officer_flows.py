"""An officer in a real browser: log in, search, open, reveal, import a sheet, export."""

import os
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from eldercare.accounts.models import Role
from eldercare.core.models import AuditEvent
from eldercare.registry.models import ImportJob, Resident
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "var/e2e"))


def log_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "test-pass-2026")
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/registry/")


def test_officer_searches_by_initials_opens_and_reveals(world, live_server, page: Page) -> None:
    resident = factories.resident(
        world.village_a, name="张三", phones=("13812345678",), living_arrangement="alone"
    )
    factories.resident(world.village_b, name="张五")
    log_in(page, live_server, Role.COUNTY_ADMIN)
    expect(page.get_by_test_id("total")).to_have_text("1")
    page.click("text=老年人名册")
    page.fill("input[name=q]", "zs")
    page.click("button:has-text('查询')")
    expect(page.locator("table")).to_contain_text("张三")
    expect(page.locator("table")).not_to_contain_text("张五")
    page.click("a:has-text('张三')")
    expect(page.get_by_test_id("id-number")).to_contain_text("********")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "resident-detail.png"), full_page=True)
    page.click("button:has-text('查看完整号码')")
    expect(page.get_by_test_id("id-number")).to_have_text(resident.id_number)
    assert (
        AuditEvent.objects.filter(action="view_unmasked", object_id=str(resident.pk)).count() == 1
    )


def test_import_preview_then_confirm_from_the_page(
    world, live_server, page: Page, tmp_path, monkeypatch
) -> None:
    from django_q.conf import Conf

    # The page enqueues the job; here the task runs inline (the real worker has its own test).
    monkeypatch.setattr(Conf, "SYNC", True)
    sheet = tmp_path / "筛查摸底表.csv"
    good = factories.id_number(date(1950, 3, 5), sex="M")
    sheet.write_text(
        "姓名,公民身份号码,所属区划代码,居住状况,服务需求,筛查日期\n"
        f"王五,{good},{world.village_a},独居,助餐、助医,2026年11月1日\n"
        f"赵六,110105194912310021,{world.village_a},空巢,,\n",
        encoding="utf-8-sig",
    )
    log_in(page, live_server, Role.TOWNSHIP_WORKER)
    page.goto(f"{live_server.url}/registry/import/")
    page.set_input_files("input[name=file]", str(sheet))
    page.check("input[name=is_valid_only]")
    page.click("button:has-text('上传并预检')")
    expect(page.get_by_test_id("result")).to_contain_text("错误 1")
    expect(page.locator("table")).to_contain_text("校验码错误：应为X")
    assert Resident.objects.count() == 0
    page.screenshot(path=str(SCREENSHOTS / "import-preview.png"), full_page=True)
    page.click("button:has-text('确认导入')")
    expect(page.get_by_test_id("result")).to_contain_text("新增 1")
    assert list(Resident.objects.values_list("name", flat=True)) == ["王五"]
    assert ImportJob.objects.count() == 2
    with page.expect_download() as download:
        page.click("text=下载错误报告")
    assert download.value.suggested_filename.endswith(".xlsx")


def test_language_switch_to_english(world, live_server, page: Page) -> None:
    log_in(page, live_server, Role.COUNTY_ADMIN)
    page.select_option("select[name=language]", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.screenshot(path=str(SCREENSHOTS / "dashboard-en.png"), full_page=True)
