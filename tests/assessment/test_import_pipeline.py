"""Importing assessment results from a sheet: levels, row errors, all-or-nothing, re-import."""

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from eldercare.assessment import services
from eldercare.assessment.errors import AssessmentDataError, Problem
from eldercare.assessment.importing import pipeline
from eldercare.assessment.importing.pipeline import import_assessments
from eldercare.assessment.importing.rows import CONFLICT, NOT_FOUND
from eldercare.assessment.models import Assessment, CurrentAssessment, Source
from eldercare.assessment.scoring import GBT42195, MZT039
from eldercare.core.models import AuditAction, AuditEvent
from eldercare.registry.importing.errors import FileImportError
from eldercare.registry.importing.results import ImportResult
from eldercare.registry.models import Resident
from tests import factories
from tests.assessment.import_sheets import (
    NAMES,
    NOW,
    gb_level,
    gb_row,
    headers,
    mz_level,
    mz_row,
    write_csv,
    write_xlsx,
)
from tests.conftest import World

pytestmark = pytest.mark.django_db
Run = Callable[..., ImportResult]


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def people(world: World) -> list[Resident]:
    return [
        factories.resident(world.village_a, name=name, birth=date(1940 + n, 3, 5))
        for n, name in enumerate(["张一", "王二", "李三", "赵四", "钱五", "孙六"])
    ]


@pytest.fixture
def run(world: World, tmp_path: Path) -> Run:
    """Write `rows` to a sheet of `standard`'s columns and import it as the county-A admin."""

    def run_import(
        rows: list[dict[str, Any]],
        *,
        standard: str | None = MZT039,
        user: str = "county_admin",
        suffix: str = ".xlsx",
        columns: list[str] | None = None,
        dry_run: bool = False,
        valid_only: bool = False,
        **options: Any,
    ) -> ImportResult:
        path = tmp_path / f"sheet{suffix}"
        names = columns or headers(standard or MZT039)
        if suffix == ".csv":
            write_csv(path, rows, headers=names, **options)
        else:
            write_xlsx(path, rows, headers=names, **options)
        return import_assessments(
            path,
            actor=world.user(user),
            standard=standard,
            dry_run=dry_run,
            valid_only=valid_only,
        )

    return run_import


def errors(result: ImportResult) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.code) for e in result.errors]


def counts(result: ImportResult) -> tuple[int, int, int, int]:
    return result.rows, result.created, result.unchanged, result.rejected


# --- good files --------------------------------------------------------------------------------

MZ_CASES: list[dict[str, Any]] = [
    {"adl": 100, "mental": (0, 0, 0), "sense": (0, 0, 0, 0), "social": 0},
    {"adl": 60, "mental": (0, 0, 0), "sense": (0, 0, 0, 0), "social": 0},
    {"adl": 90, "mental": (1, 0, 0), "sense": (0, 2, 0, 0), "social": 5, "dementia": True},
    {"adl": 70, "mental": (2, 1, 1), "sense": (1, 0, 0, 1), "social": 14},
    {"adl": 95, "mental": (0, 0, 0), "sense": (0, 0, 0, 0), "social": 3, "events": 2},
    {"adl": 30, "mental": (0, 0, 0), "sense": (0, 0, 0, 0), "social": 0},
]


def test_a_mzt039_file_imports_with_the_levels_of_the_spec(
    world: World, people: list[Resident], run: Run
) -> None:
    rows = []
    for resident, case in zip(people, MZ_CASES, strict=True):
        extra: dict[str, Any] = {"痴呆": "是"} if case.get("dementia") else {}
        if case.get("events"):
            extra |= {"跌倒次数": 1, "走失次数": 1}
        answers: dict[str, Any] = {k: case[k] for k in ("adl", "mental", "sense", "social")}
        rows.append(mz_row(resident, **answers, **extra))
    result = run(rows)
    assert (counts(result), result.errors, result.refused) == ((6, 6, 0, 0), [], False)
    expected = [mz_level(**case) for case in MZ_CASES]
    assert expected == [0, 2, 2, 3, 2, 3]  # the spec tables, worked by hand
    for resident, level in zip(people, expected, strict=True):
        stored = Assessment.objects.get(resident=resident)
        assert (stored.standard, stored.level, stored.source) == (MZT039, level, Source.IMPORT)
        assert (stored.first_assessor_name, stored.second_assessor_name) == ("李评估", "王评估")
        assert stored.assessed_on == date(2026, 5, 20)
        assert (stored.reason, stored.place) == ("first", "home")
        assert CurrentAssessment.objects.get(resident=resident).level == level
    audit = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert (audit.object_type, audit.detail["created"], audit.detail["imported"]) == (
        "assessment.assessment",
        6,
        True,
    )


