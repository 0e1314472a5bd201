"""Every condition operator: who passes, the boundaries, and the text of the deciding condition."""

from datetime import date
from typing import Any

import pytest

from eldercare.entitlements.policy import PersonFacts, evaluate
from eldercare.entitlements.policy.conditions import (
    ON_REGISTER,
    AgeCondition,
    AllOf,
    AnyOf,
    CategoryCondition,
    DisabledCondition,
    Not,
)
from tests.entitlements.policy_builders import DAY, person, reason, run, when_policy

MZ = "mzt039-2013"
GB = "gbt42195-2022"


def applies(when: str, who: PersonFacts, on: date = DAY) -> bool:
    return run(when_policy(when), who, on).rule("r1").applied


# age -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "age", "expected"),
    [
        ("age: {min: 80}", 79, False),
        ("age: {min: 80}", 80, True),
        ("age: {min: 80}", 120, True),
        ("age: {max: 79}", 79, True),
        ("age: {max: 79}", 80, False),
        ("age: {min: 80, max: 89}", 80, True),
        ("age: {min: 80, max: 89}", 89, True),
        ("age: {min: 80, max: 89}", 90, False),
        ("age: {min: 80, max: 80}", 80, True),
        ("age: {min: 0, max: 130}", 60, True),
    ],
)
def test_age_bounds_are_inclusive(when: str, age: int, expected: bool) -> None:
    assert applies(when, person(age)) is expected


def test_age_counts_full_years_on_the_evaluation_date() -> None:
    born = date(1944, 6, 2)  # turns 80 on 2024-06-02
    who = person(birth_date=born)
    assert not applies("age: {min: 80}", who, date(2024, 6, 1))
    assert applies("age: {min: 80}", who, date(2024, 6, 2))


def test_age_of_someone_born_on_29_february() -> None:
    who = person(birth_date=date(1944, 2, 29))
    assert not applies("age: {min: 80}", who, date(2024, 2, 28))
    assert applies("age: {min: 80}", who, date(2024, 2, 29))


def test_age_explanations() -> None:
    assert reason(when_policy("age: {min: 80}"), person(78)) == "年龄 78 < 80"
    assert reason(when_policy("age: {max: 89}"), person(92)) == "年龄 92 > 89"
    assert reason(when_policy("age: {min: 80, max: 89}"), person(92)) == "年龄 92 > 89"


# choices ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "attribute", "inside", "outside"),
    [
        ("economic_status", "economic_status", "dibao", "general"),
        ("living_arrangement", "living_arrangement", "alone", "with_children"),
        ("family_planning_status", "family_planning_status", "bereaved", "none"),
        ("household", "residence_type", "local", "nonlocal"),
    ],
)
def test_any_of_choice_conditions(field: str, attribute: str, inside: str, outside: str) -> None:
    target = when_policy(f"{field}: {{any_of: [{inside}]}}")
    matching: dict[str, Any] = {attribute: inside}
    other: dict[str, Any] = {attribute: outside}
    assert run(target, person(**matching)).rule("r1").applied
    assert not run(target, person(**other)).rule("r1").applied


def test_choice_with_several_codes() -> None:
    target = when_policy("economic_status: {any_of: [destitute, dibao, marginal]}")
    for status in ("destitute", "dibao", "marginal"):
        assert run(target, person(economic_status=status)).rule("r1").applied
    for status in ("poverty_alleviated", "general", ""):
        assert not run(target, person(economic_status=status)).rule("r1").applied


def test_choice_explanations() -> None:
    target = when_policy("economic_status: {any_of: [destitute, dibao]}")
    assert reason(target, person(economic_status="general")) == (
        "经济状况 一般（general） 不属于 特困供养、低保"
    )
    assert reason(target, person(economic_status="")) == "经济状况 未填写 不属于 特困供养、低保"
    assert reason(target, person(economic_status="unknown_code")) == (
        "经济状况 unknown_code 不属于 特困供养、低保"
    )
    household = when_policy("household: {any_of: [local, registered_away]}")
    assert reason(household, person(residence_type="nonlocal")) == (
        "户籍与居住 常住、户籍在外地（nonlocal） 不属于 户籍且常住、户籍在本地、常住外地"
    )


