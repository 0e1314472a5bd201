from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from eldercare.registry.importing.pipeline import import_residents
from eldercare.registry.importing.results import ImportResult
from tests.conftest import World
from tests.registry.importing.sheets import TODAY, write_csv, write_xlsx

Importer = Callable[..., ImportResult]


@pytest.fixture
def run_import(world: World, tmp_path: Path) -> Importer:
    """Write `rows` to a file and import it as `user` (the county administrator of county A)."""

    def run(
        rows: list[dict[str, Any]],
        *,
        user: str = "county_admin",
        suffix: str = ".xlsx",
        dry_run: bool = False,
        valid_only: bool = False,
        **options: Any,
    ) -> ImportResult:
        path = tmp_path / f"sheet{suffix}"
        if suffix == ".csv":
            write_csv(path, rows, **options)
        else:
            write_xlsx(path, rows, **options)
        return import_residents(
            path, actor=world.user(user), dry_run=dry_run, valid_only=valid_only, today=TODAY
        )

    return run
