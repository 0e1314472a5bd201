"""Combination policies (highest / sum / exclusive), the evaluation's outcomes and explanation texts."""

from datetime import date

import pytest

from eldercare.entitlements.policy import (
    MONTHLY_SERVICE_CREDIT,
    Benefit,
    PersonFacts,
    evaluate,
    load_policy,
    yuan,
)
from eldercare.entitlements.policy.evaluation import plan_for
from tests.entitlements.policy_builders import DAY, HEADER, person, policy, rule_yaml

TWO = (
    rule_yaml("low", "age: {min: 70}", amount="60"),
    rule_yaml("high", "age: {min: 80}", amount="100.50"),
)


def test_highest_grants_the_largest_amount() -> None:
    target = policy(*TWO, combine="highest")
    result = evaluate(target, person(85), DAY)
    assert result.benefits == (
        Benefit(
            kind=MONTHLY_SERVICE_CREDIT,
            group="g",
            amount_fen=10050,
            items=("meal", "bath"),
            rule_key="high",
        ),
    )
    group = result.group("g")
    assert [rule.key for rule in group.applied] == ["low", "high"]
    assert group.winners == ("high",)
    assert group.total_fen == 10050
    assert group.reason == (
        "取最高：low（60.00元）、high（100.50元） 同时适用，取金额最高的 high（金额相同取文件中靠前者）"
    )
    assert result.amount_fen(MONTHLY_SERVICE_CREDIT) == 10050


def test_highest_with_equal_amounts_keeps_the_first_rule() -> None:
    target = policy(rule_yaml("a", "age: {min: 70}"), rule_yaml("b", "age: {min: 80}"))
    assert evaluate(target, person(85), DAY).group("g").winners == ("a",)


def test_highest_with_a_single_applicable_rule() -> None:
    result = evaluate(policy(*TWO), person(75), DAY)
    assert result.group("g").reason == "取最高：仅 low 适用，60.00元"
    assert result.amount_fen(MONTHLY_SERVICE_CREDIT) == 6000


def test_sum_grants_every_applicable_rule() -> None:
    result = evaluate(policy(*TWO, combine="sum"), person(85), DAY)
    assert [b.rule_key for b in result.benefits] == ["low", "high"]
    group = result.group("g")
    assert group.total_fen == 16050
    assert group.reason == "累加：low（60.00元）、high（100.50元） 同时适用，合计 160.50元"
    assert result.amount_fen(MONTHLY_SERVICE_CREDIT) == 16050


def test_exclusive_grants_the_one_rule_that_applies() -> None:
    target = policy(
        rule_yaml("young", "age: {max: 79}", amount="60"),
        rule_yaml("old", "age: {min: 80}", amount="90"),
        combine="exclusive",
    )
    result = evaluate(target, person(85), DAY)
    assert result.group("g").winners == ("old",)
    assert result.group("g").reason == "互斥：仅 old 适用，90.00元"
    assert not result.group("g").conflict


def test_exclusive_conflict_from_inconsistent_facts_is_flagged() -> None:
    # Disjoint by the facts (very_old needs age ≥ 80); a caller passing categories that contradict
    # the birth date makes both apply: the first wins and the group says so.
    target = policy(
        rule_yaml("a", "category: {any_of: [very_old]}", amount="90"),
        rule_yaml("b", "age: {max: 79}", amount="60"),
        combine="exclusive",
    )
    inconsistent = person(70, extra_categories=frozenset({"very_old"}))
    group = evaluate(target, inconsistent, DAY).group("g")
    assert group.conflict
    assert group.winners == ("a",)
    assert group.reason == (
        "互斥：a（90.00元）、b（60.00元） 同时适用，与规则文件的互斥校验矛盾（人群类别与其他事实不一致？），"
        "按文件顺序取 a，请核查该人员的登记信息"
    )


def test_groups_are_combined_independently() -> None:
    header = HEADER.format(combine="highest").replace(
        "rules:\n", "  care:\n    name: 护理补贴\n    combine: sum\nrules:\n"
    )
    care = {"kind": "care_subsidy", "group": "care"}
    target = load_policy(
        header
        + rule_yaml("credit", "age: {min: 80}")
        + rule_yaml("care-a", "disability_grade: {max: 2}", amount="80", **care)
        + rule_yaml("care-b", "capability_level: {disabled: true}", amount="100", **care)
    )
    who = person(85, disability_grade=1, capability=("mzt039-2013", 3))
    result = evaluate(target, who, DAY)
    assert [(b.group, b.rule_key, b.amount_fen) for b in result.benefits] == [
        ("g", "credit", 6000),
        ("care", "care-a", 8000),
        ("care", "care-b", 10000),
    ]
    assert result.amount_fen("care_subsidy") == 18000
    assert [g.group.key for g in result.groups] == ["g", "care"]


