"""Spreadsheets the import hands out: the error report of one import, and the empty template."""

from collections.abc import Iterable, Sequence
from pathlib import Path

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from eldercare.registry.importing.columns import (
    COLUMNS,
    DATE_FORMS,
    HEADER_SEARCH_ROWS,
    allowed_values,
)
from eldercare.registry.importing.results import ImportResult

ERROR_HEADERS = ("工作表", "行号", "列", "错误代码", "原因")
TEMPLATE_SHEET = "筛查摸底表"
INSTRUCTIONS_SHEET = "填写说明"
TEMPLATE_TEXT_ROWS = 2_000
# A worksheet holds 1,048,576 rows; a larger error list continues on the next sheet.
_ROWS_PER_SHEET = 1_000_000
# Excel refuses a list validation whose items add up to more than 255 characters.
_VALIDATION_LIMIT = 255
# The last note of every template's instructions.
ALL_OR_NOTHING_NOTE = (
    "默认整表导入：任何一行有错误则整表不导入；选择“仅导入正确行”时，正确的行会导入，"
    "有错误的行列入错误报告。"
)


def write_error_report(result: ImportResult, path: Path) -> None:
    """Every rejected cell as a row (sheet, row, column, code, reason) and a summary sheet."""
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    bold = workbook.add_format({"bold": True})
    sheet = _error_sheet(workbook, "错误明细", bold)
    written = 0
    for error in result.errors:
        if written == _ROWS_PER_SHEET:
            sheet = _error_sheet(workbook, f"错误明细{len(workbook.worksheets()) + 1}", bold)
            written = 0
        written += 1
        sheet.write_row(
            written, 0, (error.sheet, error.row, error.column, error.code, error.message)
        )
    summary = workbook.add_worksheet("汇总")
    summary.set_column(0, 0, 16)
    summary.set_column(1, 1, 60)
    if result.dry_run:
        outcome = "预检（未写入）"
    elif result.refused:
        outcome = "有错误，未导入任何数据"
    else:
        outcome = "已导入"
    lines: list[tuple[str, object]] = [
        ("项目", "数量"),
        ("数据行", result.rows),
        ("新增", result.created),
        ("更新", result.updated),
        ("未变", result.unchanged),
        ("有误", result.rejected),
        ("结果", outcome),
        *(("提示", warning) for warning in result.warnings),
    ]
    for number, (label, value) in enumerate(lines):
        summary.write_row(number, 0, (label, value), bold if number == 0 else None)
    workbook.close()


def _error_sheet(workbook: xlsxwriter.Workbook, name: str, bold: object) -> Worksheet:
    sheet = workbook.add_worksheet(name)
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 8)
    sheet.set_column(2, 3, 18)
    sheet.set_column(4, 4, 80)
    sheet.write_row(0, 0, ERROR_HEADERS, bold)
    sheet.freeze_panes(1, 0)
    return sheet


def write_template(path: Path) -> None:
    """The sheet to fill in (header row, text-formatted ID and phone columns, drop-down lists
    of the allowed values) and an instructions sheet generated from the column contract."""
    workbook = xlsxwriter.Workbook(str(path))
    header = workbook.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter"}
    )
    required = workbook.add_format(
        {"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True, "valign": "vcenter"}
    )
    text = workbook.add_format({"num_format": "@"})
    sheet = workbook.add_worksheet(TEMPLATE_SHEET)
    sheet.freeze_panes(1, 0)
    sheet.set_row(0, 30)
    for position, column in enumerate(COLUMNS):
        width = max(10, len(column.header) * 2 + 2)
        if column.key in ("id_number", "household_address", "residence_address"):
            width = 22
        sheet.set_column(position, position, width, text if column.is_text else None)
        sheet.write_string(
            0, position, column.header, header if column.required == "否" else required
        )
        if column.is_text:
            # The column default covers new cells; explicit cells survive a copy of the rows.
            for row in range(1, TEMPLATE_TEXT_ROWS + 1):
                sheet.write_blank(row, position, None, text)
        values = allowed_values(column)
        if (
            values
            and column.key != "needs"
            and len("".join(values)) + len(values) < _VALIDATION_LIMIT
        ):
            sheet.data_validation(
                1,
                position,
                TEMPLATE_TEXT_ROWS,
                position,
                {
                    "validate": "list",
                    "source": values,
                    # Aliases such as 五保 or 汉 are accepted too, so only warn.
                    "error_type": "information",
                    "error_message": "可选：" + "、".join(values),
                },
            )
    _write_instructions(workbook, header)
    workbook.close()


def _write_instructions(workbook: xlsxwriter.Workbook, header: Format) -> None:
    notes = (
        f"表头可以放在前 {HEADER_SEARCH_ROWS} 行中的任意一行（上方可有合并单元格的标题），"
        "列的顺序不限，无法识别的列会被忽略并提示。",
        "“二选一”：填写所属区划代码，或同时填写所属乡镇（街道）和所属村（社区）。",
        "公民身份号码、电话号码请使用“文本”格式；存成数字的身份证号已丢失末几位，会被拒绝。",
        f"日期可用格式：{DATE_FORMS}。",
        "同一公民身份号码在表中只能出现一次；已登记的号码会更新该老人的信息"
        "（只更新填写了且有变化的项，空白单元格不会清除已有信息）。",
        "年龄须达到所在地区的登记最低年龄（默认 60 周岁）。",
        ALL_OR_NOTHING_NOTE,
    )
    rows = [
        (column.header, column.required, rule_text(column.help, allowed_values(column)))
        for column in COLUMNS
    ]
    write_instructions(workbook, header, rows, notes, rule_width=90)


def rule_text(help_text: str, values: Sequence[str]) -> str:
    """A column's rule on an instructions sheet: its help, then the values it offers."""
    if values:
        choices = f"可选：{'、'.join(values)}"
        return f"{help_text}；{choices}" if help_text else choices
    return help_text


def write_instructions(
    workbook: xlsxwriter.Workbook,
    header: Format,
    rows: Iterable[tuple[str, str, str]],
    notes: Sequence[str],
    *,
    rule_width: int,
) -> None:
    """A template's instructions sheet: a row per column (header, required?, rule), then notes."""
    sheet = workbook.add_worksheet(INSTRUCTIONS_SHEET)
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 1, 10)
    sheet.set_column(2, 2, rule_width)
    sheet.write_row(0, 0, ("列名", "是否必填", "填写要求 / 可选值"), header)
    row = 0
    for row, line in enumerate(rows, start=1):
        sheet.write_row(row, 0, line, wrap)
    row += 2
    sheet.write_string(row, 0, "说明", header)
    for note in notes:
        row += 1
        sheet.merge_range(row, 0, row, 2, note, wrap)
