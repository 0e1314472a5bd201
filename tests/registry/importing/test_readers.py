"""Readers and header detection: row numbers as Excel shows them, raw cell types, encodings,
and file-level errors for what cannot be read."""

import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import pytest
import xlsxwriter

from eldercare.registry.importing import readers
from eldercare.registry.importing.columns import find_layout
from eldercare.registry.importing.errors import FileImportError
from eldercare.registry.importing.readers import (
    CalamineTable,
    CsvTable,
    XlsxStreamTable,
    detect_encoding,
    open_table,
)
from tests.registry.importing.conftest import Importer
from tests.registry.importing.sheets import person, write_csv, write_xlsx


def rows_of(path: Path, **options: object) -> list[tuple[int, list[object]]]:
    with open_table(path, **options) as table:  # type: ignore[arg-type]
        return [(number, list(cells)) for number, cells in table.rows()]


def test_xlsx_rows_are_numbered_as_excel_shows_them(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", [{"姓名": "张三"}], headers=["姓名"], title="标题")
    assert rows_of(path) == [(1, ["标题"]), (2, ["姓名"]), (3, ["张三"])]


def test_leading_empty_rows_and_columns_keep_their_positions(tmp_path: Path) -> None:
    path = tmp_path / "offset.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write_row(3, 2, ["姓名", "公民身份号码"])
    sheet.write_row(5, 2, ["张三", "x"])
    workbook.close()
    found = [(n, cells) for n, cells in rows_of(path) if any(cells)]
    assert found == [(4, ["", "", "姓名", "公民身份号码"]), (6, ["", "", "张三", "x"])]


def typed_workbook(path: Path, *, shared_strings: bool) -> Path:
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": not shared_strings})
    hidden = workbook.add_worksheet("隐藏")
    hidden.write_string(0, 0, "不应读取")
    hidden.hide()
    sheet = workbook.add_worksheet("筛查")
    sheet.activate()
    day = workbook.add_format({"num_format": "yyyy年m月d日"})
    stamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.write_row(0, 0, ["文本", "数字", "日期", "时间", "布尔", "公式"])
    sheet.write_string(1, 0, "张三·李")
    sheet.write_number(1, 1, 430124195003052123)
    sheet.write_datetime(1, 2, datetime(1950, 3, 5), day)
    sheet.write_datetime(1, 3, datetime(2026, 5, 20, 9, 30), stamp)
    sheet.write_boolean(1, 4, True)
    sheet.write_formula(1, 5, '="a"&"b"', None, "ab")
    sheet.write_string(3, 6, "隔一行")
    workbook.close()
    return path


@pytest.mark.parametrize("shared_strings", [True, False], ids=["shared", "inline"])
def test_streaming_reader_reads_what_calamine_reads(tmp_path: Path, shared_strings: bool) -> None:
    path = typed_workbook(tmp_path / "typed.xlsx", shared_strings=shared_strings)
    with CalamineTable(path, None) as whole:
        calamine = [(n, list(c)) for n, c in whole.rows() if any(v != "" for v in c)]
    with XlsxStreamTable(path, None) as streaming:
        streamed = [(n, list(c)) for n, c in streaming.rows()]
        assert streaming.sheet == "筛查"

    def trimmed(rows: list[tuple[int, list[object]]]) -> list[tuple[int, list[object]]]:
        result = []
        for number, cells in rows:
            while cells and cells[-1] == "":
                cells.pop()
            result.append((number, cells))
        return result

    assert trimmed(streamed) == trimmed(calamine)
    assert trimmed(streamed)[1] == (
        2,
        [
            "张三·李",
            4.301241950030521e17,
            date(1950, 3, 5),
            datetime(2026, 5, 20, 9, 30),
            True,
            "ab",
        ],
    )
    assert trimmed(streamed)[2] == (4, ["", "", "", "", "", "", "隔一行"])


def test_large_worksheets_are_streamed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    row = person()
    path = write_xlsx(tmp_path / "big.xlsx", [row])
    with open_table(path) as table:
        assert isinstance(table, CalamineTable)
    monkeypatch.setattr(readers, "STREAM_ABOVE_BYTES", 10)
    with open_table(path) as table:
        assert isinstance(table, XlsxStreamTable)
        (_, header), (number, cells) = list(table.rows())
    assert number == 2
    assert dict(zip(header, cells, strict=True)) == row


def test_the_import_gives_the_same_result_on_the_streaming_reader(
    run_import: Importer, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [person(), person(公民身份号码=430124195003052123), person(出生日期=date(1950, 1, 1))]
    expected = run_import(rows, title="标题", dry_run=True).as_dict()
    monkeypatch.setattr(readers, "STREAM_ABOVE_BYTES", 0)
    assert run_import(rows, title="标题", dry_run=True).as_dict() == expected
    assert [(e["row"], e["code"]) for e in expected["errors"]] == [
        (4, "id_numeric_cell"),
        (5, "birth_mismatch"),
    ]


def test_sheet_by_name(tmp_path: Path) -> None:
    path = typed_workbook(tmp_path / "typed.xlsx", shared_strings=True)
    assert rows_of(path, sheet="隐藏") == [(1, ["不应读取"])]
    with pytest.raises(FileImportError, match="找不到工作表“无此表”"):
        open_table(path, sheet="无此表")


def test_csv_encodings_are_detected(tmp_path: Path) -> None:
    rows = [{"姓名": "阿依·买买提", "公民身份号码": "4.30124195003052E+17"}]
    for encoding, expected in [
        ("utf-8-sig", "utf-8-sig"),
        ("utf-8", "utf-8"),
        ("gb18030", "gb18030"),
        ("utf-16", "utf-16"),
    ]:
        path = write_csv(tmp_path / f"{encoding}.csv", rows, encoding=encoding)
        assert detect_encoding(path) == expected
        table = open_table(path)
        assert isinstance(table, CsvTable)
        if encoding != "utf-16":
            assert list(table.rows()) == [
                (1, ["姓名", "公民身份号码"]),
                (2, ["阿依·买买提", "4.30124195003052E+17"]),
            ]


def test_utf16_text_export_is_tab_separated(tmp_path: Path) -> None:
    path = tmp_path / "unicode.csv"
    path.write_text("姓名\t公民身份号码\n张三\t1\n", encoding="utf-16")
    assert rows_of(path) == [(1, ["姓名", "公民身份号码"]), (2, ["张三", "1"])]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.xls", b"not an excel file" * 50, "文件无法读取"),
        ("broken.xlsx", b"PK\x03\x04 truncated", "文件无法读取"),
        ("broken.ods", b"garbage", "文件无法读取"),
        ("notes.txt", b"hello", "不支持的文件格式“.txt”"),
        ("binary.csv", b"\x00\xff\xfe\x00" * 10, "CSV 文件无法读取"),
    ],
)
def test_unreadable_files_are_file_errors(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FileImportError, match=message):
        rows_of(path)


