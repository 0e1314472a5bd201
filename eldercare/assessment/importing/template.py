"""The empty assessment-result sheet of one standard, with an instructions sheet.

Row 1 is a title naming the standard (the import reads the sheet's standard from it), row 2 the
header: the resident and assessment columns, one column per item of the standard (the header
comment lists every option with its score), then the adjustment conditions. The ID column is
text, reasons, places, scores and 是/否 are drop-down lists, event counts whole numbers ≥ 0.
"""

from pathlib import Path

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from eldercare.assessment.importing.columns import (
    CONDITION_COLUMNS,
    DATE_FORMS,
    FIXED_COLUMNS,
    HEADER_SEARCH_ROWS,
    STANDARD_LABELS,
    Column,
    item_help,
)
from eldercare.assessment.scoring import STANDARD_NAMES, catalogue
from eldercare.registry.importing.report import (
    ALL_OR_NOTHING_NOTE,
    TEMPLATE_TEXT_ROWS,
    rule_text,
    write_instructions,
)

TEMPLATE_SHEET = "能力评估结果"
TITLE_ROW = 0
HEADER_ROW = 1
# Light fills to tell the first-level indicators apart in the header.
_INDICATOR_COLOURS = ("#E2EFDA", "#FFF2CC", "#EDE2F6", "#DDEBF7")


def title(standard: str) -> str:
    return f"老年人能力评估结果导入表（{STANDARD_NAMES[standard]}）"


def write_template(standard: str, path: Path) -> None:
    """The sheet to fill in for `standard` and its instructions (KeyError: unknown standard)."""
    indicators = catalogue(standard)
    workbook = xlsxwriter.Workbook(str(path))
    base = {"bold": True, "border": 1, "text_wrap": True, "valign": "vcenter"}
    header = workbook.add_format({**base, "bg_color": "#DDEBF7"})
    required = workbook.add_format({**base, "bg_color": "#FCE4D6"})
    text = workbook.add_format({"num_format": "@"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet = workbook.add_worksheet(TEMPLATE_SHEET)
    fixed = [column for column in FIXED_COLUMNS if column.key != "standard"]
    position = 0
    for column in fixed:
        width = 22 if column.is_text else max(10, len(column.header) * 2 + 2)
        sheet.set_column(
            position,
            position,
            width,
            text if column.is_text else day if column.key == "assessed_on" else None,
        )
        sheet.write_string(
            HEADER_ROW, position, column.header, required if column.required == "是" else header
        )
        if column.is_text:
            # The column default covers new cells; explicit cells survive a copy of the rows.
            for row in range(HEADER_ROW + 1, HEADER_ROW + 1 + TEMPLATE_TEXT_ROWS):
                sheet.write_blank(row, position, None, text)
        _list(sheet, position, column.values)
        position += 1
    for number, indicator in enumerate(indicators):
        colour = workbook.add_format({**base, "bg_color": _INDICATOR_COLOURS[number % 4]})
        for item in indicator.items:
            sheet.set_column(position, position, max(8, len(item.name) * 2 + 2))
            sheet.write_string(HEADER_ROW, position, item.name, colour)
            sheet.write_comment(
                HEADER_ROW,
                position,
                f"{indicator.name}·{item.name}\n{item_help(item)}",
                {"x_scale": 3, "y_scale": 2.5},
            )
            scores = [str(option.score) for option in item.options]
            _list(
                sheet, position, scores, f"{item.name}：请填写所选选项的得分（{'、'.join(scores)}）"
            )
            position += 1
    for column in CONDITION_COLUMNS:
        sheet.set_column(position, position, max(8, len(column.header) * 2 + 2))
        sheet.write_string(HEADER_ROW, position, column.header, header)
        if column.values:
            _list(sheet, position, column.values)
        else:
            sheet.data_validation(
                HEADER_ROW + 1,
                position,
                HEADER_ROW + TEMPLATE_TEXT_ROWS,
                position,
                {
                    "validate": "integer",
                    "criteria": ">=",
                    "value": 0,
                    "error_message": "次数应为 0 或正整数",
                },
            )
        position += 1
    sheet.merge_range(TITLE_ROW, 0, TITLE_ROW, position - 1, title(standard), header)
    sheet.set_row(TITLE_ROW, 24)
    sheet.set_row(HEADER_ROW, 30)
    sheet.freeze_panes(HEADER_ROW + 1, 2)
    _write_instructions(workbook, header, standard, fixed)
    workbook.close()


def _list(
    sheet: Worksheet, position: int, values: tuple[str, ...] | list[str], message: str = ""
) -> None:
    if not values:
        return
    sheet.data_validation(
        HEADER_ROW + 1,
        position,
        HEADER_ROW + TEMPLATE_TEXT_ROWS,
        position,
        {
            "validate": "list",
            "source": list(values),
            # Other spellings (首次, 复评 …) are accepted too, so only inform.
            "error_type": "information",
            "error_message": message or "可选：" + "、".join(values),
        },
    )


def _write_instructions(
    workbook: xlsxwriter.Workbook, header: Format, standard: str, fixed: list[Column]
) -> None:
    rows = [_column_row(column) for column in fixed]
    for indicator in catalogue(standard):
        for item in indicator.items:
            rule = f"一级指标：{indicator.name}。填所选选项的得分：{item_help(item)}"
            rows.append((item.name, "是*", rule))
    rows += [_column_row(column) for column in CONDITION_COLUMNS]
    label = STANDARD_LABELS[standard]
    notes = (
        f"本表按{STANDARD_NAMES[standard]}填写：第1行的标题注明了评估标准，导入时据此确定；"
        "也可在导入时指定评估标准，或增加“评估标准”列逐行填写（同一表中可混用两项标准）。",
        f"表头可以放在前 {HEADER_SEARCH_ROWS} 行中的任意一行，列的顺序不限，无法识别的列会被"
        "忽略并提示；评估项目列也可写成“一级指标·项目名”，如“"
        f"{catalogue(standard)[0].name}·{catalogue(standard)[0].items[0].name}”。",
        "*评估项目：每项填所选选项的得分（数字），不能留空；只有“昏迷”为“是”时可以不填"
        + ("（意识水平评为 3 昏迷时也可以）。" if label.startswith("MZ") else "。"),
        "公民身份号码请使用“文本”格式；存成数字的身份证号已丢失末几位，会被拒绝。老人须已登记"
        "且在您的管辖范围内；填写姓名时须与登记的姓名一致。",
        f"日期可用格式：{DATE_FORMS}。评估日期不能晚于导入当天，也不能早于该标准的发布日期。",
        "两项标准均要求两名评估员，且不能是同一人；填写平台评估员的用户名时，须是负责该区域的评估员。",
        "同一老人同一天按同一标准只能有一行。已导入过的相同评估再次导入计为“未变”；"
        "当天已有内容不同的评估时该行会被拒绝，请在系统中更正评估。",
        ALL_OR_NOTHING_NOTE,
    )
    write_instructions(workbook, header, rows, notes, rule_width=100)


def _column_row(column: Column) -> tuple[str, str, str]:
    return (column.header, column.required, rule_text(column.help, column.values))
