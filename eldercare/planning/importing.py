"""Reading planning import files (.xlsx, .xls, .csv): header matching and per-row parsing.

Files are read with the registry's readers (same formats, encodings and damaged-file messages).
Columns are found by header text after removing spaces and full-width forms; order is free and
unknown columns are ignored. A missing required column refuses the whole file
(FileImportError); everything else is reported per row and cell, and the services store nothing
unless every row is valid.
"""

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import xlsxwriter

from eldercare.core.normalize import clean_compact, clean_text
from eldercare.planning.errors import RowError
from eldercare.registry.importing.errors import FileImportError
from eldercare.registry.importing.readers import open_table

# Rows are read into memory: a county has a few hundred villages, a city a few thousand.
MAX_ROWS = 20_000


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    help_text: str


class CellError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Row:
    number: int
    cells: dict[str, Any]


def read_rows(path: Path, columns: Sequence[Column]) -> list[Row]:
    """Data rows as {column key: raw cell}; blank rows are skipped."""
    wanted = {clean_compact(column.header): column for column in columns}
    with open_table(path) as table:
        rows: Iterator[tuple[int, Sequence[Any]]] = iter(table.rows())
        positions: dict[str, int] = {}
        for _number, cells in rows:
            if any(clean_compact(cell) for cell in cells):
                for position, cell in enumerate(cells):
                    column = wanted.get(clean_compact(cell))
                    if column is not None and column.key not in positions:
                        positions[column.key] = position
                break
        missing = [c.header for c in columns if c.required and c.key not in positions]
        if missing:
            raise FileImportError(f"缺少必填列：{'、'.join(missing)}（表头应在第一个非空行）")
        found = []
        for number, cells in rows:
            values = {
                key: cells[position] if position < len(cells) else None
                for key, position in positions.items()
            }
            if not any(clean_compact(value) for value in values.values()):
                continue
            found.append(Row(number, values))
            if len(found) > MAX_ROWS:
                raise FileImportError(f"文件超过 {MAX_ROWS} 行，请分成多个文件导入")
    return found


def parse_row(
    row: Row,
    columns: Sequence[Column],
    parsers: Mapping[str, Callable[[Any], Any]],
    errors: list[RowError],
) -> dict[str, Any] | None:
    """Every column parsed, or None after appending one error per bad cell."""
    parsed: dict[str, Any] = {}
    ok = True
    for column in columns:
        raw = row.cells.get(column.key)
        if not clean_compact(raw):
            if column.required:
                errors.append(RowError(row.number, column.header, "required", "必填项为空"))
                ok = False
            parsed[column.key] = None
            continue
        try:
            parsed[column.key] = parsers.get(column.key, clean_text)(raw)
        except CellError as error:
            errors.append(RowError(row.number, column.header, error.code, error.message))
            ok = False
    return parsed if ok else None


def decimal_cell(raw: Any, *, places: int, low: Decimal, high: Decimal) -> Decimal:
    text = clean_compact(raw)
    try:
        value = Decimal(text)
    except InvalidOperation as error:
        raise CellError("number_format", f"应为数字：{text}") from error
    if not value.is_finite() or not low <= value <= high:
        raise CellError("out_of_range", f"应在 {low} 到 {high} 之间：{text}")
    return value.quantize(Decimal(1).scaleb(-places))


def count_cell(raw: Any) -> int:
    value = decimal_cell(raw, places=6, low=Decimal(0), high=Decimal(10_000_000))
    if value != value.to_integral_value():
        raise CellError("number_format", f"应为整数：{clean_compact(raw)}")
    return int(value)


def write_template(path_or_buffer: Any, columns: Sequence[Column], notes: Sequence[str]) -> None:
    """An .xlsx template: the header row, then a sheet explaining each column."""
    workbook = xlsxwriter.Workbook(path_or_buffer, {"in_memory": True})
    try:
        bold = workbook.add_format({"bold": True})
        text = workbook.add_format({"num_format": "@"})
        sheet = workbook.add_worksheet("数据")
        for position, column in enumerate(columns):
            sheet.write_string(0, position, column.header, bold)
            sheet.set_column(position, position, 18, text)
        instructions = workbook.add_worksheet("填写说明")
        instructions.set_column(0, 0, 24)
        instructions.set_column(1, 1, 80)
        for position, column in enumerate(columns):
            required = "必填" if column.required else "选填"
            instructions.write_string(position, 0, f"{column.header}（{required}）", bold)
            instructions.write_string(position, 1, column.help_text)
        for offset, note in enumerate(notes, start=len(columns) + 1):
            instructions.write_string(offset, 1, note)
    finally:
        workbook.close()
