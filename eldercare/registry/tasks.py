"""Background work of the registry: screening-sheet imports started from the page or the API.

An upload becomes an ImportJob (a dry run first, by default) and runs in the django-q worker;
confirming a finished dry run queues a real import of the same stored file.

A real import writes the whole file in one transaction, so progress saved in the job's row would
stay invisible until the end. Progress therefore goes to a small file beside the uploads (the
worker and the web server share that storage already: the worker reads the uploaded file).
"""

import json
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django_q.tasks import async_task

from eldercare.accounts.access import in_scope, require
from eldercare.registry.importing.errors import FileImportError
from eldercare.registry.importing.kinds import import_kind
from eldercare.registry.importing.readers import check_suffix
from eldercare.registry.importing.report import write_error_report
from eldercare.registry.importing.results import ImportResult
from eldercare.registry.models import ImportJob, ImportStatus

PROGRESS_EVERY_ROWS = 1_000
PROGRESS_EVERY_SECONDS = 0.5
# The job's JSON is shown on a page; the complete list is in the error report file.
RESULT_ERRORS_KEPT = 1_000


class ImportJobError(BadRequest):
    """The job is not in a state that allows the request (a 400, not a server error)."""


def start_import_job(
    *,
    actor: Any,
    uploaded_file: UploadedFile,
    is_dry_run: bool,
    is_valid_only: bool,
    kind: str = "residents",
    option: str = "",
) -> ImportJob:
    """Store the upload as a queued job; the worker starts once the transaction commits."""
    import_type = import_kind(kind)
    require(actor, import_type.action)
    try:
        options = import_type.options(option)
    except ValueError as error:
        raise FileImportError(str(error)) from error
    original_name = Path(uploaded_file.name or "").name
    suffix = check_suffix(original_name)
    with transaction.atomic():
        job = ImportJob(
            created_by=actor,
            region_code=actor.region_code or "",
            kind=import_type.key,
            options=options,
            original_name=original_name[:200],
            is_dry_run=is_dry_run,
            is_valid_only=is_valid_only,
        )
        # A random stored name: the original may be long, or name a person.
        job.file.save(f"{secrets.token_hex(8)}{suffix}", uploaded_file, save=False)
        job.save()
        _enqueue(job)
    return job


def confirm_import_job(*, actor: Any, job: ImportJob) -> ImportJob:
    """A real import of a finished dry run's file, with the same valid-rows-only choice."""
    require(actor, import_kind(job.kind).action)
    if job.created_by_id != actor.pk and not in_scope(actor, job.region_code):
        raise Http404("记录不存在")
    if not job.is_dry_run or job.status != ImportStatus.DONE:
        raise ImportJobError("只能确认已完成且可以导入的预检任务")
    with transaction.atomic():
        confirmed = ImportJob.objects.create(
            created_by=actor,
            region_code=actor.region_code or "",
            kind=job.kind,
            options=job.options,
            file=job.file.name,
            original_name=job.original_name,
            is_dry_run=False,
            is_valid_only=job.is_valid_only,
        )
        _enqueue(confirmed)
    return confirmed


def _enqueue(job: ImportJob) -> None:
    transaction.on_commit(
        lambda: async_task(
            "eldercare.registry.tasks.run_import_job", job.pk, task_name=f"import-job-{job.pk}"
        )
    )


def run_import_job(job_id: int) -> None:
    """The worker's body for one ImportJob; runs once even if the task is delivered twice."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    reporter = _ProgressReporter(job.pk)
    try:
        result = import_kind(job.kind).run(
            Path(job.file.path),
            actor=job.created_by,
            dry_run=job.is_dry_run,
            valid_only=job.is_valid_only,
            progress=reporter.rows,
            on_total=reporter.total,
            file_name=job.original_name,
            **job.options,
        )
    except (FileImportError, PermissionDenied) as error:
        _finish(job, ImportStatus.FAILED, {"error": str(error)})
    except Exception:
        # The traceback goes to the worker's log and task record; the page needs an end state.
        _finish(job, ImportStatus.FAILED, {"error": "导入时发生内部错误，请联系系统管理员"})
        raise
    else:
        _finish_with_result(job, result)


FINISHED_STATUSES = frozenset({ImportStatus.DONE, ImportStatus.REFUSED, ImportStatus.FAILED})


def import_job_state(job: ImportJob) -> dict[str, Any]:
    """What the progress page polls and the API returns: status, progress and (when done) result."""
    rows_done, rows_total = import_progress_of(job)
    finished = job.status in FINISHED_STATUSES
    return {
        "id": job.pk,
        "kind": job.kind,
        "options": job.options,
        "file_name": job.original_name,
        "dry_run": job.is_dry_run,
        "valid_only": job.is_valid_only,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "rows_done": rows_done,
        "rows_total": rows_total,
        "finished": finished,
        "result": job.result if finished else None,
        "has_error_report": bool(job.error_report),
    }


def import_progress_of(job: ImportJob) -> tuple[int, int | None]:
    """(rows done, rows in the file or None while counting) as the worker last reported them."""
    if job.status == ImportStatus.RUNNING:
        try:
            reported = json.loads(_progress_path(job.pk).read_text())
        except (FileNotFoundError, ValueError):
            pass
        else:
            return reported["rows_done"], reported["rows_total"]
    return job.rows_done, job.rows_total


def _progress_path(job_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "import-progress" / f"{job_id}.json"


def _report_progress(job_id: int, rows_done: int, rows_total: int | None) -> None:
    path = _progress_path(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial_path = path.with_suffix(".tmp")
    partial_path.write_text(json.dumps({"rows_done": rows_done, "rows_total": rows_total}))
    # Readers see the old or the new file, never half of one.
    partial_path.replace(path)


class _ProgressReporter:
    """Receives the pipeline's callbacks; reports at most every N rows and every T seconds."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.rows_total: int | None = None
        self.last_rows = 0
        self.last_time = time.monotonic()

    def total(self, rows_total: int) -> None:
        self.rows_total = rows_total
        ImportJob.objects.filter(pk=self.job_id).update(rows_total=rows_total)
        _report_progress(self.job_id, 0, rows_total)

    def rows(self, rows_done: int) -> None:
        now = time.monotonic()
        if (
            rows_done - self.last_rows >= PROGRESS_EVERY_ROWS
            and now - self.last_time >= PROGRESS_EVERY_SECONDS
        ):
            _report_progress(self.job_id, rows_done, self.rows_total)
            self.last_rows, self.last_time = rows_done, now


def _finish_with_result(job: ImportJob, result: ImportResult) -> None:
    payload = result.as_dict()
    if len(result.errors) > RESULT_ERRORS_KEPT:
        payload["errors"] = payload["errors"][:RESULT_ERRORS_KEPT]
        payload["errors_total"] = len(result.errors)
    if result.errors:
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "errors.xlsx"
            write_error_report(result, path)
            with path.open("rb") as stream:
                job.error_report.save(f"import-{job.pk}-errors.xlsx", File(stream), save=False)
    job.rows_done = job.rows_total = result.rows
    status = ImportStatus.REFUSED if result.refused else ImportStatus.DONE
    _finish(job, status, payload, "rows_done", "rows_total", "error_report")


def _finish(job: ImportJob, status: str, payload: dict[str, Any], *fields: str) -> None:
    job.status = status
    job.result = payload
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "result", "finished_at", *fields])
    _progress_path(job.pk).unlink(missing_ok=True)
