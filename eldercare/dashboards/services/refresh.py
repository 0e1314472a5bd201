"""The refresh: every pre-aggregating figure counts per village as of a day, the counts are rolled
up to every region above by code prefix, and the result replaces the previous refresh at once.

Counting is read-only and runs outside any transaction (it takes seconds on a million residents);
only storing the result is one short transaction, so the web keeps showing the previous counts
until the new ones are complete. Two refreshes may run at the same time: the one started later
wins, an earlier one finishing after it is marked superseded and stores nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from eldercare.core import audit
from eldercare.core.models import AuditAction
from eldercare.dashboards.errors import RefreshStateError
from eldercare.dashboards.figures.base import registered_figures
from eldercare.dashboards.models import Refresh, RefreshReason, RefreshStatus, RegionCounts
from eldercare.dashboards.rollup import Counts, rollup

BATCH_SIZE = 1_000


def collect_by_village(on: date) -> dict[str, Counts]:
    """{village code: {figure key: {count key: n}}} from every pre-aggregating figure."""
    by_village: dict[str, Counts] = {}
    for figure in registered_figures():
        if figure.collect is None:
            continue
        for code, key, value in figure.collect(on):
            counts = by_village.setdefault(code, {}).setdefault(figure.key, {})
            counts[key] = counts.get(key, 0) + int(value)
    return by_village


def refresh_counts(*, reason: RefreshReason, on: date | None = None, actor: Any = None) -> Refresh:
    """Count, roll up and store; the new counts are shown once this returns with status done."""
    refresh = Refresh.objects.create(
        as_of=on or timezone.localdate(),
        reason=reason,
        started_at=timezone.now(),
        requested_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        regions = rollup(collect_by_village(refresh.as_of))
        _store(refresh, regions, actor)
    except RefreshStateError:
        raise
    except Exception as error:
        Refresh.objects.filter(pk=refresh.pk, status=RefreshStatus.RUNNING).update(
            status=RefreshStatus.FAILED, finished_at=timezone.now(), error=str(error)[:2000]
        )
        raise
    return refresh


def _store(refresh: Refresh, regions: dict[str, Counts], actor: Any) -> None:
    with transaction.atomic():
        # Storing is serialised: every unfinished or shown refresh is locked (in one order, so two
        # refreshes cannot deadlock), so one that finishes second sees the first one's outcome.
        locked = {
            row.pk: row
            for row in Refresh.objects.select_for_update()
            .filter(status__in=(RefreshStatus.RUNNING, RefreshStatus.DONE))
            .order_by("pk")
        }
        current = locked.get(refresh.pk) or Refresh.objects.get(pk=refresh.pk)
        if current.status != RefreshStatus.RUNNING:
            raise RefreshStateError(refresh.pk, current.get_status_display())
        newer = Refresh.objects.filter(
            status=RefreshStatus.DONE, started_at__gt=refresh.started_at
        ).exists()
        if newer:
            refresh.status = RefreshStatus.SUPERSEDED
        else:
            RegionCounts.objects.bulk_create(
                (
                    RegionCounts(refresh=refresh, region_code=code, counts=counts)
                    for code, counts in regions.items()
                ),
                batch_size=BATCH_SIZE,
            )
            # Earlier results are never shown again; failures stay as a record of what went wrong.
            Refresh.objects.filter(
                status__in=(RefreshStatus.DONE, RefreshStatus.SUPERSEDED),
                started_at__lte=refresh.started_at,
            ).exclude(pk=refresh.pk).delete()
            refresh.status = RefreshStatus.DONE
            refresh.regions = len(regions)
        refresh.finished_at = timezone.now()
        refresh.save(update_fields=["status", "regions", "finished_at"])
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=refresh,
            detail={
                "as_of": refresh.as_of.isoformat(),
                "reason": refresh.reason,
                "status": refresh.status,
                "regions": refresh.regions,
                "seconds": round((refresh.finished_at - refresh.started_at).total_seconds(), 1),
            },
        )


def latest_refresh() -> Refresh | None:
    return Refresh.objects.filter(status=RefreshStatus.DONE).order_by("-started_at", "-id").first()