def test_a_gbt42195_file_imports_with_the_levels_of_the_spec(
    world: World, people: list[Resident], run: Run
) -> None:
    totals = [90, 70, 50, 40, 20]
    rows = [gb_row(resident, total=total) for resident, total in zip(people, totals, strict=False)]
    rows[2] |= {"跌倒次数": 1, "噎食次数": 1}  # two events in 30 days raise one level
    coma: dict[str, Any] = {"昏迷": "是"} | dict.fromkeys(NAMES[GBT42195].values())
    rows.append(gb_row(people[5], **coma))
    result = run(rows, standard=GBT42195)
    assert (counts(result), result.errors) == ((6, 6, 0, 0), [])
    expected = [*(gb_level(t) for t in totals), gb_level(0, coma=True)]
    expected[2] = gb_level(50, raised=1)
    assert expected == [0, 1, 3, 3, 4, 4]
    stored = {a.resident_id: a for a in Assessment.objects.all()}
    assert [stored[p.pk].level for p in people] == expected
    assert [stored[p.pk].total_score for p in people[:5]] == totals


def test_mixed_standards_with_a_standard_column(
    world: World, people: list[Resident], run: Run
) -> None:
    other_standard: dict[str, Any] = {"穿/脱上衣": 4}
    rows = [
        mz_row(people[0], adl=60, 评估标准="MZ/T 039-2013"),
        gb_row(people[1], total=70, 评估标准="gbt42195-2022"),
        # A GB/T-only column filled on a MZ/T row is an error, not silently dropped.
        mz_row(people[2], 评估标准="MZ/T 039", **other_standard),
        gb_row(people[3], 评估标准="GB/T 9999"),
    ]
    result = run(rows, standard=None, columns=headers(mixed=True), valid_only=True)
    assert errors(result) == [
        (4, "穿/脱上衣", "item_not_in_standard"),
        (5, "评估标准", "choice_unknown"),
    ]
    assert result.errors[0].message == "“穿/脱上衣”不是MZ/T 039-2013的评估项目，此行应留空"
    assert {(a.resident_id, a.standard, a.level) for a in Assessment.objects.all()} == {
        (people[0].pk, MZT039, 2),
        (people[1].pk, GBT42195, 1),
    }


def test_coma_allows_blank_items(world: World, people: list[Resident], run: Run) -> None:
    blank: dict[str, Any] = dict.fromkeys(NAMES[MZT039].values())
    rows = [
        mz_row(people[0], 昏迷="是", **blank),
        # MZ/T 039: 意识水平 3 (昏迷) is coma as well.
        mz_row(people[1], **{**blank, "意识水平": 3}),
    ]
    result = run(rows)
    assert (counts(result), result.errors) == ((2, 2, 0, 0), [])
    assert set(Assessment.objects.values_list("level", flat=True)) == {3}


# --- bad rows ----------------------------------------------------------------------------------

