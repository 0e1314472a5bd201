"""Apply → review → approve in a real browser: a village worker applies for a resident with a
document, the village, township and county reviewers (separate logins) approve in turn, the
applicant side sees "已批准" on the resident page and the public status page, and the grant exists
when the entitlements service is there."""

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from eldercare.accounts.models import Role
from eldercare.applications.models import Application, ApplicationStatus
from eldercare.core.holidays import load_holidays
from tests import factories
from tests.applications.builders import GRANT_MISSING, PDF, grant_service_available

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "var/e2e"))


def log_in(page: Page, live_server: Any, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "test-pass-2026")
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/registry/")


def log_out(page: Page) -> None:
    page.click("header button:has-text('退出')")
    expect(page.locator("input[name=username]")).to_be_visible()


def approve_as(page: Page, live_server: Any, username: str, number: str, button: str) -> None:
    log_in(page, live_server, username)
    page.click("nav >> text=在线申请")
    page.click("a:has-text('待我审核')")
    page.click(f"a:has-text('{number}')")
    expect(page.get_by_test_id("decide-form")).to_be_visible()
    page.fill("textarea[name=comment]", f"{username} 审核同意")
    page.click(f"button:has-text('{button}')")
    expect(page.locator(".message")).to_contain_text("已同意")
    log_out(page)


def test_apply_review_approve(
    world: Any, live_server: Any, page: Page, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    load_holidays(actor=None, years=[date.today().year - 1, date.today().year])
    resident = factories.resident(world.village_a, name="王秀英", sex="F", birth=date(1938, 2, 3))
    factories.user("village_reviewer", Role.VILLAGE_WORKER, world.village_a)
    document = tmp_path / "残疾证.pdf"
    document.write_bytes(PDF)

    # The village worker applies on the resident's page, for the family, with a document.
    log_in(page, live_server, Role.VILLAGE_WORKER)
    page.goto(f"{live_server.url}/registry/residents/{resident.pk}/")
    page.click("text=在线申请补贴或服务")
    page.check("input[name=kind][value=benefit]")
    page.select_option("select[name=benefit_kind]", "care_subsidy")
    page.fill("input[name=amount_yuan]", "200")
    page.check("input[name=applicant_kind][value=family]")
    page.fill("input[name=applicant_name]", "李明")
    page.select_option("select[name=applicant_relation]", "child")
    page.fill("input[name=applicant_phone]", "13800001111")
    page.fill("textarea[name=reason]", "重度失能，申请护理补贴")
    page.set_input_files("input[name=attachments]", str(document))
    page.click("button:has-text('提交申请')")
    expect(page.get_by_test_id("status")).to_have_text("已提交，待初审")
    expect(page.get_by_test_id("attachments")).to_contain_text("残疾证.pdf")
    application = Application.objects.get(resident=resident)
    number = application.number
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "application-submitted.png"), full_page=True)
    log_out(page)

    approve_as(page, live_server, "village_reviewer", number, "同意，报上级审核")
    application.refresh_from_db()
    assert (application.status, application.current_level) == (
        ApplicationStatus.UNDER_REVIEW,
        "township",
    )
    approve_as(page, live_server, Role.TOWNSHIP_WORKER, number, "同意，报上级审核")
    approve_as(page, live_server, Role.COUNTY_ADMIN, number, "同意（批准）")

    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert application.approved_amount_fen == 20000
    assert list(application.steps.values_list("level", "decision", "reviewer__username")) == [
        ("village", "approve", "village_reviewer"),
        ("township", "approve", Role.TOWNSHIP_WORKER),
        ("county", "approve", Role.COUNTY_ADMIN),
    ]

    # The applicant side sees the outcome: on the resident page, and without logging in.
    log_in(page, live_server, Role.VILLAGE_WORKER)
    page.goto(f"{live_server.url}/registry/residents/{resident.pk}/")
    expect(page.get_by_test_id("application-status")).to_have_text("已批准")
    log_out(page)
    page.goto(f"{live_server.url}/applications/status/")
    page.fill("input[name=number]", number)
    page.fill("input[name=id_last_four]", resident.id_number[-4:])
    page.click("button:has-text('查询')")
    expect(page.get_by_test_id("public-status-label")).to_have_text("已批准")
    expect(page.get_by_test_id("public-status")).to_contain_text("王**")
    expect(page.get_by_test_id("public-status")).not_to_contain_text("王秀英")
    page.screenshot(path=str(SCREENSHOTS / "application-public-status.png"), full_page=True)

    if not grant_service_available():
        pytest.skip(GRANT_MISSING)
    from eldercare.entitlements.models import Entitlement

    grant = Entitlement.objects.get(source_reference=f"application:{application.pk}")
    assert (grant.resident_id, grant.kind, grant.amount_fen) == (resident.pk, "care_subsidy", 20000)
    assert application.entitlement_id == grant.pk