def test_truncated_worksheet_xml_is_a_file_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", [person()])
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)
    monkeypatch.setattr(readers, "STREAM_ABOVE_BYTES", 0)
    with pytest.raises(FileImportError, match="文件无法读取"):
        rows_of(broken)


# --- header detection ---------------------------------------------------------------------------


def numbered(*rows: Sequence[object]) -> list[tuple[int, Sequence[object]]]:
    return list(enumerate(rows, start=1))


def test_header_below_a_title_with_ascii_parentheses_and_stray_spaces() -> None:
    layout = find_layout(
        numbered(
            ["XX村老年人基本信息筛查摸底表", "", ""],
            ["填表单位：", "", ""],
            [" 姓 名", "公民身份号码\u3000", "所属乡镇(街道)", "所属村（社区）", "序号"],
        )
    )
    assert layout.header_row == 3
    assert layout.index == {"name": 0, "id_number": 1, "township_name": 2, "village_name": 3}
    assert layout.warnings == ["以下列无法识别，已忽略：序号"]


def test_header_must_be_in_the_first_ten_rows() -> None:
    rows = [[""]] * 10 + [["姓名", "公民身份号码", "所属区划代码"]]
    with pytest.raises(FileImportError, match="前10行中没有找到表头行"):
        find_layout(numbered(*rows))


def test_one_name_column_without_the_other_is_missing() -> None:
    with pytest.raises(FileImportError, match="缺少必需的列：所属区划代码"):
        find_layout(numbered(["姓名", "公民身份号码", "所属乡镇（街道）"]))


def test_a_repeated_column_is_ambiguous() -> None:
    with pytest.raises(FileImportError, match="“姓名”出现了两次（第 A 列和第 D 列）"):
        find_layout(numbered(["姓名", "公民身份号码", "所属区划代码", "姓名"]))
