"""Loading the data files into the database: the four task lists and the Huining sheet load and
reload without change, files can be loaded for another region, in-use records are protected, and
a malformed file loads nothing and names its place."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from eldercare.accounts.models import Role
from eldercare.core.models import AuditAction, AuditEvent
from eldercare.governance.errors import DataFileError
from eldercare.governance.models import (
    IndicatorTarget,
    ManualScore,
    Organisation,
    ProgressReport,
    ScoringSheet,
    ScoringSubItem,
    Task,
    TaskList,
)
from eldercare.governance.services.loading import (
    load_scoring_sheets,
    load_task_lists,
    shipped_scoring_sheets,
    shipped_task_lists,
)

pytestmark = pytest.mark.django_db


def state() -> tuple[list[Any], ...]:
    return (
        list(TaskList.objects.order_by("id").values()),
        list(Task.objects.order_by("id").values()),
        list(Organisation.objects.order_by("id").values()),
        list(ScoringSheet.objects.order_by("id").values()),
        list(ScoringSubItem.objects.order_by("id").values()),
        list(IndicatorTarget.objects.order_by("id").values()),
        list(AuditEvent.objects.order_by("id").values()),
    )


def test_the_shipped_task_lists_load_and_reload_without_change() -> None:
    first = load_task_lists(shipped_task_lists())
    assert first.as_dict() == {
        "files": [
            "000000-national-requirements.yaml",
            "320700-lianyungang.yaml",
            "431100-yongzhou.yaml",
            "620422-huining-requirements.yaml",
        ],
        "created": 4,
        "updated": 0,
        "unchanged": 0,
        "tasks_created": 135,
        "tasks_updated": 0,
        "tasks_removed": 0,
        "organisations_created": 43,
        "warnings": [],
    }
    before = state()
    again = load_task_lists(shipped_task_lists())
    assert (again.created, again.updated, again.unchanged, again.tasks_created) == (0, 0, 4, 0)
    assert state() == before
    yongzhou = TaskList.objects.get(region_code="431100000000")
    task_1 = list(yongzhou.tasks.filter(number="1").order_by("part"))
    assert [(t.display_number, t.due_on, t.deadline_text) for t in task_1] == [
        ("1（1）", date(2019, 11, 30), "2019年11月"),
        ("1（2）", date(2020, 3, 31), "2020年3月"),
    ]
    assert [o.name for o in task_1[1].lead_units.order_by("name")] == sorted(
        ["市人民政府", "县（区）人民政府", "管理区管委会", "经开区管委会"]
    )
    assert task_1[1].lead_text == "市、县（区）人民政府，管理区、经开区管委会"
    assert IndicatorTarget.objects.filter(task__task_list=yongzhou).count() == 4
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT).count() == 4


def test_the_huining_sheet_loads_with_the_item_3_warning_stored() -> None:
    summary = load_scoring_sheets(shipped_scoring_sheets())
    assert (summary.created, summary.warnings) == (
        1,
        [
            "620422-huining.yaml:47:5 items[2].points：第3项声明5分，细项合计8分（2+2+2+2），评分以5分封顶"
        ],
    )
    sheet = ScoringSheet.objects.get()
    assert (sheet.total, sheet.bonus_total, sheet.items.count()) == (Decimal(100), Decimal(10), 11)
    assert sheet.warnings == [
        {
            "file": "620422-huining.yaml",
            "line": 47,
            "column": 5,
            "path": "items[2].points",
            "code": "sub_items_exceed_item",
            "message": "第3项声明5分，细项合计8分（2+2+2+2），评分以5分封顶",
        }
    ]
    stations = ScoringSubItem.objects.get(item__sheet=sheet, key="7.3")
    assert stations.rule == {
        "kind": "per_unit",
        "indicator": "stations_built",
        "target_indicator": "stations_planned",
        "per_missing": "-2",
        "per_extra": "1",
    }
    assert list(
        IndicatorTarget.objects.filter(sub_item__item__sheet=sheet)
        .order_by("id")
        .values_list("code", "value", "due_on")
    ) == [
        ("fund_execution_rate", Decimal("0.5"), date(2020, 12, 31)),
        ("lottery_fund_elderly_share", Decimal("0.7"), None),
        ("supervision_rounds_year", Decimal(2), None),
        ("special_difficulty_screened_share", Decimal(1), date(2020, 9, 30)),
        ("branded_providers_count", Decimal(1), None),
        ("stations_operating_share", Decimal("0.6"), None),
        ("four_batches_rate", Decimal("0.6"), None),
        ("three_ones_visit_rate", Decimal("0.8"), None),
    ]
    before = state()
    assert load_scoring_sheets(shipped_scoring_sheets()).unchanged == 1
    assert state() == before


def test_a_file_loads_for_another_region() -> None:
    national = [p for p in shipped_task_lists() if p.name.startswith("000000")]
    load_task_lists(national)
    load_task_lists(national, region="431102")
    assert sorted(TaskList.objects.values_list("region_code", flat=True)) == ["", "431102000000"]
    load_scoring_sheets(shipped_scoring_sheets(), region="431102000000")
    assert ScoringSheet.objects.get().region_code == "431102000000"


def test_a_changed_list_is_updated_in_place_keeping_reports(world, tmp_path: Path) -> None:
    source = next(p for p in shipped_task_lists() if p.name.startswith("431100"))
    load_task_lists([source])
    task = Task.objects.get(task_list__region_code="431100000000", number="2")
    organisation = task.lead_units.first()
    ProgressReport.objects.create(
        task=task,
        organisation=organisation,
        region_code="431100000000",
        reported_on=date(2020, 5, 1),
        percent=40,
        text="起草中",
        reported_by=world.user(Role.CITY_ADMIN),
    )
    changed = tmp_path / source.name
    changed.write_text(
        source.read_text(encoding="utf-8").replace("deadline: 2020年10月", "deadline: 2020年11月"),
        encoding="utf-8",
    )
    summary = load_task_lists([changed])
    assert (summary.updated, summary.tasks_updated, summary.tasks_created) == (1, 19, 0)
    task.refresh_from_db()
    assert (task.due_on, task.reports.count()) == (date(2020, 11, 30), 1)
    # A task with a report may not disappear from the file.
    text = changed.read_text(encoding="utf-8")
    start = text.index('  - number: "2"')
    end = text.index('  - number: "3"')
    changed.write_text(text[:start] + text[end:], encoding="utf-8")
    before = state()
    with pytest.raises(DataFileError) as caught:
        load_task_lists([changed])
    assert [p.code for p in caught.value.problems] == ["task_in_use"]
    assert "任务 2（制定政策）已有进展报告" in str(caught.value)
    assert state() == before


def test_a_sheet_in_use_is_not_rewritten(world, tmp_path: Path) -> None:
    (source,) = shipped_scoring_sheets()
    load_scoring_sheets([source], region="431102")
    sub_item = ScoringSubItem.objects.get(key="1.1")
    ManualScore.objects.create(
        sub_item=sub_item,
        region_code="431102000000",
        as_of=date(2020, 10, 1),
        points=1,
        evidence="会议纪要",
        entered_by=world.user(Role.COUNTY_ADMIN),
    )
    changed = tmp_path / source.name
    changed.write_text(
        source.read_text(encoding="utf-8").replace("推进精神养老", "推进精神慰藉"), encoding="utf-8"
    )
    before = state()
    with pytest.raises(DataFileError) as caught:
        load_scoring_sheets([changed], region="431102")
    assert [p.code for p in caught.value.problems] == ["sheet_in_use"]
    assert state() == before


def test_two_files_with_the_same_key_are_refused(tmp_path: Path) -> None:
    source = next(p for p in shipped_task_lists() if p.name.startswith("431100"))
    copy = tmp_path / "copy.yaml"
    copy.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_task_lists([source, copy])
    assert [(p.file, p.code) for p in caught.value.problems] == [("copy.yaml", "key_duplicate")]
    assert TaskList.objects.count() == 0


def test_problems_in_several_files_are_reported_together_and_nothing_loads(tmp_path: Path) -> None:
    good = next(p for p in shipped_task_lists() if p.name.startswith("431100"))
    bad_a = tmp_path / "a.yaml"
    bad_a.write_text("format: eldercare.task-list/1\nkey: [\n", encoding="utf-8")
    bad_b = tmp_path / "b.yaml"
    bad_b.write_bytes("title: 任务".encode("gbk"))
    with pytest.raises(DataFileError) as caught:
        load_task_lists([good, bad_a, bad_b])
    assert [(p.file, p.code) for p in caught.value.problems] == [
        ("a.yaml", "yaml_syntax"),
        ("b.yaml", "encoding"),
    ]
    assert TaskList.objects.count() == 0


def test_dry_run_writes_nothing() -> None:
    summary = load_task_lists(shipped_task_lists(), dry_run=True)
    assert summary.created == 4
    assert TaskList.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_the_commands_print_a_summary_and_the_warning() -> None:
    out = StringIO()
    call_command("load_task_lists", stdout=out)
    assert "任务清单：新增 4，更新 0，未变 0" in out.getvalue()
    out = StringIO()
    call_command("load_scoring_sheets", stdout=out)
    assert out.getvalue().splitlines()[-1] == (
        "提示：620422-huining.yaml:47:5 items[2].points：第3项声明5分，细项合计8分（2+2+2+2），评分以5分封顶"
    )
    out = StringIO()
    call_command("load_task_lists", "--json", stdout=out)
    assert json.loads(out.getvalue())["unchanged"] == 4


def test_the_command_refuses_a_malformed_file_with_its_place(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "format: eldercare.task-list/1\nkey: bad\nregion: '431100'\nkind: list\ntitle: x\n"
        "tasks: [{number: '1', name: x, content: [y]}]\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as caught:
        call_command("load_task_lists", str(bad))
    assert str(caught.value) == (
        "未载入任何内容：\nbad.yaml:4:7 kind：无法识别“list”，可选：task_list、requirements"
    )
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("load_task_lists", str(bad), "--json", stdout=out)
    assert json.loads(out.getvalue()) == {
        "errors": [
            {
                "file": "bad.yaml",
                "line": 4,
                "column": 7,
                "path": "kind",
                "code": "choice_unknown",
                "message": "无法识别“list”，可选：task_list、requirements",
            }
        ]
    }
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("load_task_lists", str(tmp_path / "missing.yaml"))
    with pytest.raises(CommandError, match="--region"):
        call_command("load_task_lists", "--region", "431102001")


def test_the_directory_keeps_one_row_per_unit_and_region() -> None:
    load_task_lists(shipped_task_lists())
    assert Organisation.objects.filter(region_code="431100000000").count() == 22
    assert Organisation.objects.filter(region_code="320700000000").count() == 21
    assert Organisation.objects.count() == 43
