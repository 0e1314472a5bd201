"""Import jobs: started from an upload, run by the django-q worker (in sync mode here),
confirmed into a real import."""

import io
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import override_settings
from django_q.conf import Conf
from python_calamine import CalamineWorkbook

from eldercare.registry import tasks
from eldercare.registry.importing.errors import FileImportError
from eldercare.registry.models import ImportJob, ImportStatus, Resident
from eldercare.registry.tasks import (
    ImportJobError,
    confirm_import_job,
    run_import_job,
    start_import_job,
)
from tests.conftest import World
from tests.registry.importing.sheets import person, write_xlsx

pytestmark = pytest.mark.django_db

Commits = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


@pytest.fixture(autouse=True)
def sync_worker(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """django-q reads Q_CLUSTER once at import into Conf, so the override alone is not enough."""
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(Conf, "SYNC", True)
    with override_settings(Q_CLUSTER={**settings.Q_CLUSTER, "sync": True}):
        yield


def upload(tmp_path: Path, rows: list[dict[str, Any]], name: str = "多福社区.xlsx") -> Any:
    path = write_xlsx(tmp_path / "upload.xlsx", rows)
    return SimpleUploadedFile(name, path.read_bytes())


def start(
    world: World,
    tmp_path: Path,
    commits: Commits,
    rows: list[dict[str, Any]],
    *,
    user: str = "county_admin",
    **options: Any,
) -> ImportJob:
    options = {"is_dry_run": True, "is_valid_only": False, **options}
    with commits(execute=True):
        job = start_import_job(
            actor=world.user(user), uploaded_file=upload(tmp_path, rows), **options
        )
    job.refresh_from_db()
    return job


def test_dry_run_job_end_to_end_then_confirm(
    world: World, tmp_path: Path, django_capture_on_commit_callbacks: Commits
) -> None:
    job = start(world, tmp_path, django_capture_on_commit_callbacks, [person(), person()])
    assert job.status == ImportStatus.DONE
    assert (job.rows_done, job.rows_total) == (2, 2)
    assert job.result["created"] == 2
    assert job.result["errors"] == []
    assert not job.error_report
    assert job.original_name == "多福社区.xlsx"
    assert job.region_code == world.county_a
    assert job.finished_at is not None
    assert Resident.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        real = confirm_import_job(actor=world.user("county_admin"), job=job)
    real.refresh_from_db()
    assert (real.is_dry_run, real.status, real.file.name) == (
        False,
        ImportStatus.DONE,
        job.file.name,
    )
    assert Resident.objects.count() == 2


def test_job_with_errors_is_refused_with_an_error_report(
    world: World, tmp_path: Path, django_capture_on_commit_callbacks: Commits
) -> None:
    job = start(
        world,
        tmp_path,
        django_capture_on_commit_callbacks,
        [person(), person(民族="火星族")],
        is_dry_run=False,
    )
    assert job.status == ImportStatus.REFUSED
    assert job.rows_done == job.result["rows"] == 2
    assert [(e["row"], e["code"]) for e in job.result["errors"]] == [(3, "ethnicity_unknown")]
    with job.error_report.open("rb") as stream:
        report = CalamineWorkbook.from_filelike(io.BytesIO(stream.read()))
    assert report.get_sheet_by_name("错误明细").to_python()[1][1] == 3.0
    assert Resident.objects.count() == 0
    with pytest.raises(ImportJobError):
        confirm_import_job(actor=world.user("county_admin"), job=job)


def test_valid_only_job_keeps_good_rows(
    world: World, tmp_path: Path, django_capture_on_commit_callbacks: Commits
) -> None:
    job = start(
        world,
        tmp_path,
        django_capture_on_commit_callbacks,
        [person(), person(民族="火星族")],
        is_dry_run=False,
        is_valid_only=True,
    )
    assert (job.status, job.result["created"], job.result["rejected"]) == (ImportStatus.DONE, 1, 1)
    assert job.error_report
    assert Resident.objects.count() == 1


def test_the_result_keeps_the_first_thousand_errors(
    world: World, tmp_path: Path, django_capture_on_commit_callbacks: Commits, monkeypatch: Any
) -> None:
    monkeypatch.setattr("eldercare.registry.tasks.RESULT_ERRORS_KEPT", 2)
    rows = [person(民族="火星族") for _ in range(3)]
    job = start(world, tmp_path, django_capture_on_commit_callbacks, rows)
    assert len(job.result["errors"]) == 2
    assert job.result["errors_total"] == 3


def test_unreadable_file_fails_with_the_message(
    world: World, tmp_path: Path, django_capture_on_commit_callbacks: Commits
) -> None:
    job = start(
        world,
        tmp_path,
        django_capture_on_commit_callbacks,
        [{k: v for k, v in person().items() if k != "公民身份号码"}],
    )
    assert job.status == ImportStatus.FAILED
    assert job.result == {"error": "缺少必需的列：公民身份号码"}


def test_progress_is_reported_while_running(
    world: World, tmp_path: Path, django_capture_on_commit_callbacks: Commits, monkeypatch: Any
) -> None:
    monkeypatch.setattr("eldercare.registry.importing.pipeline.BATCH_SIZE", 1)
    monkeypatch.setattr(tasks, "PROGRESS_EVERY_ROWS", 1)
    monkeypatch.setattr(tasks, "PROGRESS_EVERY_SECONDS", 0)
    reports: list[tuple[int, int | None, bool]] = []
    report = tasks._report_progress

    def report_and_read_back(job_id: int, rows_done: int, rows_total: int | None) -> None:
        report(job_id, rows_done, rows_total)
        job = ImportJob.objects.get(pk=job_id)
        state = tasks.import_job_state(job)
        reports.append((state["rows_done"], state["rows_total"], state["finished"]))

    monkeypatch.setattr(tasks, "_report_progress", report_and_read_back)
    job = start(world, tmp_path, django_capture_on_commit_callbacks, [person(), person(), person()])
    assert reports == [(0, 3, False), (1, 3, False), (2, 3, False), (3, 3, False)]
    assert (job.rows_done, job.rows_total) == (3, 3)
    assert not tasks._progress_path(job.pk).exists()


def test_a_job_runs_once(
    world: World, tmp_path: Path, django_capture_on_commit_callbacks: Commits
) -> None:
    job = start(world, tmp_path, django_capture_on_commit_callbacks, [person()], is_dry_run=False)
    finished_at = job.finished_at
    run_import_job(job.pk)
    job.refresh_from_db()
    assert (job.finished_at, Resident.objects.count()) == (finished_at, 1)


def test_role_without_import_permission_starts_nothing(world: World, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        start_import_job(
            actor=world.user("village_worker"),
            uploaded_file=upload(tmp_path, [person()]),
            is_dry_run=True,
            is_valid_only=False,
        )
    assert ImportJob.objects.count() == 0
    assert not (tmp_path / "media").exists()


def test_unsupported_format_starts_nothing(world: World, tmp_path: Path) -> None:
    with pytest.raises(FileImportError, match="不支持的文件格式"):
        start_import_job(
            actor=world.user("county_admin"),
            uploaded_file=SimpleUploadedFile("名单.docx", b"x"),
            is_dry_run=True,
            is_valid_only=False,
        )
    assert ImportJob.objects.count() == 0


def test_only_the_creator_or_a_covering_scope_may_confirm(
    world: World, tmp_path: Path, django_capture_on_commit_callbacks: Commits
) -> None:
    job = start(
        world, tmp_path, django_capture_on_commit_callbacks, [person()], user="township_worker"
    )
    with pytest.raises(Http404):
        confirm_import_job(actor=world.user("county_b_admin"), job=job)
    with pytest.raises(PermissionDenied):
        confirm_import_job(actor=world.user("auditor"), job=job)
    assert ImportJob.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = confirm_import_job(actor=world.user("county_admin"), job=job)
    assert confirmed.created_by == world.user("county_admin")
    assert Resident.objects.count() == 1