# categories ------------------------------------------------------------------------------------


def test_category_uses_the_callers_categories() -> None:
    target = when_policy("category: {any_of: [very_old, economically_difficult]}")
    assert run(target, person(85)).rule("r1").applied
    assert run(target, person(70, economic_status="marginal")).rule("r1").applied
    assert not run(target, person(70)).rule("r1").applied


def test_category_explanations() -> None:
    one = when_policy("category: {any_of: [very_old]}")
    assert reason(one, person(70, living_arrangement="alone")) == (
        "人群类别（65岁及以上、独居、特殊困难老年人）不含 高龄（80岁及以上）"
    )
    several = when_policy("category: {any_of: [very_old, dibao]}")
    assert reason(several, person(62)) == "人群类别（无）不含 高龄（80岁及以上）、低保 中任何一项"


# capability ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "capability", "expected"),
    [
        (f"capability_level: {{standard: {MZ}, min: 2}}", (MZ, 1), False),
        (f"capability_level: {{standard: {MZ}, min: 2}}", (MZ, 2), True),
        (f"capability_level: {{standard: {MZ}, min: 2}}", (MZ, 3), True),
        (f"capability_level: {{standard: {MZ}, min: 2}}", (GB, 4), False),
        (f"capability_level: {{standard: {MZ}, min: 2}}", None, False),
        (f"capability_level: {{standard: {GB}, max: 1}}", (GB, 0), True),
        (f"capability_level: {{standard: {GB}, max: 1}}", (GB, 2), False),
        (f"capability_level: {{standard: {GB}, min: 4, max: 4}}", (GB, 4), True),
        (f"capability_level: {{standard: {GB}}}", (GB, 0), True),
        (f"capability_level: {{standard: {GB}}}", (MZ, 0), False),
        ("capability_level: {disabled: true}", (MZ, 1), False),
        ("capability_level: {disabled: true}", (MZ, 2), True),
        ("capability_level: {disabled: true}", (GB, 1), False),
        ("capability_level: {disabled: true}", (GB, 4), True),
        ("capability_level: {disabled: true}", None, False),
        ("capability_level: {disabled: true}", ("other-standard", 3), False),
    ],
)
def test_capability_level(when: str, capability: tuple[str, int] | None, expected: bool) -> None:
    assert applies(when, person(capability=capability)) is expected


def test_capability_explanations() -> None:
    at_least = when_policy(f"capability_level: {{standard: {MZ}, min: 2}}")
    assert reason(at_least, person(capability=(MZ, 1))) == "能力等级 1（轻度失能） < 2（中度失能）"
    assert reason(at_least, person(capability=None)) == (
        "无能力评估结果（要求 MZ/T 039-2013 能力等级 ≥ 2（中度失能））"
    )
    assert reason(at_least, person(capability=(GB, 3))) == (
        "能力评估依据 GB/T 42195-2022，规则要求 MZ/T 039-2013"
    )
    assert reason(at_least, person(capability=("x", 3))) == "能力评估依据 x，规则要求 MZ/T 039-2013"
    at_most = when_policy(f"capability_level: {{standard: {GB}, max: 1}}")
    assert reason(at_most, person(capability=(GB, 3))) == "能力等级 3（重度失能） > 1（轻度失能）"
    disabled = when_policy("capability_level: {disabled: true}")
    assert reason(disabled, person(capability=(GB, 1))) == (
        "能力等级 GB/T 42195-2022 1（轻度失能） 未达失能标准（GB/T 42195-2022 等级 ≥ 2（中度失能））"
    )
    assert reason(disabled, person(capability=None)) == "无能力评估结果，不能认定失能"
    assert reason(disabled, person(capability=("x", 3))) == "能力评估标准 x 未知，不能认定失能"


