"""The two data-file formats: every kind of malformed file is refused with its exact place
(file, line, column, key path), and the shipped files read cleanly. No database."""

from datetime import date
from decimal import Decimal

import pytest

from eldercare.governance.rules.deadlines import DeadlineError, DeadlineKind, parse_deadline
from eldercare.governance.rules.marked_yaml import DataFileError
from eldercare.governance.rules.scoring_sheet_file import read_scoring_sheet
from eldercare.governance.rules.task_list_file import read_task_list
from eldercare.governance.services.loading import shipped_scoring_sheets, shipped_task_lists

TASK_LIST = """\
format: eldercare.task-list/1
key: demo-tasks
region: "431100000000"
kind: task_list
title: 示范任务清单
period: {start: 2019-11-01, end: 2021-10-31}
units:
  - {name: 市民政局, kind: department}
  - {name: 县（区）人民政府, kind: collective}
tasks:
  - number: "1"
    name: 建立试点工作机制
    content: [成立领导小组]
    lead: [市民政局]
    co: [县（区）人民政府]
    deadline: 2019年11月
"""

SHEET = """\
format: eldercare.scoring-sheet/1
key: demo-sheet
region: "431102"
title: 示范考核表
total: 10
bonus_total: 2
items:
  - number: "1"
    name: 经费保障
    points: 10
    sub_items:
      - {text: 制定办法, points: 4}
      - text: 执行进度
        points: 6
        rule: {kind: threshold, indicator: fund_execution_rate, at_least: 50%}
  - number: "2"
    name: 创新
    points: 2
    bonus: true
    sub_items:
      - {text: 创新做法, points: 2}
"""


