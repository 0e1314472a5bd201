"""Builders of screening-sheet files for the import tests: rows as {header: value} dicts."""

import csv
import itertools
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import xlsxwriter

from eldercare.core.idcard import check_character
from eldercare.registry.importing.columns import COLUMNS
from tests import factories

HEADERS = [column.header for column in COLUMNS]
TODAY = date(2026, 6, 1)
VILLAGE_A = "431102001001"

_serial = itertools.count(1)


def person(**overrides: Any) -> dict[str, Any]:
    """A valid row for a new resident of 多福社区 (village_a) born in 1950."""
    serial = next(_serial)
    birth = date(1950, 3, 5) + timedelta(days=serial)
    sex = "M" if serial % 2 else "F"
    row: dict[str, Any] = {
        "姓名": "张三",
        "公民身份号码": factories.id_number(birth, sex=sex, serial=serial),
        "性别": "男" if sex == "M" else "女",
        "出生日期": birth.isoformat(),
        "民族": "汉族",
        "联系电话": "13812345678",
        "所属区划代码": VILLAGE_A,
        "户籍地址": "湖南省永州市零陵区朝阳街道1号",
        "居住状况": "独居",
        "经济状况": "低保",
    }
    row.update(overrides)
    return {key: value for key, value in row.items() if value is not None}


def id_with_check(birth: date, check: str, *, sex: str = "M") -> str:
    """A valid ID number of someone born on `birth` whose check character is `check`."""
    for serial in range(1, 500):
        sequence = f"{serial * 2 + (1 if sex == 'M' else 0):03d}"
        first17 = f"431102{birth:%Y%m%d}{sequence}"
        if check_character(first17) == check:
            return first17 + check
    raise AssertionError("no serial gives that check character")


def columns_of(rows: Sequence[dict[str, Any]], headers: Sequence[str] | None) -> list[str]:
    if headers is not None:
        return list(headers)
    used = {key for row in rows for key in row}
    return [h for h in HEADERS if h in used] + sorted(used - set(HEADERS))


def write_xlsx(
    path: Path,
    rows: Sequence[dict[str, Any]],
    *,
    headers: Sequence[str] | None = None,
    title: str | None = None,
    shared_strings: bool = True,
    sheet: str = "Sheet1",
) -> Path:
    """Text cells stay text; int, float, date and bool values become typed cells."""
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": not shared_strings})
    worksheet = workbook.add_worksheet(sheet)
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    names = columns_of(rows, headers)
    first = 0
    if title is not None:
        worksheet.merge_range(0, 0, 0, max(len(names) - 1, 1), title)
        first = 1
    worksheet.write_row(first, 0, names)
    for offset, row in enumerate(rows, start=first + 1):
        for position, name in enumerate(names):
            value = row.get(name)
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                worksheet.write_boolean(offset, position, value)
            elif isinstance(value, int | float):
                worksheet.write_number(offset, position, value)
            elif isinstance(value, datetime | date):
                worksheet.write_datetime(offset, position, value, date_format)
            else:
                worksheet.write_string(offset, position, str(value))
    workbook.close()
    return path


def write_csv(
    path: Path,
    rows: Sequence[dict[str, Any]],
    *,
    encoding: str = "utf-8-sig",
    headers: Sequence[str] | None = None,
) -> Path:
    names = columns_of(rows, headers)
    with path.open("w", encoding=encoding, newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(names)
        for row in rows:
            writer.writerow(["" if row.get(name) is None else str(row[name]) for name in names])
    return path
