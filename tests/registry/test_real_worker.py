"""The import runs in a real django-q worker process, not inline."""

import os
import signal
import subprocess
import sys
import time
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from eldercare.accounts.models import Role
from eldercare.registry.models import ImportJob, ImportStatus, Resident
from eldercare.registry.tasks import start_import_job
from tests import factories


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    credentials = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    return (
        f"postgres://{credentials}@{settings['HOST']}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )


@pytest.fixture
def worker(transactional_db: None):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "eldercare.settings_test",
        "ELDERCARE_TESTING": "1",
        "WORKER_PROCESSES": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "django", "qcluster"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    yield process
    # SIGTERM to the cluster's main process only: it stops its own workers in order.
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def test_worker_process_imports_an_uploaded_sheet(world, worker) -> None:
    rows = [
        "姓名,公民身份号码,所属区划代码,居住状况",
        f"张三,{factories.id_number(date(1950, 3, 5), sex='M')},{world.village_a},独居",
        f"李四,{factories.id_number(date(1945, 7, 1))},{world.village_a},空巢",
    ]
    upload = SimpleUploadedFile("screening.csv", "\n".join(rows).encode("utf-8-sig"))
    job = start_import_job(
        actor=world.user(Role.TOWNSHIP_WORKER),
        uploaded_file=upload,
        is_dry_run=False,
        is_valid_only=False,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in (ImportStatus.DONE, ImportStatus.REFUSED, ImportStatus.FAILED):
            break
        assert worker.poll() is None, (
            worker.stderr.read().decode() if worker.stderr else "worker died"
        )
        time.sleep(0.3)
    assert job.status == ImportStatus.DONE, job.result
    assert job.result["created"] == 2
    assert job.rows_done == 2
    assert sorted(Resident.objects.values_list("name", flat=True)) == ["张三", "李四"]
    assert ImportJob.objects.count() == 1
