"""What every sheet import shares: the frame it runs in, and the helpers its checks and writes use.

`run_import` is that frame: find the header, pass 1 (count the rows, find the repeated ones),
pass 2 in batches (check, then write unless all-or-nothing has already failed), everything in one
transaction that is rolled back when the import is refused, and one audit IMPORT event with the
file's SHA-256 and the counts. A dry run writes nothing and opens no transaction (on SQLite a
write transaction would lock out every other writer meanwhile). The screening sheet
(pipeline.py) and the apps' sheets (e.g. assessment.importing) run in it.
"""

import hashlib
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import closing
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any, Protocol, TypeVar

from django.db import models, transaction

from eldercare.core.audit import record
from eldercare.core.db import ANALYZE_AFTER_ROWS, refresh_planner_statistics
from eldercare.core.idcard import IdNumberError, parse_id_number
from eldercare.core.models import AuditAction
from eldercare.registry.importing.readers import NumberedRow, Table, open_table
from eldercare.registry.importing.results import ImportResult

# SQLite before 3.32 allows 999 parameters per statement.
_IN_CHUNK = 900
# The per-file caches of the row checks (names, codes, needs) stop growing at this size.
CACHE_LIMIT = 100_000
_MAX_ROWS_NAMED = 10

KeyT = TypeVar("KeyT", bound=Hashable)
PlanT = TypeVar("PlanT")
ItemT = TypeVar("ItemT")


class SheetLayout(Protocol):
    """What the frame needs of an import's layout: where the header is, what it warned of."""

    @property
    def header_row(self) -> int: ...

    @property
    def warnings(self) -> list[str]: ...


LayoutT = TypeVar("LayoutT", bound=SheetLayout)


class BatchImporter(Protocol[PlanT]):
    """Pass 2 of an import: checks a batch of rows (counting them), writes the valid ones."""

    def check_batch(self, batch: list[NumberedRow]) -> list[PlanT]: ...

    def write(self, plans: list[PlanT]) -> None: ...


def run_import(
    path: Path,
    *,
    actor: Any,
    object_type: str,
    find_layout: Callable[[Iterator[NumberedRow]], LayoutT],
    prepare: Callable[[Table, LayoutT, ImportResult], tuple[int, BatchImporter[PlanT]]],
    batch_size: int,
    dry_run: bool,
    valid_only: bool,
    progress: Callable[[int], None] | None,
    on_total: Callable[[int], None] | None,
    sheet: str | None,
    file_name: str,
    written_tables: Sequence[type[models.Model]] = (),
) -> ImportResult:
    """Import the sheet at `path`; FileImportError when the file itself is unusable.

    `prepare` is pass 1: it returns the number of data rows and the importer of pass 2.
    `object_type` is what the IMPORT event names as imported; `written_tables` get fresh planner
    statistics after a large import.
    """
    with open_table(path, sheet=sheet) as table:
        with closing(table.rows()) as head:
            layout = find_layout(head)
        result = ImportResult(
            sheet=table.sheet or Path(file_name).stem,
            warnings=list(layout.warnings),
            dry_run=dry_run,
            valid_only=valid_only,
        )
        total, importer = prepare(table, layout, result)
        if on_total is not None:
            on_total(total)
        rows = data_rows(table, layout)
        if dry_run:
            _run_batches(importer, rows, result, batch_size, writing=False, progress=progress)
        else:
            with transaction.atomic():
                _run_batches(importer, rows, result, batch_size, writing=True, progress=progress)
                if result.refused:
                    transaction.set_rollback(True)
                else:
                    record_import(actor, path, file_name, result, object_type=object_type)
            if result.refused:
                record_import(actor, path, file_name, result, object_type=object_type)
            elif result.created + result.updated >= ANALYZE_AFTER_ROWS:
                refresh_planner_statistics(*written_tables)
    if result.rows == 0:
        result.warnings.append("表头下没有数据行")
    return result


def _run_batches(
    importer: BatchImporter[PlanT],
    rows: Iterator[NumberedRow],
    result: ImportResult,
    batch_size: int,
    *,
    writing: bool,
    progress: Callable[[int], None] | None,
) -> None:
    while batch := list(islice(rows, batch_size)):
        plans = importer.check_batch(batch)
        if writing and plans and not result.refused:
            importer.write(plans)
        if progress is not None:
            progress(result.rows)


def record_import(
    actor: Any, path: Path, file_name: str, result: ImportResult, *, object_type: str
) -> None:
    """The audit IMPORT event: the file's name and SHA-256, whether it was imported, the counts."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    record(
        actor=actor,
        action=AuditAction.IMPORT,
        object_type=object_type,
        object_repr=file_name[:200],
        region_code=getattr(actor, "region_code", "") or "",
        detail={
            "file": file_name,
            "sha256": digest.hexdigest(),
            "sheet": result.sheet,
            "valid_only": result.valid_only,
            "imported": not result.refused,
            **{key: value for key, value in result.as_dict().items() if isinstance(value, int)},
        },
    )


# --- reading rows --------------------------------------------------------------------------------


def is_blank(value: object) -> bool:
    if isinstance(value, str):
        return not value or value.isspace()
    return value is None


def cell(cells: Sequence[Any], position: int | None) -> Any:
    """The cell at `position`; None for a column the file lacks or a row that stops short."""
    if position is None or position >= len(cells):
        return None
    return cells[position]


def data_rows(table: Table, layout: SheetLayout) -> Iterator[NumberedRow]:
    """The rows below the header that hold anything."""
    header = layout.header_row
    for number, cells in table.rows():
        if number <= header or all(is_blank(value) for value in cells):
            continue
        yield number, cells


def id_key(value: object, today: date) -> int | None:
    """The first 17 digits identify a valid ID (the 18th is their check character)."""
    try:
        return int(parse_id_number(value, today=today).number[:17])
    except IdNumberError:
        return None


def find_repeats(
    rows: Iterable[NumberedRow], key: Callable[[Sequence[Any]], KeyT | None]
) -> tuple[int, dict[KeyT, list[int]]]:
    """The number of rows, and key → row numbers for the keys on more than one row.

    Only the first row number of each key is kept otherwise, not the rows; None keys are skipped.
    """
    first_row: dict[KeyT, int] = {}
    repeated: dict[KeyT, list[int]] = {}
    total = 0
    for number, cells in rows:
        total += 1
        found = key(cells)
        if found is None:
            continue
        seen = first_row.setdefault(found, number)
        if seen != number:
            repeated.setdefault(found, [seen]).append(number)
    return total, repeated


def duplicate_message(row: int, rows: list[int], *, what: str) -> str:
    """与第3、7行{what}: the other rows of a repeated key, the first ten of them named."""
    others = [str(number) for number in rows if number != row]
    named = "、".join(others[:_MAX_ROWS_NAMED])
    if len(others) > _MAX_ROWS_NAMED:
        named += f"等{len(others)}"
    return f"与第{named}行{what}"


# --- writing -------------------------------------------------------------------------------------


def chunks(items: Sequence[ItemT], size: int = _IN_CHUNK) -> Iterator[Sequence[ItemT]]:
    """`items` in slices small enough for one `__in` look-up."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
