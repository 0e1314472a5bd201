"""Builders of assessment-result sheets for the import tests: rows as {header: value} dicts.

The expected levels are computed here from the spec tables (shared/spec/assessment.md) written
out again, not with the scoring engine, so that the import tests check the levels independently.
"""

import re
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from python_calamine import CalamineWorkbook

from eldercare.assessment.importing.columns import CONDITION_COLUMNS, FIXED_COLUMNS, items
from eldercare.assessment.importing.template import HEADER_ROW, TEMPLATE_SHEET
from eldercare.assessment.scoring import GBT42195, MZT039
from eldercare.registry.importing.columns import column_letter
from eldercare.registry.models import Resident
from tests.assessment.builders import gbt42195, mzt039
from tests.registry.importing.sheets import write_csv, write_xlsx

# The tests run on this day (time_machine); assessments are dated before it.
TODAY = date(2026, 6, 1)
ASSESSED_ON = "2026-05-20"
NOW = datetime(2026, 6, 1, 12, tzinfo=ZoneInfo("Asia/Shanghai"))
NAMES = {
    standard: {item.key: item.name for item in items(standard)} for standard in (MZT039, GBT42195)
}
__all__ = ["write_csv", "write_xlsx"]


def headers(standard: str | None = None, *, mixed: bool = False) -> list[str]:
    """The template's columns for `standard`; with `mixed`, 评估标准 and both standards' items."""
    fixed = [c.header for c in FIXED_COLUMNS if c.key != "standard" or mixed]
    standards = (MZT039, GBT42195) if mixed else (standard or MZT039,)
    names: list[str] = []
    for one in standards:
        names += [name for name in NAMES[one].values() if name not in names]
    return fixed + names + [c.header for c in CONDITION_COLUMNS]


def base(resident: Resident, **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "公民身份号码": resident.id_number,
        "姓名": resident.name,
        "评估日期": ASSESSED_ON,
        "评估原因": "首次评估",
        "评估地点": "居家",
        "评估员一": "李评估",
        "评估员二": "王评估",
    }
    row.update(overrides)
    return {key: value for key, value in row.items() if value is not None}


def scores(standard: str, answers: dict[str, int]) -> dict[str, Any]:
    return {NAMES[standard][key]: value for key, value in answers.items()}


def mz_row(
    resident: Resident,
    *,
    adl: int = 100,
    mental: tuple[int, int, int] = (0, 0, 0),
    sense: tuple[int, int, int, int] = (0, 0, 0, 0),
    social: int = 0,
    **overrides: Any,
) -> dict[str, Any]:
    answers = mzt039(adl=adl, mental=mental, sense=sense, social=social)
    return base(resident, **scores(MZT039, answers) | overrides)


def gb_row(resident: Resident, *, total: int = 90, **overrides: Any) -> dict[str, Any]:
    return base(resident, **scores(GBT42195, gbt42195(total)) | overrides)


# --- the levels, from the spec's tables --------------------------------------------------------


def mz_level(
    *,
    adl: int,
    mental: tuple[int, int, int],
    sense: tuple[int, int, int, int],
    social: int,
    dementia: bool = False,
    events: int = 0,
) -> int:
    """MZ/T 039 final level by the spec's grade tables, judgment card and adjustment clauses."""
    a = 0 if adl == 100 else 1 if adl >= 65 else 2 if adl >= 45 else 3
    m_total = sum(mental)
    m = 0 if m_total == 0 else 1 if m_total == 1 else 2 if m_total <= 3 else 3
    s = 0 if social <= 2 else 1 if social <= 7 else 2 if social <= 13 else 3
    c, v, h, talk = sense
    if c >= 2:
        p = 3
    elif c == 1:
        p = 3 if max(v, h) == 4 or talk == 3 else 2
    else:
        p = max((0, 0, 1, 2, 3)[max(v, h)], talk)
    others = (m, p, s)
    if a == 0:
        level = 1 if (m >= 1 or p >= 1 or s >= 2) else 0
    elif a == 1:
        level = 1 if min(others) <= 1 else 2
    elif a == 2:
        level = 3 if (max(others) == 3 or min(others) >= 2) else 2
    else:
        level = 3
    if level == 3 or c == 3:
        return 3
    raised = int(dementia or mental[0] == 2) + int(events >= 2)
    return min(3, level + raised)


def gb_level(total: int, *, coma: bool = False, raised: int = 0) -> int:
    if coma:
        return 4
    level = (
        0 if total == 90 else 1 if total >= 66 else 2 if total >= 46 else 3 if total >= 30 else 4
    )
    return min(4, level + raised)


# --- filling the template ----------------------------------------------------------------------


def _cell_xml(reference: str, value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<c r="{reference}"><v>{value}</v></c>'
    return f'<c r="{reference}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def fill_template(template: Path, out: Path, rows: Sequence[dict[str, Any]]) -> Path:
    """The template with `rows` typed in below its header, everything else kept as it was."""
    sheet = CalamineWorkbook.from_path(template).get_sheet_by_name(TEMPLATE_SHEET)
    names = [str(cell) for cell in sheet.to_python()[HEADER_ROW]]
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for offset, row in enumerate(rows):
                    number = HEADER_ROW + 2 + offset
                    cells = "".join(
                        _cell_xml(f"{column_letter(position)}{number}", row[name])
                        for position, name in enumerate(names)
                        if row.get(name) not in (None, "")
                    )
                    text, count = re.subn(
                        rf'<row r="{number}"[^>]*?(?:/>|>.*?</row>)',
                        f'<row r="{number}">{cells}</row>',
                        text,
                        count=1,
                        flags=re.DOTALL,
                    )
                    assert count == 1, f"row {number} not in the template"
                data = text.encode()
            target.writestr(info, data)
    return out
