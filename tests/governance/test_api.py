"""/api/v1/governance/: reading lists, tasks, runs and indicators in scope; reporting progress and
scoring through the same services; another county is a 404, a role without the action a 403."""

from datetime import date
from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from eldercare.accounts.models import Role
from eldercare.governance.models import ProgressReport, ScoringRun, Task, TaskList
from eldercare.governance.services.loading import load_task_lists, shipped_task_lists
from tests.conftest import World
from tests.governance import builders

pytestmark = pytest.mark.django_db

NOW = "2021-03-10 10:00 +08:00"


@pytest.fixture
def api(world: World) -> APIClient:
    load_task_lists(shipped_task_lists())
    return APIClient()


def as_user(api: APIClient, world: World, who: str) -> APIClient:
    api.force_authenticate(world.users[who])
    return api


def test_task_lists_in_scope_and_above(
    api: APIClient, world: World, django_assert_max_num_queries: Any
) -> None:
    as_user(api, world, Role.COUNTY_ADMIN)
    with django_assert_max_num_queries(12):
        response = api.get("/api/v1/governance/task-lists/")
    assert response.status_code == 200
    assert [(row["region_code"], row["counts"]["total"]) for row in response.json()["results"]] == [
        ("", 37),
        ("431100000000", 19),
    ]
    yongzhou = TaskList.objects.get(region_code="431100000000")
    detail = api.get(f"/api/v1/governance/task-lists/{yongzhou.pk}/").json()
    first = detail["tasks"][0]
    assert (first["display_number"], first["due_on"], first["deadline_text"]) == (
        "1（1）",
        "2019-11-30",
        "2019年11月",
    )
    lianyungang = TaskList.objects.get(region_code="320700000000")
    assert api.get(f"/api/v1/governance/task-lists/{lianyungang.pk}/").status_code == 404


def test_reporting_progress(api: APIClient, world: World) -> None:
    task = Task.objects.get(task_list__region_code="431100000000", number="4")
    as_user(api, world, Role.COUNTY_ADMIN)
    with time_machine.travel(NOW, tick=False):
        refused = api.post(
            f"/api/v1/governance/tasks/{task.pk}/reports/",
            {"organisation": "市民政局", "reported_on": "2021-03-01", "percent": 50, "text": "x"},
            format="json",
        )
        assert (refused.status_code, refused.json()["field"]) == (400, "organisation")
        response = api.post(
            f"/api/v1/governance/tasks/{task.pk}/reports/",
            {
                "organisation": "县（区）人民政府",
                "reported_on": "2021-03-01",
                "percent": 50,
                "text": "零陵区过半",
            },
            format="json",
        )
    assert response.status_code == 201
    assert response.json()["region_code"] == world.county_a
    assert api.get(f"/api/v1/governance/tasks/{task.pk}/").json()["percent"] == 50
    as_user(api, world, Role.AUDITOR)
    with time_machine.travel(NOW, tick=False):
        denied = api.post(
            f"/api/v1/governance/tasks/{task.pk}/reports/",
            {
                "organisation": "县（区）人民政府",
                "reported_on": "2021-03-01",
                "percent": 60,
                "text": "x",
            },
            format="json",
        )
    assert denied.status_code == 403
    assert ProgressReport.objects.count() == 1


def test_scoring_runs(api: APIClient, world: World) -> None:
    sheet = builders.huining_sheet(world.county_a)
    as_user(api, world, Role.COUNTY_ADMIN)
    with time_machine.travel(NOW, tick=False):
        created = api.post(
            "/api/v1/governance/runs/",
            {"sheet": sheet.pk, "region_code": world.county_a, "as_of": "2021-03-01"},
            format="json",
        )
    assert created.status_code == 201
    body = created.json()
    assert (body["total"], body["report"]["base_maximum"], len(body["report"]["items"])) == (
        "0",
        "100",
        11,
    )
    run = ScoringRun.objects.get()
    assert api.get("/api/v1/governance/runs/").json()["count"] == 1
    as_user(api, world, "county_b_admin")
    assert api.get(f"/api/v1/governance/runs/{run.pk}/").status_code == 404
    assert api.get("/api/v1/governance/runs/").json()["count"] == 0
    with time_machine.travel(NOW, tick=False):
        refused = api.post(
            "/api/v1/governance/runs/",
            {"sheet": sheet.pk, "region_code": world.county_a, "as_of": "2021-03-01"},
            format="json",
        )
    assert refused.status_code == 404  # county A's sheet is not visible from county B
    assert ScoringRun.objects.count() == 1


def test_indicators(api: APIClient, world: World) -> None:
    builders.screened(builders.resident(world.village_a, birth=date(1935, 1, 2)), date(2020, 1, 1))
    as_user(api, world, Role.AUDITOR)
    rows = {
        row["code"]: row
        for row in api.get("/api/v1/governance/indicators/", {"on": "2021-03-01"}).json()
    }
    screened = rows["special_difficulty_screened_share"]
    assert (screened["value"], screened["numerator"], screened["denominator"]) == (
        "1.0000",
        "1",
        "1",
    )
    signing = rows["family_doctor_signing_rate"]
    assert signing["value"] is None
    assert [(t["value"], t["due_on"]) for t in signing["targets"]] == [("0.6000", "2019-12-31")]
    assert api.get("/api/v1/governance/indicators/", {"region": world.county_b}).status_code == 404
    as_user(api, world, Role.CAREGIVER)
    assert api.get("/api/v1/governance/indicators/").status_code == 403


def test_openapi_schema_lists_the_governance_endpoints(api: APIClient, world: World) -> None:
    import yaml
    from drf_spectacular.validation import validate_schema

    as_user(api, world, Role.COUNTY_ADMIN)
    document = yaml.safe_load(api.get("/api/v1/schema/").content)
    validate_schema(document)
    paths = document["paths"]
    assert set(paths["/api/v1/governance/task-lists/"]) == {"get"}
    assert set(paths["/api/v1/governance/task-lists/{id}/"]) == {"get"}
    assert set(paths["/api/v1/governance/tasks/{id}/"]) == {"get"}
    assert set(paths["/api/v1/governance/tasks/{id}/reports/"]) == {"post"}
    assert set(paths["/api/v1/governance/runs/"]) == {"get", "post"}
    assert set(paths["/api/v1/governance/indicators/"]) == {"get"}
