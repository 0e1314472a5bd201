"""Refresh the dashboard after a real import has finished (residents or assessments)."""

from typing import Any

from eldercare.dashboards.models import RefreshReason
from eldercare.dashboards.tasks import enqueue_refresh
from eldercare.registry.models import ImportJob, ImportStatus


def refresh_after_import(sender: type[ImportJob], instance: ImportJob, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if instance.is_dry_run or instance.status != ImportStatus.DONE:
        return
    if update_fields is not None and "status" not in update_fields:
        return
    enqueue_refresh(RefreshReason.IMPORT, actor=instance.created_by)


def figures_setting_changed(setting: str, **kwargs: Any) -> None:
    """Tests (override_settings) may change the figure list; re-read it then."""
    if setting == "DASHBOARD_FIGURES":
        from eldercare.dashboards.figures.base import registered_figures

        registered_figures.cache_clear()
