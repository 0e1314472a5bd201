"""Pages: runs (start through the worker, report, resume), rule files (upload with every problem
shown, activate, preview), this month's credits, grants, accounts and statements — with their
scope (another county → 404) and role (→ 403) matrix; refused requests change nothing; list
pages keep their query count whatever the number of rows."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django_q.conf import Conf

from eldercare.accounts.models import Role
from eldercare.entitlements.models import (
    DocumentStatus,
    EntitlementRun,
    LedgerAccount,
    PolicyDocument,
    RunStatus,
)
from eldercare.entitlements.policy import SHIPPED_POLICIES_DIR
from eldercare.entitlements.runs import execute_run, start_monthly_run
from eldercare.entitlements.services import grant_entitlement
from tests import factories
from tests.conftest import World
from tests.entitlements.test_run_fixtures import (  # noqa: F401 — fixtures
    YONGZHOU,
    People,
    people_fixture,
    state,
    yongzhou_fixture,
)

pytestmark = pytest.mark.django_db
Commits = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
NOVEMBER = date(2026, 11, 1)


@pytest.fixture(autouse=True)
def now(clock: time_machine.Traveller) -> time_machine.Traveller:
    return clock


@pytest.fixture(autouse=True)
def sync_worker(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(Conf, "SYNC", True)
    with override_settings(Q_CLUSTER={**settings.Q_CLUSTER, "sync": True}):
        yield


def client_for(world: World, who: str) -> Client:
    client = Client()
    client.force_login(world.user(who))
    return client


def november_run(world: World) -> EntitlementRun:
    run = start_monthly_run(
        actor=world.user(Role.COUNTY_ADMIN),
        region_code=world.county_a,
        month=NOVEMBER,
        background=False,
    )
    execute_run(run.pk)
    run.refresh_from_db()
    return run


def yongzhou_text() -> str:
    return (SHIPPED_POLICIES_DIR / "431100-yongzhou.yaml").read_text(encoding="utf-8")


# --- runs ---------------------------------------------------------------------------------------


def test_starting_a_run_on_the_page_runs_it_in_the_worker(
    world: World, people: People, django_capture_on_commit_callbacks: Commits
) -> None:
    client = client_for(world, Role.COUNTY_ADMIN)
    page = client.get("/entitlements/runs/")
    assert page.status_code == 200
    assert 'data-testid="start-run"' in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/entitlements/runs/start/", {"region_code": world.county_a, "month": "2026-11"}
        )

    run = EntitlementRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/entitlements/runs/{run.pk}/"
    assert run.status == RunStatus.DONE
    detail = client.get(response["Location"]).content.decode()
    assert '<span data-testid="run-status">已完成</span>' in detail
    assert "朝阳街道" in detail and "¥400.00" in detail  # 张特 100 + 李高 60 + 周五 60+80+100
    assert "经济困难的失能老年人护理补贴" in detail  # per basis, named from the rule file
    assert "431102" in client.get("/entitlements/runs/").content.decode()


def test_a_second_run_is_refused_with_a_message(world: World, people: People) -> None:
    start_monthly_run(
        actor=world.user(Role.CITY_ADMIN),
        region_code=YONGZHOU,
        month=NOVEMBER,
        background=False,
    )
    client = client_for(world, Role.COUNTY_ADMIN)
    before = state()
    response = client.post(
        "/entitlements/runs/start/",
        {"region_code": world.county_a, "month": "2026-11"},
        follow=True,
    )
    assert "与本次范围重叠" in response.content.decode()
    assert state() == before


@pytest.mark.parametrize("who", [Role.TOWNSHIP_WORKER, Role.AUDITOR, Role.VILLAGE_WORKER])
def test_only_runners_start_runs(world: World, people: People, who: str) -> None:
    client = client_for(world, who)
    assert 'data-testid="start-run"' not in client.get("/entitlements/runs/").content.decode()
    before = state()
    response = client.post(
        "/entitlements/runs/start/", {"region_code": world.county_a, "month": "2026-11"}
    )
    assert response.status_code == 403
    assert state() == before


def test_a_run_of_another_county_is_not_found(world: World, people: People) -> None:
    run = november_run(world)
    outsider = client_for(world, "county_b_admin")
    assert outsider.get(f"/entitlements/runs/{run.pk}/").status_code == 404
    assert str(run.pk) not in outsider.get("/entitlements/runs/").content.decode().split("<tbody>")[
        1
    ].split("</tbody>")[0].replace("暂无发放记录", "")
    EntitlementRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED)
    before = state()
    assert outsider.post(f"/entitlements/runs/{run.pk}/resume/").status_code == 404
    assert state() == before
    assert client_for(world, Role.PROVIDER_MANAGER).get("/entitlements/runs/").status_code == 403


def test_a_failed_run_is_resumed_from_its_page(
    world: World, people: People, django_capture_on_commit_callbacks: Commits
) -> None:
    run = start_monthly_run(
        actor=world.user(Role.COUNTY_ADMIN),
        region_code=world.county_a,
        month=NOVEMBER,
        background=False,
    )
    EntitlementRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error="中断")
    client = client_for(world, Role.COUNTY_ADMIN)
    assert "从中断处继续" in client.get(f"/entitlements/runs/{run.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/entitlements/runs/{run.pk}/resume/")
    run.refresh_from_db()
    assert (run.status, run.residents_done) == (RunStatus.DONE, 5)


# --- rule files ---------------------------------------------------------------------------------


def county_file(world: World, text: str | None = None) -> SimpleUploadedFile:
    text = text or yongzhou_text().replace(f'region: "{YONGZHOU}"', f'region: "{world.county_a}"')
    return SimpleUploadedFile("零陵区.yaml", text.encode())


def test_a_bad_upload_shows_every_problem_and_stores_nothing(
    world: World, yongzhou: PolicyDocument
) -> None:
    text = (
        yongzhou_text()
        .replace(f'region: "{YONGZHOU}"', f'region: "{world.county_a}"')
        .replace("combine: highest", "combine: highst")
        .replace("amount: 60\n", "amount: 60.005\n")
    )
    before = state()
    response = client_for(world, Role.COUNTY_ADMIN).post(
        "/entitlements/documents/upload/", {"file": county_file(world, text)}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "规则文件有 2 处错误，未保存" in page
    assert (
        "<td>零陵区.yaml</td><td>19</td><td>14</td><td><code>groups.home_care.combine</code></td>"
        in page
    )
    assert "未知的合并方式代码 “highst”" in page
    assert "金额 60.005 元最多两位小数（到分）" in page
    assert state() == before


def test_upload_then_activate_on_the_pages(world: World, yongzhou: PolicyDocument) -> None:
    client = client_for(world, Role.COUNTY_ADMIN)
    response = client.post("/entitlements/documents/upload/", {"file": county_file(world)})
    document = PolicyDocument.objects.get(region_code=world.county_a)
    assert response["Location"] == f"/entitlements/documents/{document.pk}/"
    assert document.status == DocumentStatus.DRAFT
    page = client.get(response["Location"]).content.decode()
    assert "启用此版本" in page and "yz-care-disabled-difficult" in page

    client.post(f"/entitlements/documents/{document.pk}/activate/")
    document.refresh_from_db()
    assert document.status == DocumentStatus.ACTIVE
    listing = client.get("/entitlements/documents/").content.decode()
    assert listing.count("现行") >= 2  # the county's and the city's above it
    text = client.get(f"/entitlements/documents/{document.pk}/file.yaml")
    assert text.content.decode() == document.text


def test_the_preview_counts_who_would_be_entitled(world: World, people: People) -> None:
    client = client_for(world, Role.COUNTY_ADMIN)
    client.post("/entitlements/documents/upload/", {"file": county_file(world)})
    document = PolicyDocument.objects.get(region_code=world.county_a)
    page = client.get(f"/entitlements/documents/{document.pk}/?preview=1").content.decode()
    assert '<td data-testid="preview-entitled">4</td>' in page


def test_documents_scope_and_roles(world: World, people: People) -> None:
    mine = client_for(world, Role.COUNTY_ADMIN)
    mine.post("/entitlements/documents/upload/", {"file": county_file(world)})
    document = PolicyDocument.objects.get(region_code=world.county_a)
    outsider = client_for(world, "county_b_admin")
    before = state()
    assert outsider.get(f"/entitlements/documents/{document.pk}/").status_code == 404
    assert outsider.post(f"/entitlements/documents/{document.pk}/activate/").status_code == 404
    township = client_for(world, Role.TOWNSHIP_WORKER)
    assert township.get(f"/entitlements/documents/{document.pk}/").status_code == 404  # a draft
    assert township.post(f"/entitlements/documents/{document.pk}/activate/").status_code == 403
    assert township.get("/entitlements/documents/upload/").status_code == 403
    assert (
        township.post("/entitlements/documents/upload/", {"file": county_file(world)}).status_code
        == 403
    )
    mine.post(f"/entitlements/documents/{document.pk}/activate/")
    before = state()
    assert township.get(f"/entitlements/documents/{document.pk}/").status_code == 200  # governs
    assert (
        township.post(f"/entitlements/documents/{document.pk}/retire/", {"reason": "x"}).status_code
        == 403
    )
    # The city's file above them governs county B's residents: they see it, not county A's.
    listing = outsider.get("/entitlements/documents/").content.decode()
    assert f"/entitlements/documents/{people_document(YONGZHOU)}/" in listing
    assert f"/entitlements/documents/{document.pk}/" not in listing
    assert state() == before


def people_document(region: str) -> int:
    return PolicyDocument.objects.get(region_code=region, status="active").pk


# --- credits, grants, accounts ------------------------------------------------------------------


def test_this_months_credits_masked_and_filtered(world: World, people: People) -> None:
    november_run(world)
    client = client_for(world, Role.VILLAGE_WORKER)
    page = client.get("/entitlements/").content.decode()
    assert "张特" in page and "周五" not in page  # 周五 lives in another village
    assert people.destitute.id_number not in page
    assert people.destitute.id_number[:6] + "********" in page
    county = client_for(world, Role.COUNTY_ADMIN)
    care = county.get("/entitlements/?kind=care").content.decode()
    assert "王残" in care and "张特" not in care
    by_rule = county.get("/entitlements/?basis=yz-home-care-destitute").content.decode()
    assert "张特" in by_rule and "李高" not in by_rule
    bad = county.get("/entitlements/?month=November").content.decode()
    assert "参数 month（补贴月份）应为年月" in bad
    assert "该月尚无发放记录" in county.get("/entitlements/?month=2026-12").content.decode()
    assert client_for(world, Role.PROVIDER_MANAGER).get("/entitlements/").status_code == 403


def test_list_pages_keep_their_query_count(world: World, people: People) -> None:
    november_run(world)
    client = client_for(world, Role.COUNTY_ADMIN)
    urls = ["/entitlements/", "/entitlements/accounts/", "/entitlements/grants/"]
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[url] = len(queries)
    for n in range(4):
        resident = factories.resident(
            world.village_a, name=f"新{n}", economic_status="destitute", living_arrangement="alone"
        )
        grant_entitlement(
            actor=world.user(Role.COUNTY_ADMIN),
            resident=resident,
            kind="care_subsidy",
            amount_fen=1_000,
            items=None,
            first_month=NOVEMBER,
            last_month=None,
            reason="r",
            source_reference=f"a:{n}",
        )
    november_run(world)
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) == counts[url], url


def test_grants_page(world: World, people: People) -> None:
    grant_entitlement(
        actor=world.user(Role.COUNTY_ADMIN),
        resident=people.general,
        kind="monthly_service_credit",
        amount_fen=5_000,
        items=["meal"],
        first_month=NOVEMBER,
        last_month=None,
        reason="申请批准",
        source_reference="application:9",
    )
    page = client_for(world, Role.VILLAGE_WORKER).get("/entitlements/grants/").content.decode()
    assert "赵普" in page and "application:9" in page and "¥50.00" in page
    other = client_for(world, "county_b_admin").get("/entitlements/grants/").content.decode()
    assert "赵普" not in other


def test_accounts_and_a_statement(world: World, people: People) -> None:
    november_run(world)
    client = client_for(world, Role.AUDITOR)
    page = client.get("/entitlements/accounts/").content.decode()
    assert "张特·居家养老服务补贴" in page and "¥100.00" in page
    account = LedgerAccount.objects.get(resident=people.destitute)
    statement = client.get(f"/entitlements/accounts/{account.pk}/?month=2026-11").content.decode()
    assert "月度补贴发放" in statement
    assert '<td data-testid="closing">¥100.00</td>' in statement
    funds = client.get("/entitlements/accounts/?kind=fund").content.decode()
    assert "居家养老服务补贴（月度发放）" in funds
    assert client.get("/entitlements/accounts/?kind=zzz").status_code == 200


def test_accounts_scope_and_roles(world: World, people: People) -> None:
    november_run(world)
    account = LedgerAccount.objects.get(resident=people.destitute)
    assert client_for(world, Role.VILLAGE_WORKER).get("/entitlements/accounts/").status_code == 403
    outsider = client_for(world, "county_b_admin")
    assert outsider.get(f"/entitlements/accounts/{account.pk}/").status_code == 404
    assert outsider.get(f"/entitlements/accounts/{account.pk}/statement.xlsx").status_code == 404
    assert "张特" not in outsider.get("/entitlements/accounts/").content.decode()


def test_the_menu_links_to_the_entitlements(world: World) -> None:
    page = client_for(world, Role.VILLAGE_WORKER).get("/entitlements/grants/").content.decode()
    assert 'href="/entitlements/"' in page
    assert 'href="/entitlements/accounts/"' not in page
    assert 'href="/entitlements/"' not in (
        client_for(world, Role.PROVIDER_MANAGER).get("/catalogue/").content.decode()
    )
