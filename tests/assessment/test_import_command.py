"""`eldercare import-assessments` and `eldercare assessments-template`: the command-line contract."""

import json
import re
import zipfile
from collections.abc import Iterator
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connections
from python_calamine import CalamineWorkbook

from eldercare.assessment.importing.template import TEMPLATE_SHEET, title
from eldercare.assessment.models import Assessment
from eldercare.assessment.scoring import GBT42195, MZT039
from eldercare.cli import main
from eldercare.registry.models import Resident
from tests import factories
from tests.assessment.import_sheets import (
    NAMES,
    NOW,
    fill_template,
    gb_level,
    gb_row,
    headers,
    mz_level,
    mz_row,
    write_xlsx,
)
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def people(world: World) -> list[Resident]:
    return [
        factories.resident(world.village_a, name=name, birth=date(1941 + n, 6, 1))
        for n, name in enumerate(["张一", "王二", "李三"])
    ]


def run(*args: str) -> tuple[int, str]:
    """Exit status and standard output of the command, as a shell would see them."""
    out = StringIO()
    try:
        call_command("import_assessments", *args, stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


def mz_sheet(path: Path, rows: list[dict[str, object]]) -> Path:
    return write_xlsx(path, rows, headers=headers(MZT039), title=title(MZT039))


def test_json_output_follows_the_import_residents_contract(
    world: World, people: list[Resident], tmp_path: Path
) -> None:
    rows = [mz_row(people[0]), mz_row(people[1], 进食=7), mz_row(people[2]) | {"序号": 3}]
    path = write_xlsx(tmp_path / "s.xlsx", rows, headers=[*headers(MZT039), "序号"])
    status, out = run(str(path), "--standard", MZT039, "--json", "--as", "county_admin")
    assert status == 1
    payload = json.loads(out)
    assert list(payload) == [
        "rows",
        "created",
        "updated",
        "unchanged",
        "rejected",
        "errors",
        "warnings",
    ]
    assert {k: payload[k] for k in ("rows", "created", "updated", "unchanged", "rejected")} == {
        "rows": 3,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
    }
    assert payload["errors"] == [
        {
            "sheet": "Sheet1",
            "row": 3,
            "column": "进食",
            "code": "score_not_allowed",
            "message": "得分7不在可选分值（10、5、0）中",
        }
    ]
    assert payload["warnings"] == ["以下列无法识别，已忽略：序号"]
    assert Assessment.objects.count() == 0


def test_exit_0_when_imported_and_on_a_clean_dry_run(
    world: World, people: list[Resident], tmp_path: Path
) -> None:
    path = mz_sheet(tmp_path / "s.xlsx", [mz_row(people[0]), mz_row(people[1], adl=60)])
    status, out = run(str(path), "--json", "--dry-run", "--as", "county_admin")
    assert (status, json.loads(out)["created"], Assessment.objects.count()) == (0, 2, 0)
    status, out = run(str(path), "--json", "--as", "county_admin")
    assert (status, json.loads(out)["created"], Assessment.objects.count()) == (0, 2, 2)
    status, out = run(str(path), "--json", "--as", "county_admin")
    assert (status, json.loads(out)["unchanged"], Assessment.objects.count()) == (0, 2, 2)


def test_a_dry_run_with_errors_exits_1(
    world: World, people: list[Resident], tmp_path: Path
) -> None:
    path = mz_sheet(tmp_path / "s.xlsx", [mz_row(people[0], 评估员二=None)])
    status, out = run(str(path), "--json", "--dry-run", "--as", "county_admin")
    assert (status, json.loads(out)["errors"][0]["column"]) == (1, "评估员二")


def test_valid_only_exits_0_and_keeps_the_good_rows(
    world: World, people: list[Resident], tmp_path: Path
) -> None:
    path = mz_sheet(
        tmp_path / "s.xlsx", [mz_row(people[0]), mz_row(people[1], 评估日期="2026-07-01")]
    )
    status, out = run(str(path), "--json", "--valid-only", "--as", "county_admin")
    assert (status, json.loads(out)["rejected"], Assessment.objects.count()) == (0, 1, 1)


@pytest.mark.parametrize(
    ("columns", "options", "error"),
    [
        (["公民身份号码", "评估日期"], [], "缺少必需的列：评估原因、评估地点、评估员一、评估员二"),
        (headers(MZT039), [], "未指明评估标准"),
    ],
)
def test_exit_2_names_what_is_missing(
    world: World,
    people: list[Resident],
    tmp_path: Path,
    columns: list[str],
    options: list[str],
    error: str,
) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", [mz_row(people[0])], headers=columns)
    status, out = run(str(path), "--json", "--as", "county_admin", *options)
    assert status == 2
    assert json.loads(out)["error"].startswith(error)


def test_exit_2_for_an_unreadable_file_an_unknown_user_or_no_permission(
    world: World, people: list[Resident], tmp_path: Path
) -> None:
    broken = tmp_path / "old.xls"
    broken.write_bytes(b"\xd0\xcf\x11\xe0 broken compound file" * 20)
    status, out = run(str(broken), "--json", "--as", "county_admin")
    assert (status, json.loads(out)["error"][:6]) == (2, "文件无法读取")
    text = tmp_path / "s.txt"
    text.write_text("x")
    assert run(str(text), "--as", "county_admin")[0] == 2
    path = mz_sheet(tmp_path / "s.xlsx", [mz_row(people[0])])
    assert run(str(path), "--as", "nobody")[0] == 2
    assert run(str(path), "--as", "assessor")[0] == 2
    assert Assessment.objects.count() == 0


def test_real_exit_statuses_through_the_eldercare_entry_point(
    world: World,
    people: list[Resident],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # run_from_argv closes every connection when it ends, which would drop the in-memory test DB.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    bad = mz_sheet(tmp_path / "bad.xlsx", [mz_row(people[0], 洗澡=None)])
    with pytest.raises(SystemExit) as exited:
        main(["eldercare", "import-assessments", str(bad), "--as", "county_admin"])
    assert exited.value.code == 1
    missing = write_xlsx(tmp_path / "missing.xlsx", [mz_row(people[0])], headers=headers(MZT039))
    with pytest.raises(SystemExit) as exited:
        main(["eldercare", "import-assessments", str(missing), "--as", "county_admin"])
    assert exited.value.code == 2
    assert "未指明评估标准" in capsys.readouterr().err
    good = mz_sheet(tmp_path / "good.xlsx", [mz_row(people[0])])
    assert main(["eldercare", "import-assessments", str(good), "--as", "county_admin"]) == 0
    assert Assessment.objects.count() == 1


def test_human_output_and_error_report(
    world: World, people: list[Resident], tmp_path: Path
) -> None:
    rows = [mz_row(people[0], 进食=7, 洗澡="好"), mz_row(people[1])]
    path = mz_sheet(tmp_path / "s.xlsx", rows)
    report = tmp_path / "errors.xlsx"
    status, out = run(str(path), "--as", "county_admin", "--report", str(report))
    assert status == 1
    lines = out.splitlines()
    assert lines[0] == "工作表“Sheet1”：数据 2 行，新增 1，更新 0，未变 0，有误 1"
    assert lines[1].startswith("有 1 行错误，整份文件未导入")
    assert lines[3] == "  第3行 进食［score_not_allowed］得分7不在可选分值（10、5、0）中"
    workbook = CalamineWorkbook.from_path(report)
    details = workbook.get_sheet_by_name("错误明细").to_python()
    assert details == [
        ["工作表", "行号", "列", "错误代码", "原因"],
        ["Sheet1", 3.0, "进食", "score_not_allowed", "得分7不在可选分值（10、5、0）中"],
        ["Sheet1", 3.0, "洗澡", "score_invalid", "无法识别“好”：请填写所选选项的得分（5、0）"],
    ]
    summary = {str(row[0]): row[1] for row in workbook.get_sheet_by_name("汇总").to_python()}
    assert (summary["有误"], summary["结果"]) == (1.0, "有错误，未导入任何数据")


@pytest.mark.parametrize("standard", [MZT039, GBT42195])
def test_the_template_filled_in_imports(
    world: World, people: list[Resident], tmp_path: Path, standard: str
) -> None:
    template = tmp_path / "template.xlsx"
    out = StringIO()
    call_command("assessments_template", str(template), "--standard", standard, stdout=out)
    assert str(template) in out.getvalue()
    workbook = CalamineWorkbook.from_path(template)
    assert workbook.sheet_names == [TEMPLATE_SHEET, "填写说明"]
    sheet = workbook.get_sheet_by_name(TEMPLATE_SHEET).to_python()
    assert sheet[0][0] == title(standard)
    assert sheet[1] == headers(standard)
    # Empty, the template is a valid file with no rows.
    status, payload = run(str(template), "--json", "--as", "county_admin")
    assert (status, json.loads(payload)["rows"]) == (0, 0)

    if standard == MZT039:
        rows = [mz_row(people[0], adl=60), mz_row(people[1], 痴呆="是", 评估原因="复评")]
        expected = [
            mz_level(adl=60, mental=(0, 0, 0), sense=(0, 0, 0, 0), social=0),
            mz_level(adl=100, mental=(0, 0, 0), sense=(0, 0, 0, 0), social=0, dementia=True),
        ]
    else:
        rows = [gb_row(people[0], total=50), gb_row(people[1], total=88, 评估地点="医疗机构")]
        expected = [gb_level(50), gb_level(88)]
    filled = fill_template(template, tmp_path / "filled.xlsx", rows)
    # No --standard: the template's title names it.
    status, payload = run(str(filled), "--json", "--as", "county_admin")
    assert (status, json.loads(payload)["created"], json.loads(payload)["errors"]) == (0, 2, [])
    stored = {a.resident_id: a for a in Assessment.objects.all()}
    assert [stored[p.pk].level for p in people[:2]] == expected
    assert [stored[p.pk].standard for p in people[:2]] == [standard, standard]
    assert {stored[people[0].pk].answers[k] for k in NAMES[standard]} <= {0, 1, 2, 3, 4, 5, 10, 15}


def test_the_template_has_instructions_and_lists(tmp_path: Path) -> None:
    template = tmp_path / "t.xlsx"
    call_command("assessments_template", str(template), "--standard", GBT42195, stdout=StringIO())
    instructions = CalamineWorkbook.from_path(template).get_sheet_by_name("填写说明").to_python()
    by_column = {str(row[0]): [str(cell) for cell in row] for row in instructions if row}
    assert by_column["上下楼梯"][2].startswith("一级指标：基础运动能力。填所选选项的得分：3＝")
    assert by_column["评估地点"][2] == "可选：居家、社区养老服务场所、养老机构、医疗机构、其他"
    with zipfile.ZipFile(template) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
        styles = archive.read("xl/styles.xml").decode()
    # The ID column (A) is text: its cells' style has the number format "@".
    text_style = int(re.search(r'<c r="A3" s="(\d+)"', xml)[1])  # type: ignore[index]
    cell_formats = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.DOTALL)[1]  # type: ignore[index]
    number_format = re.search(
        r'numFmtId="(\d+)"', re.findall(r"<xf [^>]*>", cell_formats)[text_style]
    )
    assert f'<numFmt numFmtId="{number_format[1]}" formatCode="@"/>' in styles  # type: ignore[index]
    assert '"4,3,2,1,0"' in xml  # a score list on the item columns
    assert '"是,否"' in xml
    assert 'type="whole"' in xml  # event counts are whole numbers


def test_the_template_command_wants_xlsx(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"\.xlsx"):
        call_command("assessments_template", str(tmp_path / "t.csv"), "--standard", MZT039)
