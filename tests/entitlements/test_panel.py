"""The resident page's section "补贴与服务资格": why this person is (not) entitled — every rule with
the condition that decided, in Chinese — the grants, and the money for who may see accounts."""

from datetime import date
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from eldercare.accounts.models import Role
from eldercare.entitlements.runs import execute_run, start_monthly_run
from eldercare.entitlements.services import grant_entitlement
from tests import factories
from tests.conftest import World
from tests.entitlements.test_run_fixtures import (  # noqa: F401 — fixtures
    People,
    people_fixture,
    yongzhou_fixture,
)

pytestmark = pytest.mark.django_db
NOVEMBER = date(2026, 11, 1)


@pytest.fixture(autouse=True)
def now(clock: time_machine.Traveller) -> time_machine.Traveller:
    return clock


def page(world: World, who: str, resident: Any) -> str:
    client = Client()
    client.force_login(world.user(who))
    response = client.get(f"/registry/residents/{resident.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def panel(html: str) -> str:
    start = html.index('data-testid="entitlements-panel"')
    return html[start : html.index("</section>", start)]


def test_why_a_person_is_entitled(world: World, people: People) -> None:
    html = panel(page(world, Role.COUNTY_ADMIN, people.several))
    assert "永州市基本养老服务补贴" in html and "评估日期 2026-11-16" in html
    assert "享受" in html
    assert "每月购买服务额度 60.00元，可用于 助餐、助浴、助洁、助医、助行、助急" in html
    assert "每月护理补贴 80.00元" in html and "每月护理补贴 100.00元" in html
    assert (
        "累加：yz-care-severe-disability（80.00元）、yz-care-disabled-difficult（100.00元）" in html
    )
    # The rule it does not get, and why: 周五 is 低保, not 特困.
    assert (
        "人群类别（65岁及以上、低保、经济困难、重度残疾（一、二级）、特殊困难老年人）不含 特困供养"
        in html
    )
    assert html.count("✓") == 3 and html.count("✗") == 1


def test_why_a_person_is_not_entitled(world: World, people: People) -> None:
    html = panel(page(world, Role.VILLAGE_WORKER, people.general))
    assert "不享受本规则文件中的任何补贴或服务" in html
    assert html.count("✗") == 4 and "✓" not in html
    for reason, line in [
        ("人群类别（65岁及以上）不含 特困供养", 28),
        ("人群类别（65岁及以上）不含 经济困难、脱贫/建档立卡 中任何一项", 41),
        ("人群类别（65岁及以上）不含 重度残疾（一、二级）", 56),
        ("人群类别（65岁及以上）不含 经济困难", 65),
    ]:
        assert f'{reason} <span class="muted">（第 {line} 行）</span>' in html
    assert "政府购买居家养老服务（取最高）：无适用规则" in html


def test_grants_balance_and_movements(world: World, people: People) -> None:
    grant_entitlement(
        actor=world.user(Role.COUNTY_ADMIN),
        resident=people.destitute,
        kind="care_subsidy",
        amount_fen=3_000,
        items=None,
        first_month=NOVEMBER,
        last_month=None,
        reason="申请批准的护理补贴",
        source_reference="application:5",
    )
    run = start_monthly_run(
        actor=world.user(Role.COUNTY_ADMIN),
        region_code=world.county_a,
        month=NOVEMBER,
        background=False,
    )
    execute_run(run.pk)
    html = panel(page(world, Role.COUNTY_ADMIN, people.destitute))
    assert "申请批准的护理补贴" in html and "application:5" in html
    assert '<p data-testid="balance">余额 <strong>¥130.00</strong>，今日可用 ¥130.00</p>' in html
    assert html.count("月度补贴发放") == 2 and "+¥100.00" in html and "+¥30.00" in html


def test_accounts_only_for_who_may_see_them(world: World, people: People) -> None:
    html = panel(page(world, Role.VILLAGE_WORKER, people.destitute))
    assert "补贴与服务资格" in html
    assert 'data-testid="balance"' not in html and "补贴账户" not in html


def test_no_panel_without_view_entitlements(world: World, people: People) -> None:
    html = page(world, Role.ASSESSOR, people.destitute)
    assert 'data-testid="entitlements-panel"' not in html


def test_a_region_without_a_rule_file(world: World) -> None:
    resident = factories.resident(world.village_a, economic_status="destitute")
    html = panel(page(world, Role.COUNTY_ADMIN, resident))
    assert "所在区划及上级均未启用补贴规则文件" in html


def test_the_panel_costs_a_fixed_number_of_queries(world: World, people: People) -> None:
    client = Client()
    client.force_login(world.user(Role.COUNTY_ADMIN))
    with CaptureQueriesContext(connection) as before:
        client.get(f"/registry/residents/{people.general.pk}/")
    for n in range(3):
        grant_entitlement(
            actor=world.user(Role.COUNTY_ADMIN),
            resident=people.general,
            kind="care_subsidy",
            amount_fen=1_000 + n,
            items=None,
            first_month=NOVEMBER,
            last_month=None,
            reason="r",
            source_reference=f"a:{n}",
        )
    run = start_monthly_run(
        actor=world.user(Role.COUNTY_ADMIN),
        region_code=world.county_a,
        month=NOVEMBER,
        background=False,
    )
    execute_run(run.pk)
    with CaptureQueriesContext(connection) as after:
        client.get(f"/registry/residents/{people.general.pk}/")
    assert len(after) == len(before)
