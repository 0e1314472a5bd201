"""Background work of the dashboard, run by the django-q worker: the refresh after an import, the
nightly one (a django-q schedule, see migrations/0002) and the one asked for from the page.

Requests coalesce: a refresh queued at time T is skipped when one started after T is running or
done, since that one already counts everything T asked for (ten imports in a row refresh once or
twice, not ten times).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from eldercare.accounts.models import User
from eldercare.dashboards.models import Refresh, RefreshReason, RefreshStatus
from eldercare.dashboards.services.refresh import refresh_counts

TASK = "eldercare.dashboards.tasks.refresh_dashboard"


def refresh_dashboard(
    reason: str = RefreshReason.NIGHTLY, requested_at: str = "", actor_id: int | None = None
) -> int | None:
    """The worker's body: the new refresh's id, or None when a later one already covers it."""
    if requested_at:
        since = datetime.fromisoformat(requested_at)
        covered = Refresh.objects.filter(
            started_at__gte=since, status__in=(RefreshStatus.RUNNING, RefreshStatus.DONE)
        )
        if covered.exists():
            return None
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return refresh_counts(reason=RefreshReason(reason), actor=actor).pk


def enqueue_refresh(reason: RefreshReason, actor: Any = None) -> None:
    """Queue a refresh once the current transaction commits (what it counts must be visible)."""
    requested_at = timezone.now().isoformat()
    actor_id = getattr(actor, "pk", None)
    transaction.on_commit(
        lambda: async_task(
            TASK, str(reason), requested_at, actor_id, task_name=f"dashboard-refresh-{reason}"
        )
    )
