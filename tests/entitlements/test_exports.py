"""Excel exports: the month's credits (IDs masked unless the user may see them unmasked), the
accounts with balances, one account's statement — each audited, scoped, role-checked."""

import io
from datetime import date, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from python_calamine import CalamineWorkbook

from eldercare.accounts.models import Role
from eldercare.core.models import AuditAction, AuditEvent
from eldercare.entitlements import ledger
from eldercare.entitlements.exporting import (
    ACCOUNT_HEADERS,
    CREDIT_HEADERS,
    STATEMENT_HEADERS,
    export_credits,
)
from eldercare.entitlements.models import LedgerAccount, Transfer
from eldercare.entitlements.runs import execute_run, start_monthly_run
from tests.conftest import World
from tests.entitlements.conftest import SHANGHAI
from tests.entitlements.test_run_fixtures import (  # noqa: F401 — fixtures
    People,
    people_fixture,
    yongzhou_fixture,
)
from tests.registry.api.helpers import client_for

pytestmark = pytest.mark.django_db
NOVEMBER = date(2026, 11, 1)


@pytest.fixture(autouse=True)
def now(clock: time_machine.Traveller) -> time_machine.Traveller:
    return clock


@pytest.fixture
def credited(world: World, people: People) -> People:
    run = start_monthly_run(
        actor=world.user(Role.COUNTY_ADMIN),
        region_code=world.county_a,
        month=NOVEMBER,
        background=False,
    )
    execute_run(run.pk)
    return people


def sheet(content: bytes) -> list[list[Any]]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return workbook.get_sheet_by_index(0).to_python()


def download(world: World, who: str, url: str) -> Any:
    client = Client()
    client.force_login(world.user(who))
    return client.get(url)


def test_the_months_credits(world: World, credited: People) -> None:
    response = download(world, Role.AUDITOR, "/entitlements/export.xlsx?month=2026-11")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = sheet(b"".join(response.streaming_content))
    assert tuple(rows[0]) == CREDIT_HEADERS
    assert len(rows) == 1 + 6
    by_reference = {row[12]: row for row in rows[1:]}
    row = by_reference[f"credit:2026-11:resident:{credited.destitute.pk}:yz-home-care-destitute"]
    assert row[:10] == [
        "2026-11",
        "张特",
        credited.destitute.id_number[:6] + "********" + credited.destitute.id_number[-4:],
        world.village_a,
        "朝阳街道",
        "多福社区居委会",
        "居家养老服务补贴",
        "yz-home-care-destitute",
        "分散供养特困老年人居家养老服务",
        100.0,
    ]
    assert set(row[10].split("、")) == {
        "助餐", "助浴", "助洁", "助医", "助行", "助急", "康复护理", "精神慰藉"
    }  # fmt: skip
    assert row[11] == date(2026, 11, 30)
    care = by_reference[f"credit:2026-11:resident:{credited.disabled.pk}:yz-care-severe-disability"]
    assert (care[6], care[9], care[10]) == ("失能老人护理补贴", 80.0, "不限")
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.object_type, event.actor_username, event.region_code) == (
        "entitlements.transfer",
        "auditor",
        world.county_a,
    )
    assert event.detail == {"filters": {"month": "2026-11"}, "count": 6, "unmasked": False}


def test_unmasked_for_who_may_see_it(world: World, credited: People) -> None:
    response = download(world, Role.VILLAGE_WORKER, "/entitlements/export.xlsx")
    rows = sheet(b"".join(response.streaming_content))
    assert credited.destitute.id_number in [row[2] for row in rows]
    assert len(rows) == 1 + 2  # village A: 张特, 李高
    assert AuditEvent.objects.get(action=AuditAction.EXPORT).detail["unmasked"] is True


def test_the_export_is_scoped_even_for_a_wider_queryset(world: World, credited: People) -> None:
    buffer = io.BytesIO()
    count = export_credits(
        actor=world.user("county_b_admin"),
        queryset=Transfer.objects.all(),
        filters={},
        path_or_buffer=buffer,
    )
    assert count == 0


def test_credits_export_through_the_api(world: World, credited: People) -> None:
    response = client_for(world.user(Role.COUNTY_ADMIN)).get(
        "/api/v1/entitlements/credits/export/", {"kind": "care"}
    )
    assert response.status_code == 200
    rows = sheet(b"".join(response.streaming_content))
    assert len(rows) == 1 + 3
    denied = client_for(world.user(Role.PROVIDER_MANAGER)).get(
        "/api/v1/entitlements/credits/export/"
    )
    assert denied.status_code == 403
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1


def test_accounts_with_balances(world: World, credited: People) -> None:
    response = download(world, Role.TOWNSHIP_WORKER, "/entitlements/accounts/export.xlsx")
    rows = sheet(b"".join(response.streaming_content))
    assert tuple(rows[0]) == ACCOUNT_HEADERS
    names = {row[1]: row for row in rows[1:]}
    assert set(names) == {
        "张特·居家养老服务补贴",
        "李高·居家养老服务补贴",
        "周五·居家养老服务补贴",
        "周五·失能老人护理补贴",
    }
    assert names["周五·失能老人护理补贴"][7] == 180.0
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail == {"filters": {"kind": "resident"}, "count": 4}
    assert (
        download(world, Role.VILLAGE_WORKER, "/entitlements/accounts/export.xlsx").status_code
        == 403
    )


def test_a_monthly_statement(world: World, credited: People, clock: Any) -> None:
    account = LedgerAccount.objects.get(resident=credited.destitute)
    provider = ledger.open_provider_account(
        actor=world.user(Role.COUNTY_ADMIN),
        owner_reference="provider:1",
        region_code=world.county_a,
        name="颐康居家服务中心",
    )
    clock.move_to(datetime(2026, 11, 20, 9, tzinfo=SHANGHAI))
    ledger.pay_from_credit(
        actor=world.user(Role.COUNTY_ADMIN),
        resident=credited.destitute,
        amount_fen=2_500,
        item_code="ZC-001",
        item_category="meal",
        payee_account=provider,
        reference="order:1",
    )
    response = download(
        world, Role.AUDITOR, f"/entitlements/accounts/{account.pk}/statement.xlsx?month=2026-11"
    )
    rows = sheet(b"".join(response.streaming_content))
    assert tuple(rows[0]) == STATEMENT_HEADERS
    assert rows[1][1:5] == ["期初余额", "", "", 0.0]
    assert rows[2][1:5] == ["月度补贴发放", 100.0, "", 100.0]
    assert rows[3][1:6] == ["服务订单支付", "", 25.0, 75.0, "ZC-001"]
    assert rows[4][1:5] == ["期末余额", 100.0, 25.0, 75.0]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.object_type, event.object_id, event.detail) == (
        "entitlements.ledgeraccount",
        str(account.pk),
        {"statement_month": "2026-11", "lines": 2},
    )
    october = download(
        world, Role.AUDITOR, f"/entitlements/accounts/{account.pk}/statement.xlsx?month=2026-10"
    )
    october_rows = sheet(b"".join(october.streaming_content))
    assert [row[1] for row in october_rows[1:3]] == ["期初余额", "期末余额"]
    assert october_rows[-1][0] == f"账户：张特·居家养老服务补贴（编号 {account.pk}）"