def test_capability_descriptions() -> None:
    def described(when: str) -> str:
        return when_policy(when).rules[0].when.describe()

    assert described(f"capability_level: {{standard: {MZ}}}") == "已按 MZ/T 039-2013 评估"
    assert described(f"capability_level: {{standard: {MZ}, max: 1}}") == (
        "MZ/T 039-2013 能力等级 ≤ 1（轻度失能）"
    )
    assert described(f"capability_level: {{standard: {GB}, min: 1, max: 3}}") == (
        "GB/T 42195-2022 能力等级在 1（轻度失能） 至 3（重度失能） 之间"
    )
    assert described("capability_level: {disabled: true}") == (
        "失能（MZ/T 039-2013 等级 ≥ 2（中度失能），GB/T 42195-2022 等级 ≥ 2（中度失能））"
    )


# disability grade ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "grade", "expected"),
    [
        ("disability_grade: {max: 2}", 1, True),
        ("disability_grade: {max: 2}", 2, True),
        ("disability_grade: {max: 2}", 3, False),
        ("disability_grade: {max: 2}", None, False),
        ("disability_grade: {min: 3}", 3, True),
        ("disability_grade: {min: 3}", 4, True),
        ("disability_grade: {min: 3}", 2, False),
        ("disability_grade: {min: 2, max: 2}", 2, True),
    ],
)
def test_disability_grade(when: str, grade: int | None, expected: bool) -> None:
    assert applies(when, person(disability_grade=grade)) is expected


def test_disability_grade_explanations() -> None:
    severe = when_policy("disability_grade: {max: 2}")
    assert reason(severe, person(disability_grade=3)) == "残疾等级 三级 不在 一级至二级 之内"
    assert reason(severe, person()) == "无残疾等级（要求 一级至二级）"
    second = when_policy("disability_grade: {min: 2, max: 2}")
    assert reason(second, person(disability_grade=1)) == "残疾等级 一级，要求 二级"
    bad_data = PersonFacts(birth_date=date(1940, 1, 1), disability_grade=7)
    assert reason(severe, bad_data) == "残疾等级 7 不在 一级至二级 之内"


# combinators -----------------------------------------------------------------------------------

BOTH = """
age: {min: 80}
economic_status: {any_of: [dibao]}
"""


def test_conditions_of_one_mapping_must_all_hold_first_failure_decides() -> None:
    target = when_policy(BOTH)
    assert run(target, person(85, economic_status="dibao")).rule("r1").applied
    outcome = run(target, person(70, economic_status="general")).rule("r1")
    assert outcome.reason == "年龄 70 < 80"
    assert outcome.deciding_path == "rules[0].when.age"
    outcome = run(target, person(85, economic_status="general")).rule("r1")
    assert outcome.deciding_path == "rules[0].when.economic_status"


ALL_OF = """
all_of:
  - age: {min: 80}
  - age: {max: 89}
"""


def test_all_of() -> None:
    target = when_policy(ALL_OF)
    assert run(target, person(85)).rule("r1").applied
    assert run(target, person(90)).rule("r1").reason == "年龄 90 > 89"
    assert run(target, person(90)).rule("r1").deciding_path == "rules[0].when.all_of[1].age"
    assert isinstance(target.rules[0].when, AllOf)


ANY_OF = """
any_of:
  - age: {min: 80}
  - living_arrangement: {any_of: [alone]}
"""


def test_any_of() -> None:
    target = when_policy(ANY_OF)
    assert run(target, person(85)).rule("r1").applied
    assert run(target, person(70, living_arrangement="alone")).rule("r1").applied
    outcome = run(target, person(70)).rule("r1")
    assert not outcome.applied
    assert outcome.deciding_path == "rules[0].when.any_of"
    assert outcome.reason == (
        "以下条件均不满足：年龄 70 < 80；居住状况 与子女同住（with_children） 不属于 独居"
    )


NOT = """
not:
  economic_status: {any_of: [general]}
"""


def test_not() -> None:
    target = when_policy(NOT)
    assert run(target, person(economic_status="dibao")).rule("r1").applied
    outcome = run(target, person(economic_status="general")).rule("r1")
    assert outcome.deciding_path == "rules[0].when.not"
    assert outcome.reason == "排除条件成立：经济状况属于 一般（本人：经济状况 一般（general））"


