"""The refresh as a process: the command, the worker task and its coalescing, the nightly
schedule, the refresh after an import, superseded and failed refreshes, and the audit trail."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_q.models import OrmQ, Schedule

from eldercare.core.models import AuditEvent
from eldercare.dashboards import tasks
from eldercare.dashboards.errors import RefreshStateError
from eldercare.dashboards.models import Refresh, RefreshReason, RefreshStatus, RegionCounts
from eldercare.dashboards.services import refresh as refresh_service
from eldercare.dashboards.services.refresh import latest_refresh, refresh_counts
from eldercare.registry.models import ImportJob, ImportStatus
from tests.dashboards.conftest import Town

pytestmark = pytest.mark.django_db


def test_command_refreshes_and_reports(town: Town, capsys) -> None:
    call_command("refresh_dashboard", "--on", town.today.isoformat())
    refresh = latest_refresh()
    assert refresh is not None and refresh.reason == RefreshReason.COMMAND
    assert refresh.as_of == town.today
    out = capsys.readouterr().out
    assert f"统计日期 {town.today:%Y-%m-%d}：已完成，{refresh.regions} 个区划" in out


def test_command_refuses_a_bad_date(town: Town) -> None:
    with pytest.raises(CommandError, match="--on 应为日期"):
        call_command("refresh_dashboard", "--on", "2026-13-01")
    assert not Refresh.objects.exists()


def test_every_refresh_is_audited(town: Town) -> None:
    refresh = refresh_counts(reason=RefreshReason.COMMAND, on=town.today)
    event = AuditEvent.objects.get(object_type="dashboards.refresh", object_id=str(refresh.pk))
    assert event.actor_username == "system"
    assert event.detail["status"] == "done" and event.detail["regions"] == refresh.regions


def test_an_earlier_refresh_finishing_last_is_superseded(town: Town) -> None:
    late_starter = refresh_counts(reason=RefreshReason.COMMAND, on=town.today)
    early = Refresh.objects.create(
        as_of=town.today,
        reason=RefreshReason.NIGHTLY,
        started_at=late_starter.started_at - timedelta(minutes=5),
    )
    refresh_service._store(early, {"": {"special_categories": {"total": 999}}}, None)
    early.refresh_from_db()
    assert early.status == RefreshStatus.SUPERSEDED
    assert not RegionCounts.objects.filter(refresh=early).exists()
    assert latest_refresh() == late_starter


def test_a_refresh_that_is_not_running_cannot_store(town: Town) -> None:
    done = refresh_counts(reason=RefreshReason.COMMAND, on=town.today)
    rows = RegionCounts.objects.count()
    with pytest.raises(RefreshStateError, match="已完成"):
        refresh_service._store(done, {"": {}}, None)
    assert RegionCounts.objects.count() == rows


def test_a_failing_figure_marks_the_refresh_failed_and_keeps_the_old_counts(
    town: Town, settings
) -> None:
    good = refresh_counts(reason=RefreshReason.COMMAND, on=town.today)
    settings.DASHBOARD_FIGURES = ["tests.dashboards.figures_for_tests.BROKEN"]
    with pytest.raises(RuntimeError, match="统计失败"):
        refresh_counts(reason=RefreshReason.COMMAND, on=town.today)
    failed = Refresh.objects.get(status=RefreshStatus.FAILED)
    assert "统计失败" in failed.error and failed.finished_at is not None
    assert latest_refresh() == good


def test_worker_task_skips_when_a_later_refresh_covers_the_request(town: Town) -> None:
    requested_at = timezone.now().isoformat()
    first = tasks.refresh_dashboard(RefreshReason.IMPORT, requested_at)
    assert first is not None
    # A second request queued before the first started is covered by it.
    assert tasks.refresh_dashboard(RefreshReason.IMPORT, requested_at) is None
    assert Refresh.objects.filter(status=RefreshStatus.DONE).count() == 1
    # The nightly run has no request time and always counts.
    assert tasks.refresh_dashboard() is not None


def test_nightly_schedule_is_installed() -> None:
    schedule = Schedule.objects.get(name="dashboard-nightly-refresh")
    assert schedule.func == "eldercare.dashboards.tasks.refresh_dashboard"
    assert schedule.schedule_type == Schedule.DAILY and schedule.repeats == -1
    assert timezone.localtime(schedule.next_run).hour == 2


def _job(town: Town, **fields) -> ImportJob:
    return ImportJob.objects.create(
        created_by=town.world.user("county_admin"),
        region_code=town.world.county_a,
        file="imports/x.csv",
        original_name="x.csv",
        **fields,
    )


def test_a_finished_real_import_queues_a_refresh(
    town: Town, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = _job(town, is_dry_run=False, status=ImportStatus.RUNNING)
        job.status = ImportStatus.DONE
        job.save(update_fields=["status"])
    (queued,) = OrmQ.objects.all()
    assert queued.func() == tasks.TASK
    assert queued.task["args"][0] == "import"


@pytest.mark.parametrize(
    ("dry_run", "status"),
    [(True, ImportStatus.DONE), (False, ImportStatus.REFUSED), (False, ImportStatus.FAILED)],
)
def test_dry_runs_and_refused_imports_do_not(
    town: Town, django_capture_on_commit_callbacks, dry_run: bool, status: str
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = _job(town, is_dry_run=dry_run, status=ImportStatus.RUNNING)
        job.status = status
        job.save(update_fields=["status"])
    assert not OrmQ.objects.exists()