BAD_ROWS = [
    ({"评估日期": "2026-06-02"}, "评估日期", "future_date", "评估日期不能晚于今天"),
    ({"评估日期": "2013-01-05"}, "评估日期", "before_standard", "早于该标准发布日期（2013-10-24）"),
    ({"评估日期": "2026-02-30"}, "评估日期", "date_invalid", None),
    ({"评估日期": None}, "评估日期", "required", "必填"),
    ({"评估员二": None}, "评估员二", "required", "必填：两项评估标准均要求两名评估员"),
    ({"评估员一": None}, "评估员一", "required", "必填：两项评估标准均要求两名评估员"),
    ({"评估员二": "李评估"}, "评估员二", "same_assessor", "两名评估员不能是同一人"),
    ({"评估员二": "李"}, "评估员二", "name_length", "评估员姓名应为2–30个字符，实为1个"),
    (
        {"进食": "良好"},
        "进食",
        "score_invalid",
        "无法识别“良好”：请填写所选选项的得分（10、5、0）",
    ),
    ({"进食": 7}, "进食", "score_not_allowed", "得分7不在可选分值（10、5、0）中"),
    ({"进食": 2.5}, "进食", "score_invalid", "无法识别“2.5”：请填写所选选项的得分（10、5、0）"),
    ({"洗澡": None}, "洗澡", "missing_item", "缺少“洗澡”的评分"),
    ({"评估原因": "随便看看"}, "评估原因", "choice_unknown", None),
    ({"评估地点": None}, "评估地点", "required", "必填"),
    ({"姓名": "张冒名"}, "姓名", "name_mismatch", "与登记的姓名不一致：该身份证号登记为“张一”"),
    ({"痴呆": "可能"}, "痴呆", "choice_unknown", None),
    ({"跌倒次数": -1}, "跌倒次数", "count_negative", "次数不能为负数"),
    ({"走失次数": "两次"}, "走失次数", "count_invalid", "“两次”不是次数：应为整数"),
    ({"公民身份号码": "CHECKSUM"}, "公民身份号码", "id_checksum", None),
    ({"公民身份号码": 431102194003050010}, "公民身份号码", "id_numeric_cell", None),
    ({"公民身份号码": None}, "公民身份号码", "required", "必填"),
]


@pytest.mark.parametrize(("change", "column", "code", "message"), BAD_ROWS)
def test_a_bad_row_is_reported_and_nothing_is_written(
    world: World,
    people: list[Resident],
    run: Run,
    change: dict[str, Any],
    column: str,
    code: str,
    message: str | None,
) -> None:
    if change.get("公民身份号码") == "CHECKSUM":
        number = people[0].id_number
        change = {"公民身份号码": number[:17] + ("0" if number[17] != "0" else "1")}
    rows = [mz_row(people[1]), mz_row(people[0], **change), mz_row(people[2])]
    result = run(rows)
    assert errors(result) == [(3, column, code)]
    if message is not None:
        assert result.errors[0].message == message
    assert result.errors[0].sheet == "Sheet1"
    assert (counts(result), result.refused) == ((3, 2, 0, 1), True)
    assert Assessment.objects.count() == 0
    assert not CurrentAssessment.objects.exists()
    audit = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert (audit.detail["imported"], audit.detail["rejected"]) == (False, 1)
    assert not AuditEvent.objects.filter(action=AuditAction.CREATE).exists()


def test_every_problem_of_a_row_is_reported(world: World, people: list[Resident], run: Run) -> None:
    row = mz_row(
        people[0], 评估日期="2027-01-01", 评估原因="看看", 进食=None, 洗澡=3, 评估员二=None
    )
    result = run([row])
    assert errors(result) == [
        (2, "评估日期", "future_date"),
        (2, "评估原因", "choice_unknown"),
        (2, "评估员二", "required"),
        (2, "洗澡", "score_not_allowed"),
        (2, "进食", "missing_item"),
    ]
    assert result.rejected == 1


def test_a_resident_outside_the_scope_is_reported_like_an_unregistered_one(
    world: World, people: list[Resident], run: Run
) -> None:
    elsewhere = factories.resident(world.village_b, name="梅一", birth=date(1945, 1, 1))
    unregistered = factories.id_number(date(1944, 2, 2))
    rows = [mz_row(elsewhere), mz_row(people[0], 公民身份号码=unregistered, 姓名=None)]
    result = run(rows)
    assert [(e.row, e.column, e.code, e.message) for e in result.errors] == [
        (2, "公民身份号码", "resident_not_found", NOT_FOUND),
        (3, "公民身份号码", "resident_not_found", NOT_FOUND),
    ]
    assert NOT_FOUND == "不在您的管辖范围内或未登记"
    assert Assessment.objects.count() == 0
    # The county-B administrator imports the same row.
    assert counts(run(rows[:1], user="county_b_admin")) == (1, 1, 0, 0)