IN = "institutional"
NESTED = """
age: {min: 60}
any_of:
  - all_of:
      - economic_status: {any_of: [dibao, marginal]}
      - any_of:
          - age: {min: 80}
          - capability_level: {disabled: true}
  - not:
      economic_status: {any_of: [general, dibao, marginal, poverty_alleviated]}
      living_arrangement: {any_of: [institutional]}
"""


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"age": 82, "economic_status": "dibao", "living_arrangement": IN}, True),
        (
            {
                "age": 70,
                "economic_status": "dibao",
                "living_arrangement": IN,
                "capability": (MZ, 2),
            },
            True,
        ),
        ({"age": 70, "economic_status": "dibao", "living_arrangement": IN}, False),
        ({"age": 70, "economic_status": "general", "living_arrangement": IN}, False),
        ({"age": 70, "economic_status": "destitute", "living_arrangement": IN}, True),
        ({"age": 70, "economic_status": "general", "living_arrangement": "alone"}, True),
        ({"age": 70, "economic_status": "dibao"}, True),
        ({"age": 59, "economic_status": "destitute"}, False),
    ],
)
def test_nested_combinators(facts: dict, expected: bool) -> None:
    assert applies(NESTED, person(**facts)) is expected


def test_nested_descriptions_and_actual_values() -> None:
    condition = when_policy(NESTED).rules[0].when
    assert condition.describe() == (
        "同时满足（年龄 ≥ 60；满足其一（同时满足（经济状况属于 低保、低保边缘；满足其一（年龄 ≥ 80；"
        "失能（MZ/T 039-2013 等级 ≥ 2（中度失能），GB/T 42195-2022 等级 ≥ 2（中度失能））））；"
        "不满足（同时满足（经济状况属于 一般、低保、低保边缘、脱贫/建档立卡；居住状况属于 集中供养））））"
    )
    who = person(70, economic_status="general", living_arrangement="institutional")
    assert condition.actual(who, 70) == (
        "年龄 70，经济状况 一般（general），无能力评估结果，居住状况 集中供养（institutional）"
    )
    outcome = run(when_policy(NESTED), who).rule("r1")
    assert outcome.reason.startswith(
        "以下条件均不满足：经济状况 一般（general） 不属于 低保、低保边缘；"
    )
    assert outcome.reason.endswith(
        "排除条件成立：同时满足（经济状况属于 一般、低保、低保边缘、脱贫/建档立卡；居住状况属于 集中供养）"
        "（本人：经济状况 一般（general），居住状况 集中供养（institutional））"
    )


def test_all_of_explain_names_its_failing_child() -> None:
    condition = when_policy(ALL_OF).rules[0].when
    assert condition.explain(person(95), 95) == "年龄 95 > 89"
    with pytest.raises(AssertionError):
        condition.explain(person(85), 85)


def test_not_descriptions() -> None:
    condition = when_policy(NOT).rules[0].when
    assert isinstance(condition, Not)
    assert condition.describe() == "不满足（经济状况属于 一般）"
    assert condition.actual(person(economic_status="dibao"), 75) == "经济状况 低保（dibao）"


def test_condition_holds_and_repr() -> None:
    condition = when_policy("age: {min: 80}").rules[0].when
    assert isinstance(condition, AgeCondition)
    assert condition.holds(person(80), DAY)
    assert not condition.holds(person(79), DAY)
    assert repr(condition) == "<AgeCondition rules[0].when.age: 年龄 ≥ 80>"
    assert when_policy("age: {max: 70}").rules[0].when.describe() == "年龄 ≤ 70"
    assert when_policy("age: {min: 70, max: 79}").rules[0].when.describe() == "年龄在 70 至 79 之间"
    assert (condition.line, condition.column) == (18, 7)


