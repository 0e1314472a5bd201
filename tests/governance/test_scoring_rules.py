"""The pure scoring formulas: every rule type from a table, the item cap, bonus items apart, and
hypothesis for the bounds (a score never exceeds its maximum, never drops below 0)."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eldercare.governance.rules.scoring import (
    IndicatorValue,
    Item,
    ManualScore,
    Rule,
    RuleKind,
    Sheet,
    SubItem,
    SubItemStatus,
    indicator_needs,
    score_sheet,
    sheet_warnings,
)

ON = date(2021, 3, 1)
D = Decimal


def value(code: str, number: str | None, on: date = ON) -> IndicatorValue:
    return IndicatorValue(code=code, as_of=on, value=None if number is None else D(number))


def one(
    rule: Rule, points: str, *, indicators=(), manual=None, on: date = ON, item_max: str = "100"
):
    sheet = Sheet(
        items=(Item("1", "项目", D(item_max), (SubItem("1.1", "细项", D(points), rule),)),)
    )
    values = {(v.code, v.as_of): v for v in indicators}
    report = score_sheet(sheet, values, manual or {}, on=on)
    return report.items[0].sub_items[0], report.items[0]


THRESHOLD = Rule(kind=RuleKind.THRESHOLD, indicator="fund_execution_rate", at_least=D("0.5"))
AT_MOST = Rule(kind=RuleKind.THRESHOLD, indicator="x", at_most=D(3))
BETWEEN = Rule(kind=RuleKind.THRESHOLD, indicator="x", at_least=D(1), at_most=D(3))
PROPORTIONAL = Rule(kind=RuleKind.PROPORTIONAL, indicator="x", target=D("0.6"))
PROPORTIONAL_CAP = Rule(kind=RuleKind.PROPORTIONAL, indicator="x", target=D("0.6"), cap=D(10))
STATIONS = Rule(
    kind=RuleKind.PER_UNIT, indicator="x", target=D(10), per_missing=D(-2), per_extra=D(1)
)
FAILURES = Rule(kind=RuleKind.PER_UNIT, indicator="x", target=D(0), per_extra=D(-1))
CAPPED = Rule(kind=RuleKind.PER_UNIT, indicator="x", target=D(10), per_extra=D(1), cap=D(15))


@pytest.mark.parametrize(
    ("rule", "points", "number", "expected", "explanation"),
    [
        (THRESHOLD, "3", "0.5", "3", "fund_execution_rate = 0.5，达到 fund_execution_rate ≥ 0.5"),
        (
            THRESHOLD,
            "3",
            "0.4999",
            "0",
            "fund_execution_rate = 0.4999，未达到 fund_execution_rate ≥ 0.5",
        ),
        (THRESHOLD, "3", "1", "3", "fund_execution_rate = 1，达到 fund_execution_rate ≥ 0.5"),
        (AT_MOST, "2", "3", "2", "x = 3，达到 x ≤ 3"),
        (AT_MOST, "2", "4", "0", "x = 4，未达到 x ≤ 3"),
        (BETWEEN, "2", "0", "0", "x = 0，未达到 x ≥ 1 且 ≤ 3"),
        (BETWEEN, "2", "2", "2", "x = 2，达到 x ≥ 1 且 ≤ 3"),
        (PROPORTIONAL, "8", "0.3", "4.00", "8 × 0.3 / 0.6 = 4"),
        (PROPORTIONAL, "8", "0.4", "5.33", "8 × 0.4 / 0.6 = 5.33"),
        (PROPORTIONAL, "8", "0.9", "8.00", "8 × 0.9 / 0.6 = 8（封顶）"),
        (PROPORTIONAL, "8", "0", "0.00", "8 × 0 / 0.6 = 0"),
        (PROPORTIONAL, "8", "-1", "0.00", "8 × -1 / 0.6 = 0"),
        (PROPORTIONAL_CAP, "8", "0.9", "10.00", "8 × 0.9 / 0.6 = 10（封顶）"),
        (STATIONS, "13", "10", "13.00", "x = 10，目标 10：少 0 个，多 0 个，13 + 0 + 0 = 13"),
        (STATIONS, "13", "8", "9.00", "x = 8，目标 10：少 2 个，多 0 个，13 - 4 + 0 = 9"),
        (STATIONS, "13", "12", "15.00", "x = 12，目标 10：少 0 个，多 2 个，13 + 0 + 2 = 15"),
        (
            STATIONS,
            "13",
            "2",
            "0.00",
            "x = 2，目标 10：少 8 个，多 0 个，13 - 16 + 0 = -3，限定为 0",
        ),
        (FAILURES, "8", "3", "5.00", "x = 3，目标 0：少 0 个，多 3 个，8 + 0 - 3 = 5"),
        (FAILURES, "8", "9", "0.00", "x = 9，目标 0：少 0 个，多 9 个，8 + 0 - 9 = -1，限定为 0"),
        (
            CAPPED,
            "13",
            "20",
            "15.00",
            "x = 20，目标 10：少 0 个，多 10 个，13 + 0 + 10 = 23，限定为 15",
        ),
    ],
)
def test_indicator_rules(
    rule: Rule, points: str, number: str, expected: str, explanation: str
) -> None:
    sub, _item = one(rule, points, indicators=[value(rule.indicator, number)])
    assert (sub.points, sub.status, sub.explanation) == (
        D(expected),
        SubItemStatus.SCORED,
        explanation,
    )
    assert sub.indicator == value(rule.indicator, number)


def test_a_per_unit_target_can_be_another_indicator() -> None:
    rule = Rule(
        kind=RuleKind.PER_UNIT,
        indicator="stations_built",
        target_indicator="stations_planned",
        per_missing=D(-2),
        per_extra=D(1),
    )
    sub, _ = one(
        rule,
        "13",
        indicators=[value("stations_built", "11"), value("stations_planned", "12")],
    )
    assert sub.points == D(11)
    assert sub.target == value("stations_planned", "12")
    missing, _ = one(rule, "13", indicators=[value("stations_built", "11")])
    assert (missing.points, missing.status) == (D(0), SubItemStatus.MISSING)
    assert missing.explanation == "缺少目标指标 stations_planned 在 2021-03-01 的值"


@pytest.mark.parametrize("rule", [THRESHOLD, PROPORTIONAL, STATIONS])
def test_a_missing_indicator_value_scores_zero_and_says_so(rule: Rule) -> None:
    for indicators in ([], [value(rule.indicator, None)]):
        sub, _ = one(rule, "5", indicators=indicators)
        assert (sub.points, sub.status) == (D(0), SubItemStatus.MISSING)
        assert sub.explanation == f"缺少指标 {rule.indicator} 在 2021-03-01 的值"


@pytest.mark.parametrize(
    ("entered", "expected", "explanation"),
    [
        (None, "0", "尚未评分"),
        ("1.5", "1.5", "人工评分"),
        ("2", "2", "人工评分"),
        ("3", "2", "人工评分3，按分值限定"),
        ("-1", "0", "人工评分-1，按分值限定"),
    ],
)
def test_manual_rule(entered: str | None, expected: str, explanation: str) -> None:
    manual = {} if entered is None else {"1.1": ManualScore(D(entered), "会议纪要")}
    sub, _ = one(Rule(), "2", manual=manual)
    assert (sub.points, sub.explanation) == (D(expected), explanation)
    assert sub.status == (SubItemStatus.MISSING if entered is None else SubItemStatus.SCORED)
    assert sub.evidence == ("" if entered is None else "会议纪要")


def test_as_of_reads_the_indicator_on_that_day_once_it_has_come() -> None:
    rule = Rule(kind=RuleKind.THRESHOLD, indicator="f", at_least=D("0.5"), as_of=date(2020, 12, 31))
    assert rule.evaluation_date(date(2021, 3, 1)) == date(2020, 12, 31)
    assert rule.evaluation_date(date(2020, 10, 1)) == date(2020, 10, 1)
    sub, _ = one(rule, "3", indicators=[value("f", "0.6", date(2020, 12, 31)), value("f", "0.1")])
    assert sub.points == D(3)
    assert rule.describe() == "f ≥ 0.5（以2020-12-31为准）"


def test_the_item_is_capped_at_its_maximum_and_bonus_items_are_apart() -> None:
    sheet = Sheet(
        items=(
            Item(
                "3",
                "督导",
                D(5),
                tuple(SubItem(f"3.{n}", "x", D(2)) for n in range(1, 5)),
            ),
            Item(
                "7",
                "驿站",
                D(30),
                (
                    SubItem("7.1", "摸底", D(2)),
                    SubItem("7.3", "建设", D(13), STATIONS),
                    SubItem("7.4", "运营", D(15)),
                ),
            ),
            Item(
                "11",
                "创新",
                D(10),
                (SubItem("11.1", "政策", D(5)), SubItem("11.2", "模式", D(5))),
                is_bonus=True,
            ),
        )
    )
    manual = {key: ManualScore(D(2)) for key in ("3.1", "3.2", "3.3", "3.4", "7.1")}
    manual |= {"7.4": ManualScore(D(15)), "11.1": ManualScore(D(5)), "11.2": ManualScore(D(4))}
    report = score_sheet(sheet, {("x", ON): value("x", "14")}, manual, on=ON)
    item_3, item_7, item_11 = report.items
    assert (item_3.raw, item_3.points, item_3.is_capped) == (D(8), D(5), True)
    assert (item_7.raw, item_7.points, item_7.is_capped) == (D(34), D(30), True)
    assert (item_11.points, item_11.is_bonus) == (D(9), True)
    assert (report.base_total, report.base_maximum) == (D(35), D(35))
    assert (report.bonus_total, report.bonus_maximum, report.total) == (D(9), D(10), D(44))


def test_sheet_warnings_name_items_over_and_under_their_maximum() -> None:
    sheet = Sheet(
        items=(
            Item("3", "督导", D(5), tuple(SubItem(f"3.{n}", "x", D(2)) for n in range(1, 5))),
            Item("4", "筛查", D(8), (SubItem("4.1", "x", D(8)),)),
            Item("5", "社会力量", D(8), (SubItem("5.1", "x", D(4)), SubItem("5.2", "x", D("3.5")))),
        )
    )
    assert [(w.item, w.code, w.message) for w in sheet_warnings(sheet)] == [
        ("3", "sub_items_exceed_item", "第3项声明5分，细项合计8分（2+2+2+2），评分以5分封顶"),
        ("5", "sub_items_below_item", "第5项声明8分，细项合计只有7.5分（4+3.5），无法得满分"),
    ]


def test_indicator_needs_lists_each_indicator_and_day() -> None:
    dated = Rule(kind=RuleKind.THRESHOLD, indicator="f", at_least=D(1), as_of=date(2020, 12, 31))
    per_unit = Rule(
        kind=RuleKind.PER_UNIT, indicator="built", target_indicator="planned", per_extra=D(1)
    )
    sheet = Sheet(
        items=(
            Item(
                "1",
                "x",
                D(9),
                (
                    SubItem("1.1", "a", D(3), dated),
                    SubItem("1.2", "b", D(3), per_unit),
                    SubItem("1.3", "c", D(3)),
                ),
            ),
        )
    )
    assert indicator_needs(sheet, ON) == {
        ("f", date(2020, 12, 31)),
        ("built", ON),
        ("planned", ON),
    }


@pytest.mark.parametrize(
    "rule",
    [Rule(), THRESHOLD, AT_MOST, PROPORTIONAL, PROPORTIONAL_CAP, STATIONS, FAILURES, CAPPED],
)
def test_rules_survive_storage_as_json(rule: Rule) -> None:
    assert Rule.from_dict(rule.as_dict()) == rule


@pytest.mark.parametrize(
    ("rule", "keys"),
    [
        (Rule(), []),
        (Rule(kind=RuleKind.THRESHOLD), ["indicator", "at_least"]),
        (Rule(kind=RuleKind.PROPORTIONAL, indicator="x", target=D(0)), ["target"]),
        (Rule(kind=RuleKind.PER_UNIT, indicator="x"), ["target", "per_extra"]),
        (
            Rule(kind=RuleKind.PER_UNIT, indicator="x", target=D(1), per_missing=D(1)),
            ["per_missing"],
        ),
    ],
)
def test_rule_problems(rule: Rule, keys: list[str]) -> None:
    assert [key for key, _message in rule.problems()] == keys


# --- properties ---------------------------------------------------------------------------------

points = st.decimals(min_value=0, max_value=50, places=1, allow_nan=False, allow_infinity=False)
numbers = st.decimals(
    min_value=-100, max_value=1000, places=2, allow_nan=False, allow_infinity=False
)
positive = st.decimals(
    min_value=D("0.01"), max_value=100, places=2, allow_nan=False, allow_infinity=False
)
changes = st.decimals(min_value=-5, max_value=5, places=1, allow_nan=False, allow_infinity=False)


@st.composite
def rules(draw: st.DrawFn) -> Rule:
    kind = draw(st.sampled_from(list(RuleKind)))
    if kind == RuleKind.MANUAL:
        return Rule()
    if kind == RuleKind.THRESHOLD:
        return Rule(kind=kind, indicator="x", at_least=draw(numbers))
    if kind == RuleKind.PROPORTIONAL:
        return Rule(kind=kind, indicator="x", target=draw(positive), cap=draw(st.none() | points))
    return Rule(
        kind=kind,
        indicator="x",
        target=draw(numbers),
        per_missing=-abs(draw(changes)),
        per_extra=draw(changes),
        cap=draw(st.none() | points),
    )


@st.composite
def sheets(draw: st.DrawFn) -> Sheet:
    items = []
    for number in range(1, draw(st.integers(1, 4)) + 1):
        subs = tuple(
            SubItem(f"{number}.{n}", "x", draw(points), draw(rules()))
            for n in range(1, draw(st.integers(1, 4)) + 1)
        )
        items.append(Item(str(number), "x", draw(points), subs, is_bonus=draw(st.booleans())))
    return Sheet(items=tuple(items))


@settings(max_examples=300, deadline=None)
@given(sheet=sheets(), number=st.none() | numbers, entered=numbers)
def test_no_score_exceeds_its_maximum_or_drops_below_zero(
    sheet: Sheet, number: Decimal | None, entered: Decimal
) -> None:
    keys = [sub.key for item in sheet.items for sub in item.sub_items]
    manual = {key: ManualScore(entered) for key in keys}
    report = score_sheet(
        sheet, {("x", ON): value("x", None if number is None else str(number))}, manual, on=ON
    )
    for item, scored in zip(sheet.items, report.items, strict=True):
        assert D(0) <= scored.points <= item.max_points
        assert scored.raw == sum((s.points for s in scored.sub_items), D(0))
        for sub, sub_score in zip(item.sub_items, scored.sub_items, strict=True):
            assert sub_score.points >= 0
            if sub.rule.kind in (RuleKind.MANUAL, RuleKind.THRESHOLD) or (
                sub.rule.kind == RuleKind.PROPORTIONAL and sub.rule.cap is None
            ):
                assert sub_score.points <= sub.points
            if sub.rule.cap is not None:
                assert sub_score.points <= sub.rule.cap
    assert D(0) <= report.base_total <= report.base_maximum
    assert D(0) <= report.bonus_total <= report.bonus_maximum
    assert report.total == report.base_total + report.bonus_total


@settings(max_examples=200, deadline=None)
@given(sheet=sheets(), number=numbers)
def test_bonus_items_never_change_the_base_total(sheet: Sheet, number: Decimal) -> None:
    indicators = {("x", ON): value("x", str(number))}
    full = score_sheet(sheet, indicators, {}, on=ON)
    base_only = Sheet(items=tuple(i for i in sheet.items if not i.is_bonus))
    assert score_sheet(base_only, indicators, {}, on=ON).base_total == full.base_total
    assert full.bonus_total == sum((i.points for i in full.items if i.is_bonus), D(0))
