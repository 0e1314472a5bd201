"""Two imports racing to create the same village points (real threads and connections, on
PostgreSQL): one file is stored whole, the other is refused whole — never a mix, never a
duplicate, never a server error."""

import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from eldercare.accounts.models import Role
from eldercare.planning.errors import PlanningDataError
from eldercare.planning.models import VillagePoint
from eldercare.planning.services import ImportOutcome, import_village_points, locations
from tests.concurrency import race
from tests.conftest import World
from tests.planning.files import write_csv

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises all writers")
def test_racing_imports_store_one_file_whole(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = locations._point_values

    def slow(*args: Any) -> dict[str, Any]:
        time.sleep(0.2)  # both read "no point yet" before either writes
        return original(*args)

    monkeypatch.setattr(locations, "_point_values", slow)
    header = ["区划代码", "纬度", "经度"]
    first = write_csv(
        tmp_path / "a.csv",
        [header, [world.village_a, "26.42", "111.61"], [world.village_a2, "26.43", "111.61"]],
    )
    second = write_csv(
        tmp_path / "b.csv",
        [header, [world.village_a2, "26.44", "111.62"], [world.village_a_other, "26.5", "111.7"]],
    )
    admin = world.user(Role.COUNTY_ADMIN)
    results = race(
        lambda: import_village_points(actor=admin, path=first),
        lambda: import_village_points(actor=admin, path=second),
    )
    stored = [r for r in results if isinstance(r, ImportOutcome)]
    refused = [r for r in results if isinstance(r, PlanningDataError)]
    codes = set(VillagePoint.objects.values_list("region_code", flat=True))
    if len(stored) == 2:  # the second ran after the first committed: an update, still whole
        assert codes == {world.village_a, world.village_a2, world.village_a_other}
    else:
        assert len(stored) == 1 and len(refused) == 1, results
        assert refused[0].problems[0].code == "concurrent_change"
        winner = first if results[0] is stored[0] else second
        expected = (
            {world.village_a, world.village_a2}
            if winner == first
            else {
                world.village_a2,
                world.village_a_other,
            }
        )
        assert codes == expected
    assert VillagePoint.objects.count() == len(codes)
