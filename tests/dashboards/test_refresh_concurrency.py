"""Refreshes racing on real connections (one per thread): whatever the interleaving, exactly one
refresh is shown afterwards, only its counts are kept, and they are complete."""

import time
from typing import Any

import pytest

from eldercare.dashboards.models import Refresh, RefreshReason, RefreshStatus, RegionCounts
from eldercare.dashboards.services import refresh as refresh_service
from eldercare.dashboards.services.refresh import latest_refresh, refresh_counts
from tests.concurrency import race
from tests.dashboards.conftest import Town

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("attempt", range(3))
def test_racing_refreshes_leave_one_complete_result(
    town: Town, monkeypatch: pytest.MonkeyPatch, attempt: int
) -> None:
    original = refresh_service.rollup

    def slow_rollup(*args: Any, **kwargs: Any) -> Any:
        # Both have counted before either stores: the window in which they could interleave.
        time.sleep(0.2 * (attempt + 1))
        return original(*args, **kwargs)

    monkeypatch.setattr(refresh_service, "rollup", slow_rollup)
    # A refresh counts everything: each thread gets longer than the default.
    results = race(
        *(lambda: refresh_counts(reason=RefreshReason.COMMAND, on=town.today) for _ in range(3)),
        join_seconds=120,
    )
    assert all(isinstance(result, Refresh) for result in results), results
    shown = latest_refresh()
    assert shown is not None
    assert list(Refresh.objects.filter(status=RefreshStatus.DONE)) == [shown]
    assert set(Refresh.objects.values_list("status", flat=True)) <= {
        RefreshStatus.DONE,
        RefreshStatus.SUPERSEDED,
    }
    assert set(RegionCounts.objects.values_list("refresh_id", flat=True)) == {shown.pk}
    country = RegionCounts.objects.get(refresh=shown, region_code="")
    assert country.counts["special_categories"]["total"] == 8
