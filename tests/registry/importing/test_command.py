"""`eldercare import-residents` and `eldercare residents-template`: the command-line contract."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from python_calamine import CalamineWorkbook

from eldercare.accounts.models import Role
from eldercare.cli import main
from eldercare.registry.importing.columns import COLUMNS
from eldercare.registry.models import Resident
from tests.conftest import World
from tests.registry.importing.sheets import person, write_xlsx

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str]:
    """Exit status and standard output of the command, as a shell would see them."""
    out = StringIO()
    try:
        call_command("import_residents", *args, stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


def test_json_output_follows_the_contract(world: World, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", [person(), person(民族="火星族"), person(序号=3)])
    status, out = run(str(path), "--json", "--as", "county_admin")
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
    [error] = payload["errors"]
    assert error["row"] == 3
    assert error["column"] == "民族"
    assert error["code"] == "ethnicity_unknown"
    assert error["sheet"] == "Sheet1"
    assert error["message"].startswith("民族无法识别：火星族")
    assert payload["warnings"] == ["以下列无法识别，已忽略：序号"]
    assert Resident.objects.count() == 0


def test_exit_0_when_imported_and_on_a_clean_dry_run(world: World, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", [person(), person()])
    status, out = run(str(path), "--json", "--dry-run", "--as", "county_admin")
    assert (status, json.loads(out)["created"], Resident.objects.count()) == (0, 2, 0)
    status, out = run(str(path), "--json", "--as", "county_admin")
    assert (status, json.loads(out)["created"], Resident.objects.count()) == (0, 2, 2)
    status, out = run(str(path), "--json", "--as", "county_admin")
    assert (status, json.loads(out)["unchanged"]) == (0, 2)


def test_valid_only_exits_0_and_keeps_the_good_rows(world: World, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", [person(), person(民族="火星族")])
    status, out = run(str(path), "--json", "--valid-only", "--as", "county_admin")
    assert (status, json.loads(out)["rejected"], Resident.objects.count()) == (0, 1, 1)


def test_exit_2_names_the_missing_column(world: World, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", [person()], headers=["姓名", "所属区划代码"])
    status, out = run(str(path), "--json", "--as", "county_admin")
    assert status == 2
    assert json.loads(out) == {
        "error": "缺少必需的列：公民身份号码",
    }


def test_exit_2_for_an_unreadable_xls(world: World, tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0 broken compound file" * 20)
    status, out = run(str(path), "--json", "--as", "county_admin")
    assert status == 2
    assert json.loads(out)["error"].startswith("文件无法读取")


def test_real_exit_statuses_through_the_eldercare_entry_point(
    world: World,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # run_from_argv closes every connection when it ends, which would drop the in-memory test DB.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    bad_rows = write_xlsx(tmp_path / "bad.xlsx", [person(民族="火星族")])
    with pytest.raises(SystemExit) as exited:
        main(["eldercare", "import-residents", str(bad_rows), "--as", "county_admin"])
    assert exited.value.code == 1
    missing = write_xlsx(tmp_path / "missing.xlsx", [person()], headers=["姓名", "公民身份号码"])
    with pytest.raises(SystemExit) as exited:
        main(["eldercare", "import-residents", str(missing), "--as", "county_admin"])
    assert exited.value.code == 2
    assert "缺少必需的列：所属区划代码" in capsys.readouterr().err


def test_default_actor_is_the_first_system_administrator(world: World, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", [person(所属区划代码=world.village_b)])
    status, _ = run(str(path), "--json")
    assert status == 0
    assert Resident.objects.get().region_code == world.village_b


def test_without_a_system_administrator_asks_for_as(world: World, tmp_path: Path) -> None:
    world.user(Role.SYSTEM_ADMIN).delete()
    path = write_xlsx(tmp_path / "s.xlsx", [person()])
    status, out = run(str(path), "--json")
    assert status == 2
    assert "--as" in json.loads(out)["error"]


def test_unknown_user_and_role_without_permission_exit_2(world: World, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", [person()])
    assert run(str(path), "--as", "nobody")[0] == 2
    assert run(str(path), "--as", "village_worker")[0] == 2
    assert Resident.objects.count() == 0


def test_as_user_limits_the_scope(world: World, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", [person()])
    status, out = run(str(path), "--json", "--as", "county_b_admin")
    assert status == 1
    assert json.loads(out)["errors"][0]["code"] == "region_unknown"


def test_human_output_and_error_report(world: World, tmp_path: Path) -> None:
    rows = [person(民族="火星族") for _ in range(25)]
    path = write_xlsx(tmp_path / "s.xlsx", rows)
    report = tmp_path / "errors.xlsx"
    status, out = run(str(path), "--as", "county_admin", "--report", str(report))
    assert status == 1
    lines = out.splitlines()
    assert lines[0] == "工作表“Sheet1”：数据 25 行，新增 0，更新 0，未变 0，有误 25"
    assert lines[1].startswith("有 25 行错误，整份文件未导入")
    assert lines[2] == "错误（前 20 条，共 25 条）："
    assert lines[3].startswith("  第2行 民族［ethnicity_unknown］民族无法识别：火星族")
    assert len([line for line in lines if line.startswith("  第")]) == 20
    sheet = CalamineWorkbook.from_path(report).get_sheet_by_name("错误明细").to_python()
    assert len(sheet) == 26


def test_template_command_writes_a_template_the_import_accepts(
    world: World, tmp_path: Path
) -> None:
    template = tmp_path / "template.xlsx"
    out = StringIO()
    call_command("residents_template", str(template), stdout=out)
    assert str(template) in out.getvalue()
    header = CalamineWorkbook.from_path(template).get_sheet_by_name("筛查摸底表").to_python()[0]
    assert header == [column.header for column in COLUMNS]
    status, payload = run(str(template), "--json", "--as", "county_admin")
    assert status == 0
    assert json.loads(payload)["rows"] == 0