def test_nobody_entitled_and_empty_groups() -> None:
    result = evaluate(policy(*TWO), person(65), DAY)
    assert not result.is_entitled
    assert result.benefits == ()
    group = result.group("g")
    assert group.applied == ()
    assert group.granted == ()
    assert group.total_fen == 0
    assert group.reason == "无适用规则"
    with pytest.raises(KeyError):
        result.group("nope")
    with pytest.raises(KeyError):
        result.rule("nope")


def test_rule_lookup_on_the_policy() -> None:
    target = policy(*TWO)
    assert target.rule("high").benefit.amount_fen == 10050
    with pytest.raises(KeyError):
        target.rule("nope")


def test_one_off_subsidy_and_care_subsidy_texts() -> None:
    header = HEADER.format(combine="highest").replace(
        "rules:\n", "  once:\n    name: 一次性\n    combine: highest\nrules:\n"
    )
    target = load_policy(
        header
        + rule_yaml("care", "age: {min: 80}", kind="care_subsidy", amount="80")
        + rule_yaml("adapt", "age: {min: 80}", kind="one_off_subsidy", group="once", amount="3000")
    )
    text = evaluate(target, person(85), DAY).explanation
    assert "  测试组（g）：care 每月护理补贴 80.00元。取最高：仅 care 适用，80.00元" in text
    assert (
        "  一次性（once）：adapt 一次性补贴 3000.00元（适老化改造）。取最高：仅 adapt 适用，3000.00元"
        in text
    )


def test_explanation_lists_every_rule_and_the_result() -> None:
    target = policy(
        rule_yaml("low", "age: {min: 70}", amount="60"),
        rule_yaml("high", "age: {min: 80}", amount="100"),
        rule_yaml("old", "age: {min: 60}", amount="200", effective_to="2020-12-31"),
    )
    result = evaluate(target, person(78), DAY)
    assert result.explanation == "\n".join(
        [
            "测试规则（区划 320700000000，版本 1）",
            "评估日期 2024-06-01，年龄 78",
            "逐条规则：",
            "  ✓ [g] low 规则low：全部条件满足",
            "  ✗ [g] high 规则high：年龄 78 < 80（第 25 行）",
            "  － [g] old 规则old：不在有效期内（有效期 2020-01-01 至 2020-12-31）",
            "结果：",
            "  测试组（g）：low 每月购买服务额度 60.00元，可用于 助餐、助浴。取最高：仅 low 适用，60.00元",
        ]
    )
    nobody = evaluate(target, person(65), DAY).explanation
    assert nobody.endswith("结果：\n  不享受本文件中的任何补贴或服务")
    moved = evaluate(target, person(85, status="moved_out"), DAY).explanation
    assert "  ✗ [g] low 规则low：人员状态 迁出（moved_out），不在册\n" in moved


def test_as_dict_for_the_api() -> None:
    result = evaluate(policy(*TWO), person(75), DAY)
    data = result.as_dict()
    assert data["region"] == "320700000000"
    assert data["on"] == "2024-06-01"
    assert data["age"] == 75
    assert data["is_entitled"] is True
    assert data["rules"] == [
        {
            "key": "low",
            "name": "规则low",
            "group": "g",
            "in_effect": True,
            "applied": True,
            "reason": "全部条件满足",
            "deciding_path": "",
            "deciding_line": None,
        },
        {
            "key": "high",
            "name": "规则high",
            "group": "g",
            "in_effect": True,
            "applied": False,
            "reason": "年龄 75 < 80",
            "deciding_path": "rules[1].when.age",
            "deciding_line": 25,
        },
    ]
    assert data["groups"] == [
        {
            "key": "g",
            "name": "测试组",
            "combine": "highest",
            "applied": ["low"],
            "granted": [
                {
                    "kind": "monthly_service_credit",
                    "group": "g",
                    "amount_fen": 6000,
                    "items": ["meal", "bath"],
                    "rule_key": "low",
                    "reason": "",
                }
            ],
            "total_fen": 6000,
            "conflict": False,
            "reason": "取最高：仅 low 适用，60.00元",
        }
    ]
    assert data["benefits"] == data["groups"][0]["granted"]
    assert data["explanation"] == result.explanation
    assert repr(result.rules[1]) == "<RuleOutcome high: 年龄 75 < 80>"


def test_rules_in_effect_are_planned_once_per_day() -> None:
    target = policy(*TWO)
    first = plan_for(target, DAY)
    assert plan_for(target, DAY) is first
    for offset in range(70):
        plan_for(target, date(2030, 1, 1 + offset % 28).replace(month=1 + offset // 28))
    assert len(target.plans) <= 65


def test_money_formatting() -> None:
    assert yuan(6000) == "60.00元"
    assert yuan(5) == "0.05元"
    assert yuan(1234567) == "12345.67元"


def test_person_facts_are_frozen() -> None:
    facts = PersonFacts(birth_date=date(1940, 1, 1))
    with pytest.raises(AttributeError):
        facts.economic_status = "dibao"  # type: ignore[misc]
    assert facts.status == "active"
    assert facts.capability is None