def test_category_and_disabled_descriptions() -> None:
    category = when_policy("category: {any_of: [dibao, marginal]}").rules[0].when
    assert isinstance(category, CategoryCondition)
    assert category.describe() == "人群类别含 低保、低保边缘 之一"
    assert category.actual(person(), 75) == "人群类别（65岁及以上）"
    disabled = when_policy("capability_level: {disabled: true}").rules[0].when
    assert isinstance(disabled, DisabledCondition)
    assert disabled.actual(person(capability=(MZ, 3)), 75) == "能力等级 MZ/T 039-2013 3（重度失能）"
    assert disabled.actual(person(capability=("x", 3)), 75) == "能力评估标准 x 未知"
    grade = when_policy("disability_grade: {max: 2}").rules[0].when
    assert grade.describe() == "残疾等级 一级至二级"
    assert grade.actual(person(), 75) == "无残疾等级"
    assert grade.actual(person(disability_grade=2), 75) == "残疾等级 二级"
    any_of = when_policy(ANY_OF).rules[0].when
    assert isinstance(any_of, AnyOf)
    assert any_of.actual(person(70), 70) == "年龄 70，居住状况 与子女同住（with_children）"


# status and effective dates --------------------------------------------------------------------


@pytest.mark.parametrize(("status", "label"), [("moved_out", "迁出"), ("deceased", "死亡")])
def test_only_residents_on_the_register_are_entitled(status: str, label: str) -> None:
    target = when_policy("age: {min: 60}")
    result = run(target, person(85, status=status))
    outcome = result.rule("r1")
    assert not outcome.applied
    assert outcome.deciding is ON_REGISTER
    assert outcome.reason == f"人员状态 {label}（{status}），不在册"
    assert outcome.deciding_path == "status"
    assert ON_REGISTER.describe() == "人员在册"
    assert not result.is_entitled


def test_rules_apply_only_within_their_effective_dates() -> None:
    from tests.entitlements.policy_builders import policy, rule_yaml

    target = policy(rule_yaml(effective_from="2021-01-01", effective_to="2021-12-31"))
    who = person(85)
    assert not evaluate(target, who, date(2020, 12, 31)).rule("r1").in_effect
    assert evaluate(target, who, date(2021, 1, 1)).rule("r1").applied
    assert evaluate(target, who, date(2021, 12, 31)).rule("r1").applied
    outcome = evaluate(target, who, date(2022, 1, 1)).rule("r1")
    assert not outcome.in_effect
    assert not outcome.applied
    assert outcome.deciding is None
    assert outcome.reason == "不在有效期内（有效期 2021-01-01 至 2021-12-31）"
    open_ended = policy(rule_yaml(effective_from="2021-01-01"))
    assert evaluate(open_ended, who, date(2020, 1, 1)).rule("r1").reason == (
        "不在有效期内（有效期 2021-01-01 起）"
    )
    assert evaluate(open_ended, who, date(2099, 1, 1)).rule("r1").applied


# one condition on its own ----------------------------------------------------------------------


def test_parse_condition_checks_fields_but_not_satisfiability() -> None:
    from eldercare.entitlements.policy import PolicyError
    from eldercare.entitlements.policy.condition_parsing import parse_condition

    assert repr(parse_condition("age: {min: 80}")) == "<AgeCondition when.age: 年龄 ≥ 80>"
    disabled = parse_condition(
        "capability_level: {disabled: true}",
        disabled_threshold={"mzt039-2013": 1, "gbt42195-2022": 3},
    )
    assert disabled.holds(person(capability=("mzt039-2013", 1)), DAY)
    assert not disabled.holds(person(capability=("gbt42195-2022", 2)), DAY)
    with pytest.raises(PolicyError) as error:
        parse_condition("capability_level: {disabled: true}", source="行.yaml")
    assert [tuple(p) for p in error.value.problems] == [
        (
            "行.yaml",
            1,
            30,
            "when.capability_level.disabled",
            "使用了 disabled: true，但文件没有声明 disabled_threshold（各标准的失能起点等级）",
        )
    ]
    with pytest.raises(PolicyError):
        parse_condition("")
    never = parse_condition("age: {min: 90}\nnot: {age: {min: 0}}")
    assert not never.holds(person(95), DAY)
