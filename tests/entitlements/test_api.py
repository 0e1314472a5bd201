"""/api/v1/entitlements/: runs (list, detail, create, resume), a resident's evaluation and balance,
rule files, credits — scoped (outside → 404), by role (→ 403), nothing changed when refused."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import date
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django_q.conf import Conf
from drf_spectacular.validation import validate_schema

from eldercare.accounts.models import Role
from eldercare.entitlements.models import EntitlementRun, RunStatus
from eldercare.entitlements.runs import execute_run, start_monthly_run
from eldercare.entitlements.services import grant_entitlement, upload_policy_document
from tests import factories
from tests.conftest import World
from tests.entitlements.test_run_fixtures import (  # noqa: F401 — fixtures
    YONGZHOU,
    People,
    people_fixture,
    state,
    yongzhou_fixture,
)
from tests.registry.api.helpers import client_for

pytestmark = pytest.mark.django_db
Commits = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
NOVEMBER = date(2026, 11, 1)
RUNS = "/api/v1/entitlements/runs/"


@pytest.fixture(autouse=True)
def now(clock: time_machine.Traveller) -> time_machine.Traveller:
    return clock


@pytest.fixture(autouse=True)
def sync_worker(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(Conf, "SYNC", True)
    with override_settings(Q_CLUSTER={**settings.Q_CLUSTER, "sync": True}):
        yield


def api(world: World, who: str) -> Any:
    return client_for(world.user(who))


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


# --- runs ---------------------------------------------------------------------------------------


def test_create_a_run_and_read_its_report(
    world: World, people: People, django_capture_on_commit_callbacks: Commits
) -> None:
    client = api(world, Role.COUNTY_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RUNS, {"region": world.county_a, "month": "2026-11"}, format="json")
    assert response.status_code == 201, response.json()
    run_id = response.json()["id"]
    assert response.json()["status"] == "queued"

    detail = client.get(f"{RUNS}{run_id}/").json()
    assert (detail["status"], detail["residents_done"], detail["written"]) == ("done", 5, 6)
    assert detail["amount_fen"] == 10_000 + 6_000 + 8_000 + 6_000 + 8_000 + 10_000
    total, *rest = detail["regions"]
    assert (total["code"], total["depth"], total["entitled"], total["amount_fen"]) == (
        world.county_a,
        0,
        4,
        48_000,
    )
    assert {row["code"]: row["amount_fen"] for row in rest} == {
        world.township_a: 40_000,
        world.township_a_other: 8_000,
    }
    assert {b["key"]: b["count"] for b in detail["by_basis"]}["yz-care-severe-disability"] == 2
    listing = client.get(RUNS, {"month": "2026-11"}).json()
    assert [row["id"] for row in listing["results"]] == [run_id]


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"region": "431102000000", "month": "2026-10"}, "month", "month_past"),
        ({"region": "431102000000", "month": "Nov"}, "month", "month_invalid"),
        ({"region": "4311", "month": "2026-11"}, "region_code", "region_invalid"),
        ({"month": "2026-11"}, "region_code", "required"),
        ({"region": "431102000000", "month": "2026-11", "x": 1}, "x", "field_unknown"),
    ],
)
def test_bad_run_requests(
    world: World, people: People, body: dict[str, Any], field: str, code: str
) -> None:
    before = state()
    response = api(world, Role.COUNTY_ADMIN).post(RUNS, body, format="json")
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == (field, code)
    assert state() == before


def test_an_overlapping_run_is_a_conflict(world: World, people: People) -> None:
    city = start_monthly_run(
        actor=world.user(Role.CITY_ADMIN), region_code=YONGZHOU, month=NOVEMBER, background=False
    )
    before = state()
    response = api(world, Role.COUNTY_ADMIN).post(
        RUNS, {"region": world.county_a, "month": "2026-11"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["run"] == city.pk
    assert response.json()["errors"][0]["code"] == "run_in_progress"
    assert state() == before


@pytest.mark.parametrize(
    ("who", "region", "code"),
    [
        (Role.TOWNSHIP_WORKER, "township_a", 403),
        (Role.AUDITOR, "county_a", 403),
        (Role.PROVIDER_MANAGER, "county_a", 403),
        ("county_b_admin", "county_a", 404),
        (Role.COUNTY_ADMIN, "county_b", 404),
    ],
)
def test_who_may_create_runs(
    world: World, people: People, who: str, region: str, code: int
) -> None:
    before = state()
    response = api(world, who).post(
        RUNS, {"region": getattr(world, region), "month": "2026-11"}, format="json"
    )
    assert response.status_code == code
    assert state() == before


def test_runs_are_scoped(world: World, people: People) -> None:
    run = november_run(world)
    outsider = api(world, "county_b_admin")
    assert outsider.get(f"{RUNS}{run.pk}/").status_code == 404
    assert outsider.get(RUNS).json()["results"] == []
    assert api(world, Role.PROVIDER_MANAGER).get(RUNS).status_code == 403
    EntitlementRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED)
    before = state()
    assert outsider.post(f"{RUNS}{run.pk}/resume/").status_code == 404
    assert api(world, Role.AUDITOR).post(f"{RUNS}{run.pk}/resume/").status_code == 403
    assert state() == before


def test_resume_a_failed_run(
    world: World, people: People, django_capture_on_commit_callbacks: Commits
) -> None:
    run = start_monthly_run(
        actor=world.user(Role.COUNTY_ADMIN),
        region_code=world.county_a,
        month=NOVEMBER,
        background=False,
    )
    EntitlementRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED)
    client = api(world, Role.COUNTY_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{RUNS}{run.pk}/resume/")
    assert response.status_code == 200
    assert client.get(f"{RUNS}{run.pk}/").json()["status"] == "done"
    again = client.post(f"{RUNS}{run.pk}/resume/")
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "not_resumable"


def test_the_run_list_keeps_its_query_count(world: World, people: People) -> None:
    client = api(world, Role.COUNTY_ADMIN)
    november_run(world)
    with CaptureQueriesContext(connection) as one:
        client.get(RUNS)
    for month in (NOVEMBER, date(2026, 12, 1)):
        november_again = start_monthly_run(
            actor=world.user(Role.COUNTY_ADMIN),
            region_code=world.county_a,
            month=month,
            background=False,
        )
        execute_run(november_again.pk)
    with CaptureQueriesContext(connection) as three:
        assert len(client.get(RUNS).json()["results"]) == 3
    assert len(three) == len(one)


# --- a resident ---------------------------------------------------------------------------------


def test_a_residents_evaluation_and_balance(world: World, people: People) -> None:
    november_run(world)
    data = (
        api(world, Role.COUNTY_ADMIN)
        .get(f"/api/v1/entitlements/residents/{people.several.pk}/")
        .json()
    )
    assert data["document"]["region"] == YONGZHOU
    evaluation = data["evaluation"]
    assert evaluation["is_entitled"] is True
    assert [(r["key"], r["applied"]) for r in evaluation["rules"]] == [
        ("yz-home-care-destitute", False),
        ("yz-home-care-special-difficulty", True),
        ("yz-care-severe-disability", True),
        ("yz-care-disabled-difficult", True),
    ]
    assert evaluation["rules"][0]["reason"].endswith("不含 特困供养")
    assert [b["amount_fen"] for b in evaluation["benefits"]] == [6_000, 8_000, 10_000]
    assert data["balance"]["total_fen"] == 24_000
    assert data["balance"]["by_kind"] == {"service": 6_000, "care": 18_000}
    assert len(data["movements"]) == 3 and all(m["incoming"] for m in data["movements"])


def test_an_evaluation_on_another_day(world: World, people: People) -> None:
    client = api(world, Role.COUNTY_ADMIN)
    url = f"/api/v1/entitlements/residents/{people.very_old.pk}/"
    assert client.get(url, {"on": "2026-12-01"}).json()["evaluation"]["on"] == "2026-12-01"
    # 李高 turns 80 on 2021-02-03: before that, 低保 alone is not enough.
    young = client.get(url, {"on": "2021-01-01"}).json()["evaluation"]
    assert (young["age"], young["is_entitled"]) == (79, False)
    bad = client.get(url, {"on": "01/12/2026"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "on"


def test_the_balance_needs_view_accounts(world: World, people: People) -> None:
    data = (
        api(world, Role.VILLAGE_WORKER)
        .get(f"/api/v1/entitlements/residents/{people.destitute.pk}/")
        .json()
    )
    assert data["evaluation"]["is_entitled"] is True
    assert (data["balance"], data["movements"]) == (None, None)


def test_a_resident_out_of_scope_or_role(world: World, people: People) -> None:
    url = f"/api/v1/entitlements/residents/{people.destitute.pk}/"
    assert api(world, "county_b_admin").get(url).status_code == 404
    assert api(world, "township_other").get(url).status_code == 404
    assert api(world, Role.PROVIDER_MANAGER).get(url).status_code == 403
    assert api(world, Role.ASSESSOR).get(url).status_code == 403
    assert client_for(None).get(url).status_code in (401, 403)


def test_grants_in_the_residents_data(world: World, people: People) -> None:
    grant_entitlement(
        actor=world.user(Role.COUNTY_ADMIN),
        resident=people.general,
        kind="monthly_service_credit",
        amount_fen=5_000,
        items=["meal"],
        first_month=date(2026, 12, 1),
        last_month=None,
        reason="下月起",
        source_reference="application:77",
    )
    data = (
        api(world, Role.COUNTY_ADMIN)
        .get(f"/api/v1/entitlements/residents/{people.general.pk}/")
        .json()
    )
    assert data["grants"] == [
        {
            "id": data["grants"][0]["id"],
            "kind": "monthly_service_credit",
            "amount_fen": 5_000,
            "items": ["meal"],
            "first_month": "2026-12",
            "last_month": None,
            "reason": "下月起",
            "source_reference": "application:77",
            "status": "active",
            "in_effect": False,
            "granted_by": "county_admin",
        }
    ]


# --- rule files and credits ---------------------------------------------------------------------


def test_documents(world: World, yongzhou: Any) -> None:
    client = api(world, Role.VILLAGE_WORKER)
    listing = client.get("/api/v1/entitlements/documents/").json()
    assert [(d["region"], d["status"]) for d in listing["results"]] == [(YONGZHOU, "active")]
    detail = client.get(f"/api/v1/entitlements/documents/{yongzhou.pk}/").json()
    assert detail["text"].startswith("# 永州市")
    assert (
        api(world, Role.PROVIDER_MANAGER).get("/api/v1/entitlements/documents/").status_code == 403
    )


def test_a_draft_of_another_county_is_not_found(world: World, yongzhou: Any) -> None:
    text = yongzhou.text.replace(f'region: "{YONGZHOU}"', f'region: "{world.county_a}"')
    document, _ = upload_policy_document(
        actor=world.user(Role.COUNTY_ADMIN), text=text, source_name="a.yaml"
    )
    assert (
        api(world, "county_b_admin")
        .get(f"/api/v1/entitlements/documents/{document.pk}/")
        .status_code
        == 404
    )
    assert (
        api(world, Role.AUDITOR).get(f"/api/v1/entitlements/documents/{document.pk}/").status_code
        == 200
    )


def test_credits_of_a_month(world: World, people: People) -> None:
    november_run(world)
    client = api(world, Role.TOWNSHIP_WORKER)
    data = client.get("/api/v1/entitlements/credits/", {"month": "2026-11"}).json()
    assert data["count"] == 5  # township A: 张特 1, 李高 1, 周五 3
    first = data["results"][0]
    assert first["id_number"].count("*") == 8
    assert {row["basis"] for row in data["results"]} == {
        "yz-home-care-destitute",
        "yz-home-care-special-difficulty",
        "yz-care-severe-disability",
        "yz-care-disabled-difficult",
    }
    care = client.get("/api/v1/entitlements/credits/", {"kind": "care"}).json()
    assert care["count"] == 2
    bad = client.get("/api/v1/entitlements/credits/", {"kind": "cash"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "kind"
    assert api(world, "county_b_admin").get("/api/v1/entitlements/credits/").json()["count"] == 0


def test_credits_keep_their_query_count(world: World, people: People) -> None:
    november_run(world)
    client = api(world, Role.COUNTY_ADMIN)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/entitlements/credits/")
    for n in range(5):
        factories.resident(world.village_a, name=f"新{n}", economic_status="destitute")
    start = start_monthly_run(
        actor=world.user(Role.COUNTY_ADMIN),
        region_code=world.county_a,
        month=NOVEMBER,
        background=False,
    )
    execute_run(start.pk)
    with CaptureQueriesContext(connection) as more:
        assert client.get("/api/v1/entitlements/credits/").json()["count"] == 11
    assert len(more) == len(few)


def test_the_schema_lists_the_endpoints(world: World) -> None:
    response = api(world, Role.COUNTY_ADMIN).get("/api/v1/schema/", {"format": "json"})
    document = response.json()
    validate_schema(document)
    for path in (
        "/api/v1/entitlements/runs/",
        "/api/v1/entitlements/runs/{id}/",
        "/api/v1/entitlements/runs/{id}/resume/",
        "/api/v1/entitlements/residents/{id}/",
        "/api/v1/entitlements/documents/",
        "/api/v1/entitlements/credits/export/",
    ):
        assert path in document["paths"], path