def test_two_rows_of_the_same_assessment_are_both_reported(
    world: World, people: list[Resident], run: Run
) -> None:
    rows = [
        mz_row(people[0]),
        mz_row(people[1]),
        mz_row(people[0], adl=60, 评估日期="2026/5/20"),
        mz_row(people[0], 评估日期="2026-05-19"),  # another day: a separate assessment
    ]
    result = run(rows)
    assert [(e.row, e.column, e.code, e.message) for e in result.errors] == [
        (
            2,
            "公民身份号码",
            "assessment_duplicate_in_file",
            "与第4行是同一老人同一天按同一标准的评估",
        ),
        (
            4,
            "公民身份号码",
            "assessment_duplicate_in_file",
            "与第2行是同一老人同一天按同一标准的评估",
        ),
    ]
    assert counts(result) == (4, 2, 0, 2)


def test_an_assessor_who_is_a_platform_user(world: World, people: list[Resident], run: Run) -> None:
    rows = [
        mz_row(people[0], 评估员一="assessor", 评估员二="assessor_2"),
        mz_row(people[1], 评估员一="village_worker"),
        mz_row(people[2], 评估员一="assessor_b"),  # an assessor of county B
    ]
    result = run(rows, valid_only=True)
    assert errors(result) == [
        (3, "评估员一", "not_an_assessor"),
        (4, "评估员一", "not_an_assessor"),
    ]
    assert result.errors[0].message == "village_worker 不是负责该区域的评估员"
    stored = Assessment.objects.get()
    assert (stored.first_assessor, stored.second_assessor) == (
        world.user("assessor"),
        world.user("assessor_2"),
    )
    # Importing the same rows again: the assessment is recognised although the file has usernames.
    assert counts(run(rows[:1])) == (1, 0, 1, 0)


def test_only_county_level_roles_import(world: World, people: list[Resident], run: Run) -> None:
    for user in ("township_worker", "assessor", "village_worker", "auditor", "no_role"):
        with pytest.raises(PermissionDenied):
            run([mz_row(people[0])], user=user)
    # An administrator bound to no region sees no resident at all.
    assert errors(run([mz_row(people[0])], user="unbound")) == [
        (2, "公民身份号码", "resident_not_found")
    ]
    assert Assessment.objects.count() == 0


# --- modes -------------------------------------------------------------------------------------


def test_a_dry_run_writes_nothing(world: World, people: list[Resident], run: Run) -> None:
    rows = [mz_row(people[0]), mz_row(people[1], 进食=7)]
    result = run(rows, dry_run=True)
    assert (counts(result), result.dry_run, result.refused) == ((2, 1, 0, 1), True, True)
    clean = run(rows[:1], dry_run=True)
    assert (counts(clean), clean.refused) == ((1, 1, 0, 0), False)
    assert Assessment.objects.count() == 0
    assert not AuditEvent.objects.exists()


def test_valid_only_imports_the_good_rows(world: World, people: list[Resident], run: Run) -> None:
    rows = [mz_row(people[0]), mz_row(people[1], 进食=7), mz_row(people[2], adl=60)]
    result = run(rows, valid_only=True)
    assert (counts(result), result.refused) == ((3, 2, 0, 1), False)
    assert errors(result) == [(3, "进食", "score_not_allowed")]
    assert set(Assessment.objects.values_list("resident_id", flat=True)) == {
        people[0].pk,
        people[2].pk,
    }


def test_a_problem_the_service_finds_names_the_column(
    world: World, people: list[Resident], run: Run
) -> None:
    calls = 0
    real = services.record_assessment

    def record(**kwargs: Any) -> Assessment:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise AssessmentDataError([Problem("adl.walking", "x", "服务发现的问题")])
        return real(**kwargs)

    rows = [mz_row(people[0]), mz_row(people[1]), mz_row(people[2])]
    with mock.patch.object(pipeline, "record_assessment", record):
        result = run(rows, valid_only=True)
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (3, "平地行走", "服务发现的问题")
    ]
    assert counts(result) == (3, 2, 0, 1)
    assert Assessment.objects.count() == 2


