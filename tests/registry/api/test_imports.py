"""/api/v1/imports/: upload → dry run → poll → confirm → real import, through the worker (sync)."""

import io
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django_q.conf import Conf
from python_calamine import CalamineWorkbook

from eldercare.registry import tasks
from eldercare.registry.models import ImportJob, ImportStatus, Resident
from tests.conftest import World
from tests.registry.api.helpers import client_for
from tests.registry.importing.sheets import person, write_xlsx

pytestmark = pytest.mark.django_db

Commits = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
URL = "/api/v1/imports/"


@pytest.fixture(autouse=True)
def sync_worker(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(Conf, "SYNC", True)
    with override_settings(Q_CLUSTER={**settings.Q_CLUSTER, "sync": True}):
        yield


def sheet(tmp_path: Path, rows: list[dict[str, Any]], name: str = "多福社区.xlsx") -> Any:
    path = write_xlsx(tmp_path / "upload.xlsx", rows)
    return SimpleUploadedFile(name, path.read_bytes())


def upload(world: World, tmp_path: Path, commits: Commits, rows: list[dict[str, Any]], **data: Any):
    with commits(execute=True):
        return client_for(world.user("county_admin")).post(
            URL, {"file": sheet(tmp_path, rows), **data}, format="multipart"
        )


def test_upload_dry_run_poll_confirm_and_import(
    world: World, tmp_path: Path, django_capture_on_commit_callbacks: Commits
) -> None:
    response = upload(world, tmp_path, django_capture_on_commit_callbacks, [person(), person()])
    assert response.status_code == 202
    job_id = response.json()["id"]
    assert response.json()["dry_run"] is True
    assert not Resident.objects.exists()

    client = client_for(world.user("county_admin"))
    state = client.get(f"{URL}{job_id}/").json()
    assert state["status"] == "done" and state["finished"] is True
    assert (state["rows_done"], state["rows_total"]) == (2, 2)
    assert state["result"]["created"] == 2
    assert state["file_name"] == "多福社区.xlsx"

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(f"{URL}{job_id}/confirm/")
    assert confirmed.status_code == 202
    assert confirmed.json()["dry_run"] is False
    assert client.get(f"{URL}{confirmed.json()['id']}/").json()["status"] == "done"
    assert Resident.objects.count() == 2


def test_rows_with_errors_refuse_the_file_and_offer_the_report(
    world: World, tmp_path: Path, django_capture_on_commit_callbacks: Commits
) -> None:
    bad = person(民族="火星族")
    response = upload(world, tmp_path, django_capture_on_commit_callbacks, [person(), bad])
    job_id = response.json()["id"]
    client = client_for(world.user("county_admin"))
    state = client.get(f"{URL}{job_id}/").json()
    assert state["status"] == "refused"
    assert state["result"]["rejected"] == 1
    assert state["has_error_report"] is True

    report = client.get(f"{URL}{job_id}/errors/")
    assert report.status_code == 200
    rows = CalamineWorkbook.from_filelike(
        io.BytesIO(b"".join(report.streaming_content))
    ).get_sheet_by_index(0)
    assert any("火星族" in str(cell) for row in rows.to_python() for cell in row)

    refused = client.post(f"{URL}{job_id}/confirm/")
    assert refused.status_code == 409
    assert "预检" in refused.json()["detail"]
    assert ImportJob.objects.count() == 1
    assert not Resident.objects.exists()


def test_valid_only_upload_imports_the_good_rows(
    world: World, tmp_path: Path, django_capture_on_commit_callbacks: Commits
) -> None:
    bad = person(民族="火星族")
    response = upload(
        world,
        tmp_path,
        django_capture_on_commit_callbacks,
        [person(), bad],
        dry_run="false",
        valid_only="true",
    )
    assert response.status_code == 202
    state = client_for(world.user("county_admin")).get(f"{URL}{response.json()['id']}/").json()
    assert state["dry_run"] is False and state["result"]["created"] == 1
    assert Resident.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "缺少文件"),
        ({"file": SimpleUploadedFile("名册.docx", b"x")}, "不支持的文件格式"),
        ({"dry_run": "maybe"}, "dry_run 应为 true 或 false"),
    ],
)
def test_bad_uploads_are_400_and_create_no_job(
    world: World, tmp_path: Path, data: dict[str, Any], message: str
) -> None:
    if "file" not in data and "dry_run" in data:
        data = {**data, "file": sheet(tmp_path, [person()])}
    response = client_for(world.user("county_admin")).post(URL, data, format="multipart")
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not ImportJob.objects.exists()


def test_confirming_a_real_import_is_a_conflict(
    world: World, tmp_path: Path, django_capture_on_commit_callbacks: Commits
) -> None:
    response = upload(
        world, tmp_path, django_capture_on_commit_callbacks, [person()], dry_run="false"
    )
    answer = client_for(world.user("county_admin")).post(f"{URL}{response.json()['id']}/confirm/")
    assert answer.status_code == 409
    assert ImportJob.objects.count() == 1


@pytest.mark.parametrize(
    ("user", "expected"), [("county_b_admin", 404), ("caregiver", 403), (None, 401)]
)
def test_jobs_of_another_region_or_role_are_invisible(
    world: World,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Commits,
    user: str | None,
    expected: int,
) -> None:
    response = upload(world, tmp_path, django_capture_on_commit_callbacks, [person()])
    job_id = response.json()["id"]
    client = client_for(world.user(user) if user else None)
    for method, path in (
        ("get", f"{URL}{job_id}/"),
        ("post", f"{URL}{job_id}/confirm/"),
        ("get", f"{URL}{job_id}/errors/"),
    ):
        assert getattr(client, method)(path).status_code == expected, path
    assert ImportJob.objects.count() == 1
    assert not Resident.objects.exists()


def test_progress_of_a_running_job_comes_from_the_worker_report(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real import holds one transaction; the worker's report is what the page can see."""
    monkeypatch.setattr(tasks, "PROGRESS_EVERY_ROWS", 1)
    monkeypatch.setattr(tasks, "PROGRESS_EVERY_SECONDS", 0)
    job = ImportJob.objects.create(
        created_by=world.user("county_admin"),
        region_code=world.county_a,
        original_name="x.csv",
        status=ImportStatus.RUNNING,
    )
    reporter = tasks._ProgressReporter(job.pk)
    reporter.total(500)
    assert tasks.import_job_state(job)["rows_total"] == 500
    reporter.rows(200)
    state = client_for(world.user("county_admin")).get(f"{URL}{job.pk}/").json()
    assert (state["rows_done"], state["rows_total"], state["finished"]) == (200, 500, False)

    tasks._finish(job, ImportStatus.DONE, {"rows": 500})
    assert not tasks._progress_path(job.pk).exists()
    job.refresh_from_db()
    assert tasks.import_job_state(job)["result"] == {"rows": 500}
