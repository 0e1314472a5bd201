"""Reading the cells of an assessment sheet: whole numbers, 是/否, the row's standard and the key
of the assessment it records. Blanks and cell positions are registry.importing.common's.

Values are cleaned as the resident import cleans them (core.normalize): full-width digits and
letters made half-width, spaces removed, Excel's 10.0 read as 10.
"""

import re
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from eldercare.assessment.importing.columns import FLAG_VALUES, Layout, standard_in
from eldercare.core.normalize import ValueFormatError, clean_compact, parse_date
from eldercare.registry.importing.common import cell, is_blank

_INTEGER_RE = re.compile(r"[+-]?\d+(?:\.0*)?", re.ASCII)

# (ID number's first 17 digits, standard, date)
SameAssessment = tuple[int, str, date]


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


def same_assessment(
    cells: Sequence[Any], layout: Layout, person: int | None
) -> SameAssessment | None:
    """Which assessment the row records: `person` (common.id_key), standard, day; None if unread."""
    standard, _value = row_standard(cells, layout)
    try:
        day = parse_date(cell(cells, layout.index["assessed_on"]))
    except ValueFormatError:
        return None
    if person is None or standard is None:
        return None
    return (person, standard, day)