def test_all_or_nothing_stops_writing_at_the_first_problem_the_service_finds(
    world: World, people: list[Resident], run: Run
) -> None:
    with mock.patch.object(
        pipeline,
        "record_assessment",
        side_effect=AssessmentDataError([Problem("second_assessor", "x", "不行")]),
    ) as record:
        result = run([mz_row(people[0]), mz_row(people[1])])
    assert record.call_count == 1
    assert (errors(result), result.refused) == ([(2, "评估员二", "x")], True)


# --- re-import ---------------------------------------------------------------------------------


def test_importing_the_same_file_again_changes_nothing(
    world: World, people: list[Resident], run: Run
) -> None:
    rows = [mz_row(people[0], 痴呆="是"), mz_row(people[1], adl=60, 跌倒次数=1)]
    assert counts(run(rows)) == (2, 2, 0, 0)
    again = run(rows)
    assert (counts(again), again.errors) == ((2, 0, 2, 0), [])
    assert Assessment.objects.count() == 2


def test_a_different_assessment_on_a_stored_day_is_refused(
    world: World, people: list[Resident], run: Run
) -> None:
    run([mz_row(people[0]), mz_row(people[1])])
    changed = [
        mz_row(people[0], 上下楼梯=5),
        mz_row(people[1], 评估员二="赵评估"),
        mz_row(people[2]),
    ]
    result = run(changed)
    assert [(e.row, e.column, e.code, e.message) for e in result.errors] == [
        (2, "上下楼梯", "assessment_conflict", CONFLICT),
        (3, "评估员二", "assessment_conflict", CONFLICT),
    ]
    assert CONFLICT == "该老人当天已有一份不同的评估，请在系统中更正"
    assert Assessment.objects.count() == 2


def test_a_corrected_assessment_is_not_imported_again(
    world: World, people: list[Resident], run: Run
) -> None:
    row = mz_row(people[0])
    run([row])
    original = Assessment.objects.get()
    services.correct_assessment(
        actor=world.user("assessor"),
        original=original,
        data={
            "answers": original.answers | {"adl.stairs": 5},
            "first_assessor": world.user("assessor"),
            "second_assessor": world.user("assessor_2"),
        },
        reason="楼梯一项录错",
    )
    result = run([row])
    assert (counts(result), result.errors) == ((1, 0, 1, 0), [])
    assert Assessment.objects.count() == 2


# --- cells and files ---------------------------------------------------------------------------


def test_cells_are_normalised_like_the_resident_import(
    world: World, people: list[Resident], run: Run
) -> None:
    rows = [
        mz_row(
            people[0], 进食="１０", 洗澡=5.0, 如厕="10.0", 评估日期="2026年5月3日", 跌倒次数="１"
        ),
        mz_row(people[1], 评估日期=date(2026, 5, 3), 评估原因="复评", 评估地点="养老机构"),
        mz_row(people[2], 评估日期=46145, 评估原因=" 即时 评估 ", 评估员一=" 李 评估 "),
        mz_row(people[3], 评估日期="2026.5.3", 评估原因="因对评估结果有疑问进行的复评"),
        mz_row(people[4], 评估日期="20260503", 评估原因="即时评估（状况发生变化）", 痴呆="否"),
    ]
    result = run(rows)
    assert (counts(result), result.errors) == ((5, 5, 0, 0), [])
    stored = {a.resident_id: a for a in Assessment.objects.all()}
    assert {a.assessed_on for a in stored.values()} == {date(2026, 5, 3)}
    first = stored[people[0].pk]
    assert (first.answers["adl.feeding"], first.answers["adl.bathing"]) == (10, 5)
    assert first.conditions["events_30d"]["fall"] == 1
    assert [stored[p.pk].reason for p in people[1:5]] == [
        "recheck",
        "status_change",
        "recheck",
        "status_change",
    ]
    assert stored[people[1].pk].place == "facility"
    assert stored[people[2].pk].first_assessor_name == "李评估"


