"""Stream screening-sheet rows to CSV or Excel without holding them in memory. No Django."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

import xlsxwriter

from eldercare.demo.synthetic import HEADERS, TEXT_HEADERS

__all__ = ["XLSX_MAX_ROWS", "write_csv", "write_xlsx"]

# Excel's sheet limit is 1,048,576 rows, one of which is the header.
XLSX_MAX_ROWS = 1_048_575


def write_csv(
    rows: Iterable[dict[str, str]], path: Path, *, headers: Sequence[str] = HEADERS
) -> int:
    """Write UTF-8 with BOM (so Excel opens it as Unicode); returns the number of data rows."""
    count = 0
    with Path(path).open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([row[header] for header in headers])
            count += 1
    return count


def write_xlsx(
    rows: Iterable[dict[str, str]],
    path: Path,
    *,
    headers: Sequence[str] = HEADERS,
    sheet_name: str = "老年人基本信息",
) -> int:
    """Write one sheet in constant-memory mode; ID, phone and code columns are text cells.

    Every value is written with ``write_string`` so nothing becomes a number, and the text
    columns also carry the "@" (text) format so a value typed over them later stays text.
    Returns the number of data rows; more rows than a sheet holds raise ``ValueError``.
    """
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    try:
        sheet = workbook.add_worksheet(sheet_name)
        text = workbook.add_format({"num_format": "@"})
        bold = workbook.add_format({"bold": True})
        text_columns = [index for index, header in enumerate(headers) if header in TEXT_HEADERS]
        for index, header in enumerate(headers):
            width = 20 if header in TEXT_HEADERS or "地址" in header else max(8, 2 * len(header))
            sheet.set_column(index, index, width, text if header in TEXT_HEADERS else None)
        sheet.freeze_panes(1, 0)
        for index, header in enumerate(headers):
            sheet.write_string(0, index, header, bold)

        formats = [text if index in text_columns else None for index in range(len(headers))]
        write = sheet.write_string
        count = 0
        for row in rows:
            if count == XLSX_MAX_ROWS:
                raise ValueError(f"Excel 工作表最多容纳 {XLSX_MAX_ROWS} 行数据，请改用 CSV")
            count += 1
            for index, header in enumerate(headers):
                value = row[header]
                if value:
                    cell_format = formats[index]
                    if cell_format is None:
                        write(count, index, value)
                    else:
                        write(count, index, value, cell_format)
    finally:
        workbook.close()
    return count
