"""Reading the cells of an assessment sheet: blanks, whole numbers, 是/否, the row's standard.

Values are cleaned as the resident import cleans them (core.normalize): full-width digits and
letters made half-width, spaces removed, Excel's 10.0 read as 10.
"""

import re
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time
from typing import Any

from eldercare.assessment.importing.columns import FLAG_VALUES, Layout, standard_in
from eldercare.core.idcard import IdNumberError, parse_id_number
from eldercare.core.normalize import clean_compact
from eldercare.registry.importing.readers import NumberedRow, Table

_INTEGER_RE = re.compile(r"[+-]?\d+(?:\.0*)?", re.ASCII)


def is_blank(value: object) -> bool:
    if isinstance(value, str):
        return not value or value.isspace()
    return value is None


def data_rows(table: Table, layout: Layout) -> Iterator[NumberedRow]:
    """The rows below the header that hold anything."""
    for number, cells in table.rows():
        if number <= layout.header_row or all(is_blank(cell) for cell in cells):
            continue
        yield number, cells


def cell(cells: Sequence[Any], position: int | None) -> Any:
    if position is None or position >= len(cells):
        return None
    return cells[position]


def integer(value: object, *, unit: str = "") -> int | None:
    """A whole number from a cell: 10, 10.0, "10", "１０", "10.0" (and "10分" with unit "分")."""
    if isinstance(value, bool | date | datetime | time):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = clean_compact(value)
    if unit:
        text = text.removesuffix(unit)
    return int(float(text)) if _INTEGER_RE.fullmatch(text) else None


def flag(value: object) -> bool | None:
    """是/有 → True, 否/无/blank → False, anything else None."""
    if is_blank(value):
        return False
    if isinstance(value, bool):
        return value
    return FLAG_VALUES.get(clean_compact(value))


def row_standard(cells: Sequence[Any], layout: Layout) -> tuple[str | None, object]:
    """(standard, the cell): the row's 评估标准 cell, else the sheet's standard."""
    value = cell(cells, layout.index.get("standard"))
    if is_blank(value):
        return layout.standard, None
    return standard_in(value), value


def id_key(value: object, today: date) -> int | None:
    """The first 17 digits identify a valid ID (the 18th is their check character)."""
    try:
        return int(parse_id_number(value, today=today).number[:17])
    except IdNumberError:
        return None
