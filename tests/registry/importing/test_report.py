"""The error report and the downloadable template, read back with python-calamine."""

import re
import zipfile
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from eldercare.registry.importing.columns import COLUMNS
from eldercare.registry.importing.report import (
    ERROR_HEADERS,
    TEMPLATE_TEXT_ROWS,
    write_error_report,
    write_template,
)
from eldercare.registry.importing.results import ImportResult, RowError


def sheet(path: Path, name: str) -> list[list[Any]]:
    return CalamineWorkbook.from_path(path).get_sheet_by_name(name).to_python()


def test_error_report_lists_every_error_and_the_counts(tmp_path: Path) -> None:
    result = ImportResult(
        sheet="筛查",
        rows=3,
        created=1,
        rejected=2,
        errors=[
            RowError("筛查", 3, "公民身份号码", "id_checksum", "校验码错误：应为X"),
            RowError("筛查", 4, "民族", "ethnicity_unknown", "民族无法识别：火星族"),
        ],
        warnings=["以下列无法识别，已忽略：序号"],
    )
    path = tmp_path / "errors.xlsx"
    write_error_report(result, path)
    assert CalamineWorkbook.from_path(path).sheet_names == ["错误明细", "汇总"]
    assert sheet(path, "错误明细") == [
        list(ERROR_HEADERS),
        ["筛查", 3.0, "公民身份号码", "id_checksum", "校验码错误：应为X"],
        ["筛查", 4.0, "民族", "ethnicity_unknown", "民族无法识别：火星族"],
    ]
    assert sheet(path, "汇总") == [
        ["项目", "数量"],
        ["数据行", 3.0],
        ["新增", 1.0],
        ["更新", 0.0],
        ["未变", 0.0],
        ["有误", 2.0],
        ["结果", "有错误，未导入任何数据"],
        ["提示", "以下列无法识别，已忽略：序号"],
    ]


def test_dry_run_report_says_so(tmp_path: Path) -> None:
    path = tmp_path / "errors.xlsx"
    write_error_report(ImportResult(rows=1, created=1, dry_run=True), path)
    assert ["结果", "预检（未写入）"] in sheet(path, "汇总")
    assert sheet(path, "错误明细") == [list(ERROR_HEADERS)]


def test_template_has_the_header_and_instructions(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path)
    assert CalamineWorkbook.from_path(path).sheet_names == ["筛查摸底表", "填写说明"]
    assert sheet(path, "筛查摸底表")[0] == [column.header for column in COLUMNS]
    instructions = sheet(path, "填写说明")
    assert instructions[0] == ["列名", "是否必填", "填写要求 / 可选值"]
    by_header = {row[0]: row for row in instructions[1 : len(COLUMNS) + 1]}
    assert list(by_header) == [column.header for column in COLUMNS]
    assert by_header["姓名"][1] == "是"
    assert by_header["所属区划代码"][1] == "二选一"
    assert "独居、空巢、与子女同住" in by_header["居住状况"][2]
    assert "1950年3月5日" in by_header["出生日期"][2]
    assert "助餐、助浴" in by_header["服务需求"][2]
    notes = " ".join(str(row[0]) for row in instructions[len(COLUMNS) + 1 :])
    assert "整表导入" in notes
    assert "60 周岁" in notes


def test_template_id_and_phone_columns_are_text(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path)
    with zipfile.ZipFile(path) as archive:
        styles = archive.read("xl/styles.xml").decode()
        worksheet = archive.read("xl/worksheets/sheet1.xml").decode()
    text_formats = {"49"} | set(re.findall(r'numFmtId="(\d+)" formatCode="@"', styles))
    text_styles = [
        str(index)
        for index, xf in enumerate(re.findall(r"<xf [^>]*>", styles.split("<cellXfs")[1]))
        if re.search(r'numFmtId="(\d+)"', xf).group(1) in text_formats  # type: ignore[union-attr]
    ]
    assert text_styles
    for letter in ("B", "F", "G", "S"):  # ID, phones, region code, contact phone
        for row in (2, TEMPLATE_TEXT_ROWS + 1):
            match = re.search(rf'<c r="{letter}{row}" s="(\d+)"', worksheet)
            assert match and match.group(1) in text_styles, (letter, row)
        assert re.search(rf'<col min="{ord(letter) - 64}" max="{ord(letter) - 64}"', worksheet)