def replaced(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def places(error: DataFileError) -> list[tuple[str, int, int, str, str]]:
    return [(p.file, p.line, p.column, p.path, p.code) for p in error.problems]


def test_the_minimal_files_are_valid() -> None:
    parsed = read_task_list("t.yaml", TASK_LIST)
    assert [(t.key, t.lead, t.co, t.deadline.due_on) for t in parsed.tasks] == [
        ("1.1.1", ("市民政局",), ("县（区）人民政府",), date(2019, 11, 30))
    ]
    sheet = read_scoring_sheet("s.yaml", SHEET)
    assert sheet.region_code == "431102000000"
    assert [s.key for i in sheet.items for s in i.sub_items] == ["1.1", "1.2", "2.1"]
    assert sheet.items[0].sub_items[1].rule.at_least == Decimal("0.5")
    assert sheet.warnings == []


TASK_LIST_CASES = {
    "yaml syntax": (
        replaced(TASK_LIST, "content: [成立领导小组]", "content: [成立领导小组"),
        [("t.yaml", 14, 9, "", "yaml_syntax")],
    ),
    "not a mapping": ("- a\n- b\n", [("t.yaml", 1, 1, "", "shape")]),
    "missing title": (
        replaced(TASK_LIST, "title: 示范任务清单\n", ""),
        [("t.yaml", 1, 1, "title", "required")],
    ),
    "unknown key": (
        replaced(TASK_LIST, "kind: task_list\n", "kind: task_list\ntitel: x\n"),
        [("t.yaml", 5, 1, "titel", "key_unknown")],
    ),
    "duplicate key": (
        replaced(TASK_LIST, "kind: task_list\n", "kind: task_list\nkind: requirements\n"),
        [("t.yaml", 5, 1, "kind", "key_duplicate")],
    ),
    "wrong format": (
        replaced(TASK_LIST, "task-list/1", "task-list/2"),
        [("t.yaml", 1, 9, "format", "format_unknown")],
    ),
    "bad key": (
        replaced(TASK_LIST, "key: demo-tasks", "key: Demo Tasks"),
        [("t.yaml", 2, 6, "key", "key_invalid")],
    ),
    "bad region": (
        replaced(TASK_LIST, '"431100000000"', '"43110"'),
        [("t.yaml", 3, 9, "region", "region_invalid")],
    ),
    "township region": (
        replaced(TASK_LIST, '"431100000000"', '"431102001000"'),
        [("t.yaml", 3, 9, "region", "region_level")],
    ),
    "unknown kind": (
        replaced(TASK_LIST, "kind: task_list", "kind: tasks"),
        [("t.yaml", 4, 7, "kind", "choice_unknown")],
    ),
    "bad period date": (
        replaced(TASK_LIST, "end: 2021-10-31", "end: 2021-10-32"),
        [("t.yaml", 6, 34, "period.end", "date_invalid")],
    ),
    "period order": (
        replaced(TASK_LIST, "end: 2021-10-31", "end: 2018-10-31"),
        [("t.yaml", 6, 34, "period.end", "period_order")],
    ),
    "unknown unit kind": (
        replaced(TASK_LIST, "kind: department}", "kind: bureau}"),
        [("t.yaml", 8, 24, "units[0].kind", "choice_unknown")],
    ),
    "duplicate unit": (
        replaced(
            TASK_LIST,
            "kind: collective}",
            "kind: collective}\n  - {name: 市民政局, kind: department}",
        ),
        [("t.yaml", 10, 12, "units[2].name", "unit_duplicate")],
    ),
    "unknown unit in a task": (
        replaced(TASK_LIST, "lead: [市民政局]", "lead: [市民政局, 市财政局]"),
        [("t.yaml", 14, 18, "tasks[0].lead[1]", "unit_unknown")],
    ),
    "duplicate task number": (
        TASK_LIST + '  - {number: "1", name: 又一项, content: [x]}\n',
        [("t.yaml", 17, 14, "tasks[1].number", "number_duplicate")],
    ),
    "impossible deadline": (
        replaced(TASK_LIST, "2019年11月", "2019年13月"),
        [("t.yaml", 16, 15, "tasks[0].deadline", "deadline_invalid")],
    ),
    "unknown indicator in a target": (
        TASK_LIST + "    targets: [{indicator: happiness, value: 1}]\n",
        [("t.yaml", 17, 27, "tasks[0].targets[0].indicator", "indicator_unknown")],
    ),
    "target value not a number": (
        TASK_LIST + "    targets: [{indicator: screened_share, value: 很多}]\n",
        [("t.yaml", 17, 50, "tasks[0].targets[0].value", "number_invalid")],
    ),
    "parts and inline content together": (
        TASK_LIST + "    parts: [{content: [x]}]\n",
        [("t.yaml", 11, 5, "tasks[0].content", "shape")],
    ),
    "task without content": (
        replaced(TASK_LIST, "    content: [成立领导小组]\n", ""),
        [("t.yaml", 11, 5, "tasks[0].content", "required")],
    ),
    "sections and tasks together": (
        replaced(TASK_LIST, "tasks:\n", "sections: []\ntasks:\n"),
        [("t.yaml", 12, 3, "tasks", "shape")],
    ),
    "tasks not a list": (
        replaced(TASK_LIST, "tasks:\n  - number", "tasks:\n    number"),
        [("t.yaml", 11, 5, "tasks", "shape")],
    ),
    "empty task name": (
        replaced(TASK_LIST, "name: 建立试点工作机制", "name: ''"),
        [("t.yaml", 12, 11, "tasks[0].name", "required")],
    ),
}


@pytest.mark.parametrize("case", TASK_LIST_CASES, ids=list(TASK_LIST_CASES))
def test_a_malformed_task_list_is_refused_with_its_place(case: str) -> None:
    text, expected = TASK_LIST_CASES[case]
    with pytest.raises(DataFileError) as caught:
        read_task_list("t.yaml", text)
    assert places(caught.value) == expected
    assert str(caught.value.problems[0]).startswith(f"t.yaml:{expected[0][1]}:{expected[0][2]}")


def test_an_empty_task_list_file_is_refused() -> None:
    with pytest.raises(DataFileError) as caught:
        read_task_list("t.yaml", "")
    assert places(caught.value) == [("t.yaml", 0, 0, "", "empty")]


def test_several_problems_are_reported_together_in_file_order() -> None:
    text = replaced(TASK_LIST, "kind: task_list", "kind: tasks")
    text = replaced(text, "lead: [市民政局]", "lead: [无此单位]")
    with pytest.raises(DataFileError) as caught:
        read_task_list("t.yaml", text)
    assert [(p.line, p.path) for p in caught.value.problems] == [
        (4, "kind"),
        (14, "tasks[0].lead[0]"),
    ]


def test_a_deadline_without_a_date_is_a_warning_not_an_error() -> None:
    parsed = read_task_list("t.yaml", replaced(TASK_LIST, "2019年11月", "尽快"))
    assert parsed.tasks[0].deadline.due_on is None
    assert [(w.line, w.column, w.path, w.code) for w in parsed.warnings] == [
        (16, 15, "tasks[0].deadline", "deadline_no_date")
    ]


def test_an_explicit_due_date_overrides_the_derived_one() -> None:
    parsed = read_task_list("t.yaml", TASK_LIST + "    due: 2019-11-15\n")
    assert parsed.tasks[0].deadline.due_on == date(2019, 11, 15)
    assert parsed.tasks[0].deadline.text == "2019年11月"


SHEET_CASES = {
    "yaml syntax": (
        replaced(SHEET, "points: 10\n", "points: [10\n"),
        [("s.yaml", 11, 14, "", "yaml_syntax")],
    ),
    "declared total does not match": (
        replaced(SHEET, "total: 10\n", "total: 100\n"),
        [("s.yaml", 5, 8, "total", "total_mismatch")],
    ),
    "declared bonus does not match": (
        replaced(SHEET, "bonus_total: 2", "bonus_total: 10"),
        [("s.yaml", 6, 14, "bonus_total", "total_mismatch")],
    ),
    "unknown rule kind": (
        replaced(SHEET, "kind: threshold", "kind: ratio"),
        [("s.yaml", 15, 22, "items[0].sub_items[1].rule.kind", "choice_unknown")],
    ),
    "threshold without a bound": (
        replaced(SHEET, ", at_least: 50%", ""),
        [("s.yaml", 15, 15, "items[0].sub_items[1].rule.at_least", "rule_invalid")],
    ),
    "proportional target zero": (
        replaced(
            SHEET,
            "kind: threshold, indicator: fund_execution_rate, at_least: 50%",
            "kind: proportional, indicator: fund_execution_rate, target: 0",
        ),
        [("s.yaml", 15, 76, "items[0].sub_items[1].rule.target", "rule_invalid")],
    ),
    "per unit without a change per unit": (
        replaced(
            SHEET,
            "kind: threshold, indicator: fund_execution_rate, at_least: 50%",
            "kind: per_unit, indicator: stations_built, target: 3",
        ),
        [("s.yaml", 15, 15, "items[0].sub_items[1].rule.per_extra", "rule_invalid")],
    ),
    "per unit with a positive per_missing": (
        replaced(
            SHEET,
            "kind: threshold, indicator: fund_execution_rate, at_least: 50%",
            "kind: per_unit, indicator: stations_built, target: 3, per_missing: 2",
        ),
        [("s.yaml", 15, 83, "items[0].sub_items[1].rule.per_missing", "rule_invalid")],
    ),
    "unknown indicator": (
        replaced(SHEET, "indicator: fund_execution_rate", "indicator: fund_rate"),
        [("s.yaml", 15, 44, "items[0].sub_items[1].rule.indicator", "indicator_unknown")],
    ),
    "manual rule with parameters": (
        replaced(
            SHEET,
            "{text: 制定办法, points: 4}",
            "{text: 制定办法, points: 4, rule: {kind: manual, at_least: 1}}",
        ),
        [("s.yaml", 12, 64, "items[0].sub_items[0].rule.at_least", "rule_parameter")],
    ),
    "indicator rule written as a word": (
        replaced(
            SHEET, "{text: 制定办法, points: 4}", "{text: 制定办法, points: 4, rule: threshold}"
        ),
        [("s.yaml", 12, 39, "items[0].sub_items[0].rule", "rule_incomplete")],
    ),
    "item without sub-items": (
        replaced(
            SHEET,
            "    bonus: true\n    sub_items:\n      - {text: 创新做法, points: 2}\n",
            "    bonus: true\n",
        ),
        [("s.yaml", 16, 5, "items[1].sub_items", "required")],
    ),
    "empty sub-items": (
        replaced(
            SHEET, "    sub_items:\n      - {text: 创新做法, points: 2}\n", "    sub_items: []\n"
        ),
        [("s.yaml", 20, 16, "items[1].sub_items", "required")],
    ),
    "duplicate item number": (
        replaced(SHEET, 'number: "2"', 'number: "1"'),
        [("s.yaml", 16, 13, "items[1].number", "number_duplicate")],
    ),
    "negative points": (
        replaced(SHEET, "{text: 制定办法, points: 4}", "{text: 制定办法, points: -4}"),
        [("s.yaml", 12, 30, "items[0].sub_items[0].points", "number_range")],
    ),
    "points not a number": (
        replaced(SHEET, "{text: 制定办法, points: 4}", "{text: 制定办法, points: 四}"),
        [("s.yaml", 12, 30, "items[0].sub_items[0].points", "number_invalid")],
    ),
    "bonus not a boolean": (
        replaced(SHEET, "bonus: true", "bonus: maybe"),
        [("s.yaml", 19, 12, "items[1].bonus", "boolean_invalid")],
    ),
    "missing sub-item text": (
        replaced(SHEET, "{text: 制定办法, points: 4}", "{points: 4}"),
        [("s.yaml", 12, 9, "items[0].sub_items[0].text", "required")],
    ),
}


@pytest.mark.parametrize("case", SHEET_CASES, ids=list(SHEET_CASES))
def test_a_malformed_scoring_sheet_is_refused_with_its_place(case: str) -> None:
    text, expected = SHEET_CASES[case]
    with pytest.raises(DataFileError) as caught:
        read_scoring_sheet("s.yaml", text)
    assert places(caught.value) == expected


def test_sub_items_over_the_item_maximum_are_a_warning_with_its_place() -> None:
    text = replaced(SHEET, "{text: 制定办法, points: 4}", "{text: 制定办法, points: 7}")
    parsed = read_scoring_sheet("s.yaml", text)
    assert [(w.line, w.column, w.path, w.code, w.message) for w in parsed.warnings] == [
        (
            8,
            5,
            "items[0].points",
            "sub_items_exceed_item",
            "第1项声明10分，细项合计13分（7+6），评分以10分封顶",
        )
    ]


def test_the_shipped_files_read_cleanly() -> None:
    lists = {
        path.name: read_task_list(path.name, path.read_text(encoding="utf-8"))
        for path in shipped_task_lists()
    }
    assert {name: len(parsed.tasks) for name, parsed in lists.items()} == {
        "000000-national-requirements.yaml": 37,
        "320700-lianyungang.yaml": 45,
        "431100-yongzhou.yaml": 19,
        "620422-huining-requirements.yaml": 34,
    }
    assert {p.warnings == [] for p in lists.values()} == {True}
    yongzhou = lists["431100-yongzhou.yaml"]
    assert len({t.number for t in yongzhou.tasks}) == 14
    lianyungang = lists["320700-lianyungang.yaml"]
    assert [t.number for t in lianyungang.tasks] == [str(n) for n in range(1, 46)]
    first = lianyungang.tasks[0].deadline
    assert [(m.label, m.due_on) for m in first.milestones] == [
        ("市级", date(2019, 12, 31)),
        ("各县（区）", date(2020, 3, 31)),
    ]
    assert lianyungang.tasks[28].deadline.kind == DeadlineKind.NONE  # task 29 has none
    national = lists["000000-national-requirements.yaml"]
    assert national.region_code == ""
    assert list(dict.fromkeys(t.section for t in national.tasks)) == [
        "一、基本试点任务",
        "二、特色试点任务",
    ]


def test_the_huining_sheet_is_100_points_plus_10_bonus_with_the_item_3_warning() -> None:
    (path,) = shipped_scoring_sheets()
    parsed = read_scoring_sheet(path.name, path.read_text(encoding="utf-8"))
    sheet = parsed.to_sheet()
    assert len(parsed.items) == 11
    assert [i.is_bonus for i in parsed.items].count(True) == 1
    assert (sheet.base_maximum, sheet.bonus_maximum) == (Decimal(100), Decimal(10))
    assert [(w.line, w.path, w.code, w.message) for w in parsed.warnings] == [
        (
            47,
            "items[2].points",
            "sub_items_exceed_item",
            "第3项声明5分，细项合计8分（2+2+2+2），评分以5分封顶",
        )
    ]
    item_6 = parsed.items[5]
    assert [(s.key, s.number) for s in item_6.sub_items] == [
        ("6.1", "1"),
        ("6.2", "2"),
        ("6.3", "2"),
    ]


@pytest.mark.parametrize(
    ("text", "kind", "due"),
    [
        ("2019年11月", DeadlineKind.DATE, date(2019, 11, 30)),
        ("2020年2月", DeadlineKind.DATE, date(2020, 2, 29)),
        ("2020年3月份前", DeadlineKind.DATE, date(2020, 3, 31)),
        ("2020年6月前", DeadlineKind.DATE, date(2020, 6, 30)),
        ("2017年5月底前", DeadlineKind.DATE, date(2017, 5, 31)),
        ("2017年4月20日前", DeadlineKind.DATE, date(2017, 4, 20)),
        ("2019 年底 前", DeadlineKind.DATE, date(2019, 12, 31)),
        ("2017年底", DeadlineKind.DATE, date(2017, 12, 31)),
        ("2020年", DeadlineKind.DATE, date(2020, 12, 31)),
        ("2020年底前 2021年底前", DeadlineKind.DATE, date(2021, 12, 31)),
        ("市级 2019 年底 前，各县（区）2020 年 3 月份前", DeadlineKind.DATE, date(2020, 3, 31)),
        ("试点期间", DeadlineKind.PILOT, date(2021, 10, 31)),
        ("", DeadlineKind.NONE, None),
        ("长期坚持", DeadlineKind.TEXT, None),
    ],
)
def test_deadline_texts(text: str, kind: DeadlineKind, due: date | None) -> None:
    deadline = parse_deadline(text, pilot_end=date(2021, 10, 31))
    assert (deadline.kind, deadline.due_on) == (kind, due)
    assert deadline.text == text.strip()


def test_during_the_pilot_without_a_pilot_end_has_no_date() -> None:
    assert parse_deadline("试点期间").due_on is None


@pytest.mark.parametrize("text", ["2020年13月", "2021年2月30日", "2020年0月"])
def test_impossible_deadlines_are_errors(text: str) -> None:
    with pytest.raises(DeadlineError):
        parse_deadline(text)


def test_the_problem_text_names_file_line_column_and_path() -> None:
    with pytest.raises(DataFileError) as caught:
        read_task_list("t.yaml", replaced(TASK_LIST, "kind: task_list", "kind: tasks"))
    assert str(caught.value) == "t.yaml:4:7 kind：无法识别“tasks”，可选：task_list、requirements"