def test_headers_are_found_below_a_title_in_any_order_and_spelling(
    world: World, people: list[Resident], run: Run
) -> None:
    names = headers(MZT039)
    spelled = {"进食": "日常生活活动·进食", "洗澡": " 洗 澡 ", "时间/空间定向": "时间／空间定向"}
    row = mz_row(people[0])
    row = {spelled.get(k, k): v for k, v in row.items()} | {"序号": 1, "备注": "纸质"}
    # Blank header cells (the tail of a merged cell, a spacer column) are skipped.
    columns = ["序号", "", *reversed([spelled.get(n, n) for n in names]), "", "备注"]
    result = run([row], standard=None, columns=columns, title="老年人能力评估（MZ/T 039-2013）")
    assert (counts(result), result.errors) == ((1, 1, 0, 0), [])
    assert result.warnings == ["以下列无法识别，已忽略：序号、备注"]


def test_csv_and_xlsx_import_alike(world: World, people: list[Resident], run: Run) -> None:
    rows = [gb_row(people[0], total=70), gb_row(people[1], total=40, 评估日期="2026/5/3")]
    bad = gb_row(people[2], 进食=5)
    result = run([*rows, bad], standard=GBT42195, suffix=".csv")
    assert errors(result) == [(4, "进食", "score_not_allowed")]
    result = run(rows, standard=GBT42195, suffix=".csv", encoding="gb18030")
    assert counts(result) == (2, 2, 0, 0)
    again = run(rows, standard=GBT42195, suffix=".xlsx")
    assert (counts(again), again.errors) == ((2, 0, 2, 0), [])
    assert [a.level for a in Assessment.objects.order_by("level")] == [1, 3]


def test_the_standard_option_must_agree_with_the_title(
    world: World, people: list[Resident], run: Run
) -> None:
    with pytest.raises(FileImportError, match="与指定的评估标准"):
        run([mz_row(people[0])], standard=GBT42195, title="老年人能力评估（MZ/T 039-2013）")


@pytest.mark.parametrize(
    ("columns", "standard", "message"),
    [
        (["序号", "备注"], MZT039, "前10行中没有找到表头行：表头须含有“公民身份号码”列"),
        (
            [n for n in headers(MZT039) if n not in ("公民身份号码", "评估员二")],
            MZT039,
            "缺少必需的列：公民身份号码、评估员二",
        ),
        ([n for n in headers(MZT039) if n != "洗澡"], MZT039, "缺少必需的列：洗澡"),
        (headers(MZT039), None, "未指明评估标准"),
        (
            [*headers(MZT039)[:7], "评估标准", "进食"],
            None,
            "缺少必需的列：MZ/T 039-2013的评估项目洗澡",
        ),
        ([*headers(MZT039), "进食"], MZT039, "第1行表头中“进食”出现了两次（第 H 列和第 AL 列）"),
    ],
)
def test_a_file_without_the_required_columns_is_refused(
    world: World,
    people: list[Resident],
    run: Run,
    columns: list[str],
    standard: str | None,
    message: str,
) -> None:
    with pytest.raises(FileImportError) as refused:
        run([mz_row(people[0])], standard=standard, columns=columns)
    assert message in refused.value.message


def test_the_other_standards_columns_are_ignored_with_a_warning(
    world: World, people: list[Resident], run: Run
) -> None:
    row = mz_row(people[0]) | {"穿/脱上衣": 4}
    result = run([row], columns=[*headers(MZT039), "穿/脱上衣"])
    assert counts(result) == (1, 1, 0, 0)
    assert result.warnings == ["以下列不是MZ/T 039-2013的评估项目，已忽略：穿/脱上衣"]


def test_lookups_are_batched_not_per_row(
    world: World, people: list[Resident], run: Run, django_assert_max_num_queries: Any
) -> None:
    many = [
        factories.resident(world.village_a, name="周七", birth=date(1950, 1, 1) + timedelta(n))
        for n in range(40)
    ]
    rows = [gb_row(resident, total=60) for resident in many]
    with django_assert_max_num_queries(4):
        result = run(rows, standard=GBT42195, dry_run=True)
    assert counts(result) == (40, 40, 0, 0)
