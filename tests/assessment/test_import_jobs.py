"""Paper assessments through the shared import jobs: the page, the API and the worker (sync)."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django_q.conf import Conf

from eldercare.assessment.models import Assessment, CurrentAssessment
from eldercare.assessment.scoring import GBT42195, MZT039
from eldercare.registry.models import ImportJob, ImportStatus, Resident
from tests import factories
from tests.assessment.import_sheets import gb_row, headers, mz_row
from tests.conftest import World
from tests.registry.api.helpers import client_for
from tests.registry.importing.sheets import write_xlsx

pytestmark = pytest.mark.django_db
Commits = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


@pytest.fixture(autouse=True)
def sync_worker(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(Conf, "SYNC", True)
    with override_settings(Q_CLUSTER={**settings.Q_CLUSTER, "sync": True}):
        yield


@pytest.fixture
def people(world: World) -> list[Resident]:
    return [
        factories.resident(world.village_a, name=name, birth=date(1938 + n, 3, 5))
        for n, name in enumerate(["张一", "王二"])
    ]


def sheet(tmp_path: Path, rows: list[dict[str, Any]], standard: str) -> SimpleUploadedFile:
    path = write_xlsx(tmp_path / "paper.xlsx", rows, headers=headers(standard))
    return SimpleUploadedFile("纸质评估.xlsx", path.read_bytes())


def page_client(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.user(role))
    return client


def test_page_dry_run_then_confirm(
    world: World,
    people: list[Resident],
    tmp_path: Path,
    django_capture_on_commit_callbacks: Commits,
) -> None:
    client = page_client(world, "county_admin")
    page = client.get("/registry/import/assessments/").content.decode()
    assert "能力评估结果" in page and "assessment-template-gbt42195-2022" in page
    rows = [gb_row(people[0], total=50), gb_row(people[1], total=90)]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/registry/import/assessments/",
            {"file": sheet(tmp_path, rows, GBT42195), "option": GBT42195},
        )
    job = ImportJob.objects.get()
    assert response.url == f"/registry/import/{job.pk}/"
    assert (job.kind, job.options, job.status) == (
        "assessments",
        {"standard": GBT42195},
        ImportStatus.DONE,
    )
    assert job.result["created"] == 2 and not Assessment.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/registry/import/{job.pk}/confirm/")
    assert sorted(Assessment.objects.values_list("level", flat=True)) == [0, 2]
    assert CurrentAssessment.objects.count() == 2


def test_api_upload_with_errors_is_refused_with_a_report(
    world: World,
    people: list[Resident],
    tmp_path: Path,
    django_capture_on_commit_callbacks: Commits,
) -> None:
    rows = [mz_row(people[0]), mz_row(people[1], 进食=7)]
    client = client_for(world.user("county_admin"))
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            "/api/v1/imports/",
            {"file": sheet(tmp_path, rows, MZT039), "kind": "assessments", "standard": MZT039},
            format="multipart",
        )
    assert created.status_code == 202, created.json()
    state = client.get(f"/api/v1/imports/{created.json()['id']}/").json()
    assert (state["kind"], state["status"], state["result"]["rejected"]) == (
        "assessments",
        "refused",
        1,
    )
    assert client.get(f"/api/v1/imports/{created.json()['id']}/errors/").status_code == 200
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [({"kind": "pets"}, "kind 应为"), ({"kind": "assessments", "standard": "x"}, "standard 应为")],
)
def test_bad_kind_or_option_is_400(
    world: World, tmp_path: Path, data: dict[str, str], message: str
) -> None:
    client = client_for(world.user("county_admin"))
    response = client.post(
        "/api/v1/imports/",
        {"file": SimpleUploadedFile("a.xlsx", b"x"), **data},
        format="multipart",
    )
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not ImportJob.objects.exists()


def test_township_worker_imports_residents_but_not_assessments(
    world: World, people: list[Resident], tmp_path: Path
) -> None:
    client = page_client(world, "township_worker")
    assert client.get("/registry/import/").status_code == 200
    assert client.get("/registry/import/assessments/").status_code == 403
    template = "/registry/import/assessments/templates/assessment-template-mzt039-2013.xlsx"
    assert client.get(template).status_code == 403
    api = client_for(world.user("township_worker"))
    response = api.post(
        "/api/v1/imports/",
        {"file": sheet(tmp_path, [mz_row(people[0])], MZT039), "kind": "assessments"},
        format="multipart",
    )
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_template_download(world: World) -> None:
    client = page_client(world, "county_admin")
    response = client.get(
        "/registry/import/assessments/templates/assessment-template-gbt42195-2022.xlsx"
    )
    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    assert client.get("/registry/import/assessments/templates/nope.xlsx").status_code == 404
    assert client.get("/registry/import/pets/").status_code == 404
