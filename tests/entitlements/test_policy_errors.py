"""Each kind of bad rule file is refused at load with file, line, column, path and a Chinese message.

Line numbers: the test header (policy_builders.HEADER) has 13 lines; the first rule's `key` is on
line 14, its `when` on line 17 and the first condition on line 18, the benefit on line 19.
"""

from pathlib import Path

import pytest

from eldercare.entitlements.policy import PolicyError, Problem, load_policies_dir, load_policy
from tests.entitlements.policy_builders import HEADER, policy_text, rule_yaml

ECONOMIC_CODES = (
    "destitute（特困供养）、dibao（低保）、marginal（低保边缘）、poverty_alleviated（脱贫/建档立卡）、"
    "general（一般）"
)
SERVICE_CODES = (
    "meal（助餐）、bath（助浴）、cleaning（助洁）、medical（助医）、mobility（助行）、emergency（助急）、"
    "rehabilitation（康复护理）、companionship（精神慰藉）、errands（委托代办）、"
    "home_adaptation（适老化改造）、day_care（日间照料）"
)


def problems(text: str) -> list[Problem]:
    """The problems of a bad file (Problem is a NamedTuple: it compares equal to a plain tuple)."""
    with pytest.raises(PolicyError) as error:
        load_policy(text, source_name="t.yaml")
    return list(error.value.problems)


def with_when(when: str) -> str:
    return policy_text(rule_yaml(when=when))


def only(text: str) -> Problem:
    found = problems(text)
    assert len(found) == 1, found
    return found[0]


# YAML and file shape ---------------------------------------------------------------------------


def test_yaml_syntax_error() -> None:
    assert only("region: [1, 2\nname: x\n") == (
        "t.yaml",
        2,
        5,
        "",
        "YAML 语法错误：while parsing a flow sequence expected ',' or ']', but got ':'",
    )


@pytest.mark.parametrize("text", ["", "# 只有注释\n"])
def test_empty_file(text: str) -> None:
    assert only(text) == ("t.yaml", 1, 1, "", "文件为空")


def test_several_documents() -> None:
    assert only("a: 1\n---\nb: 2\n") == (
        "t.yaml",
        2,
        1,
        "",
        "YAML 语法错误：expected a single document in the stream but found another document",
    )


def test_aliases_are_refused() -> None:
    text = policy_text(
        rule_yaml("a", "age: &old {min: 80}"), rule_yaml("b", "age: *old", amount="70")
    )
    assert only(text) == (
        "t.yaml",
        25,
        12,
        "",
        "不支持 YAML 别名（*old）：请把内容直接写出，出错位置才能指到原处",
    )


def test_file_must_be_a_mapping() -> None:
    assert only("- a\n- b\n") == ("t.yaml", 1, 1, "", "类型错误：应为映射（字段: 值），实际为列表")


# unknown, missing and duplicate fields ---------------------------------------------------------


def test_unknown_top_level_field_suggests_the_closest() -> None:
    assert only(policy_text().replace("rules:", "rule:")) == (
        "t.yaml",
        13,
        1,
        "rule",
        "未知字段 “rule”，是否想写 “rules”？",
    )


def test_unknown_rule_field() -> None:
    assert only(policy_text().replace("effective_from", "efective_from")) == (
        "t.yaml",
        16,
        5,
        "rules[0].efective_from",
        "未知字段 “efective_from”，是否想写 “effective_from”？",
    )


def test_unknown_benefit_field() -> None:
    assert only(policy_text().replace("amount: 60", "amout: 60")) == (
        "t.yaml",
        19,
        45,
        "rules[0].benefit.amout",
        "未知字段 “amout”，是否想写 “amount”？",
    )


def test_unknown_condition() -> None:
    assert only(with_when("agee: {min: 80}")) == (
        "t.yaml",
        18,
        7,
        "rules[0].when.agee",
        "未知字段 “agee”，是否想写 “age”？",
    )


def test_unknown_field_inside_a_condition() -> None:
    assert only(with_when("age: {mni: 80}")) == (
        "t.yaml",
        18,
        13,
        "rules[0].when.age.mni",
        "未知字段 “mni”，是否想写 “min”？",
    )


def test_unknown_field_far_from_any_lists_the_known_ones() -> None:
    assert only(with_when("zzz: 1")) == (
        "t.yaml",
        18,
        7,
        "rules[0].when.zzz",
        "未知字段 “zzz”；可用：age、economic_status、living_arrangement、family_planning_status、"
        "household、category、capability_level、disability_grade、all_of、any_of、not",
    )


def test_unknown_field_in_floor() -> None:
    text = policy_text().replace("floor:\n  monthly_service_credit: 60", "floor:\n  monthly: 60")
    assert only(text) == (
        "t.yaml",
        5,
        3,
        "floor.monthly",
        "未知字段 “monthly”；可用：monthly_service_credit、one_off_subsidy、care_subsidy",
    )


def test_missing_required_field() -> None:
    assert only(policy_text().replace('region: "320700000000"\n', "")) == (
        "t.yaml",
        1,
        1,
        "region",
        "缺少必填字段 “region”",
    )


def test_missing_groups_is_reported_once() -> None:
    text = policy_text().replace("groups:\n  g:\n    name: 测试组\n    combine: highest\n", "")
    assert only(text) == ("t.yaml", 1, 1, "groups", "缺少必填字段 “groups”")


def test_missing_reason_of_a_one_off_subsidy() -> None:
    text = policy_text(rule_yaml(kind="one_off_subsidy")).replace(", reason: 适老化改造", "")
    assert only(text) == ("t.yaml", 19, 14, "rules[0].benefit.reason", "缺少必填字段 “reason”")


def test_field_that_does_not_fit_the_benefit_kind() -> None:
    text = policy_text(rule_yaml(kind="care_subsidy")).replace(
        "amount: 60}", "amount: 60, items: [meal]}"
    )
    assert only(text) == (
        "t.yaml",
        19,
        47,
        "rules[0].benefit.items",
        "字段 “items” 不适用于收益类型 care_subsidy（每月护理补贴）",
    )


def test_duplicate_yaml_key() -> None:
    assert only(with_when("age: {min: 80, min: 81}")) == (
        "t.yaml",
        18,
        22,
        "rules[0].when.age.min",
        "字段 “min” 重复（第 18 行已写过）",
    )


@pytest.mark.parametrize(
    ("when", "column", "kind"), [("? [a]\n: 1", 9, "列表"), ("~: 1", 7, "空值")]
)
def test_field_names_must_be_text(when: str, column: int, kind: str) -> None:
    assert only(with_when(when)) == (
        "t.yaml",
        18,
        column,
        "rules[0].when",
        f"字段名应为文本，实际为{kind}",
    )


# wrong types -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "actual"),
    [
        ("age: {min: eighty}", "文本 “eighty”"),
        ("age: {min: 80.5}", "小数 “80.5”"),
        ("age: {min: true}", "布尔值 “true”"),
        ("age: {min: 0x50}", "整数 “0x50”"),
        (
            "age: {min: !!python/object:os.system 80}",
            "带标签 tag:yaml.org,2002:python/object:os.system 的值",
        ),
    ],
)
def test_age_must_be_a_decimal_integer(when: str, actual: str) -> None:
    assert only(with_when(when)) == (
        "t.yaml",
        18,
        18,
        "rules[0].when.age.min",
        f"类型错误：应为十进制整数，实际为{actual}",
    )


def test_amount_must_be_a_number() -> None:
    assert only(policy_text(rule_yaml(amount='"60"'))) == (
        "t.yaml",
        19,
        53,
        "rules[0].benefit.amount",
        "类型错误：应为金额（元，如 60 或 60.00），实际为文本 “60”",
    )
    assert only(policy_text(rule_yaml(amount="1e3")))[4] == (
        "类型错误：应为金额（元，如 60 或 60.00），实际为文本 “1e3”"
    )


def test_amount_has_at_most_two_decimals() -> None:
    assert only(policy_text(rule_yaml(amount="60.005"))) == (
        "t.yaml",
        19,
        53,
        "rules[0].benefit.amount",
        "金额 60.005 元最多两位小数（到分）",
    )


def test_amount_must_be_positive() -> None:
    assert only(policy_text(rule_yaml(kind="care_subsidy", amount="0"))) == (
        "t.yaml",
        19,
        43,
        "rules[0].benefit.amount",
        "金额必须大于 0",
    )


def test_when_must_be_a_mapping() -> None:
    assert only(with_when("- age: {min: 80}")) == (
        "t.yaml",
        18,
        7,
        "rules[0].when",
        "类型错误：应为映射（字段: 值），实际为列表",
    )


@pytest.mark.parametrize(
    ("replace", "expected"),
    [
        (
            ("name: 测试规则", "name: [a]"),
            ("t.yaml", 2, 7, "name", "类型错误：应为文本，实际为列表"),
        ),
        (("name: 测试规则", 'name: ""'), ("t.yaml", 2, 7, "name", "不能为空")),
        (("name: 测试规则", "name:"), ("t.yaml", 2, 6, "name", "类型错误：应为文本，实际为空值")),
        (
            ('version: "1"', "version: [1]"),
            ("t.yaml", 3, 10, "version", "类型错误：应为文本或数字，实际为列表"),
        ),
        (('version: "1"', 'version: " "'), ("t.yaml", 3, 10, "version", "不能为空")),
        (
            ('"320700000000"', '"3207"'),
            ("t.yaml", 1, 9, "region", "区划代码应为12位数字，实际为 “3207”"),
        ),
        (
            ("monthly_service_credit: 60\ndisabled", "monthly_service_credit: abc\ndisabled"),
            (
                "t.yaml",
                5,
                27,
                "floor.monthly_service_credit",
                "类型错误：应为金额（元，如 60 或 60.00），实际为文本 “abc”",
            ),
        ),
    ],
)
def test_wrong_types_of_file_fields(replace: tuple[str, str], expected: tuple) -> None:
    assert only(policy_text().replace(*replace)) == expected


def test_empty_rule_list() -> None:
    text = HEADER.format(combine="highest").replace("rules:\n", "rules: []\n")
    assert only(text) == ("t.yaml", 13, 8, "rules", "列表不能为空")
    text = HEADER.format(combine="highest").replace("rules:\n", "rules: {a: 1}\n")
    assert only(text) == ("t.yaml", 13, 8, "rules", "类型错误：应为列表，实际为映射")


def test_rule_key_format() -> None:
    assert only(policy_text(rule_yaml("R 1"))) == (
        "t.yaml",
        14,
        10,
        "rules[0].key",
        "规则编号 “R 1” 只能包含小写字母、数字、_ . -，且以字母或数字开头",
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-02-30", "日期 2021-02-30 不存在"),
        ("2021/02/03", "类型错误：应为日期（YYYY-MM-DD），实际为文本 “2021/02/03”"),
        (
            "2021-02-03 10:00:00",
            "类型错误：应为日期（YYYY-MM-DD），实际为日期 “2021-02-03 10:00:00”",
        ),
    ],
)
def test_dates(value: str, expected: str) -> None:
    assert only(policy_text(rule_yaml(effective_from=value))) == (
        "t.yaml",
        16,
        21,
        "rules[0].effective_from",
        expected,
    )


def test_disabled_must_be_a_boolean() -> None:
    assert only(with_when("capability_level: {disabled: 1}")) == (
        "t.yaml",
        18,
        36,
        "rules[0].when.capability_level.disabled",
        "类型错误：应为布尔值（true 或 false），实际为整数 “1”",
    )


# unknown value codes ---------------------------------------------------------------------------


def test_unknown_economic_status_suggests_the_closest() -> None:
    assert only(with_when("economic_status: {any_of: [dibaoo]}")) == (
        "t.yaml",
        18,
        34,
        "rules[0].when.economic_status.any_of[0]",
        f"未知的经济状况代码 “dibaoo”。是否想写 “dibao”？可用：{ECONOMIC_CODES}",
    )


def test_unknown_code_far_from_any() -> None:
    assert only(with_when("economic_status: {any_of: [rich]}"))[4] == (
        f"未知的经济状况代码 “rich”。可用：{ECONOMIC_CODES}"
    )


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("living_arrangement: {any_of: [alon]}", "未知的居住状况代码 “alon”。是否想写 “alone”？"),
        ("household: {any_of: [locale]}", "未知的户籍与居住代码 “locale”。是否想写 “local”？"),
        ("category: {any_of: [very-old]}", "未知的人群类别代码 “very-old”。是否想写 “very_old”？"),
        (
            "family_planning_status: {any_of: [bereavd]}",
            "未知的计生家庭状况代码 “bereavd”。是否想写 “bereaved”？",
        ),
        (
            "capability_level: {standard: mzt039, min: 2}",
            "未知的评估标准代码 “mzt039”。是否想写 “mzt039-2013”？",
        ),
    ],
)
def test_unknown_codes_of_each_vocabulary(when: str, message: str) -> None:
    assert only(with_when(when))[4].startswith(message)


def test_unknown_benefit_kind_and_combine_policy() -> None:
    assert only(policy_text(rule_yaml(kind="monthly_credit")))[3:] == (
        "rules[0].benefit.kind",
        "未知的收益类型代码 “monthly_credit”。是否想写 “monthly_service_credit”？可用："
        "monthly_service_credit（每月购买服务额度）、one_off_subsidy（一次性补贴）、"
        "care_subsidy（每月护理补贴）",
    )
    assert only(policy_text(combine="max")) == (
        "t.yaml",
        12,
        14,
        "groups.g.combine",
        "未知的合并方式代码 “max”。可用：highest（取最高）、sum（累加）、exclusive（互斥）",
    )


def test_unknown_service_item() -> None:
    assert only(policy_text().replace("[meal, bath]", "[meal, bathing]")) == (
        "t.yaml",
        19,
        71,
        "rules[0].benefit.items[1]",
        f"未知的服务类别 “bathing”，是否想写 “bath”？可用：{SERVICE_CODES}，或 item:编码 指定单个服务项目",
    )
    assert only(policy_text().replace("[meal, bath]", "[meal, zzzz]"))[4] == (
        f"未知的服务类别 “zzzz”。可用：{SERVICE_CODES}，或 item:编码 指定单个服务项目"
    )


def test_catalogue_item_codes() -> None:
    loaded = load_policy(policy_text().replace("[meal, bath]", "[meal, 'item:LYG-001']"))
    assert loaded.rules[0].benefit.items == ("meal", "item:LYG-001")
    assert only(policy_text().replace("[meal, bath]", "[meal, 'item:']"))[3:] == (
        "rules[0].benefit.items[1]",
        "服务项目编码 “item:” 格式不正确，应为 item:编码",
    )


def test_duplicate_codes_and_items() -> None:
    assert only(with_when("economic_status: {any_of: [dibao, dibao]}")) == (
        "t.yaml",
        18,
        41,
        "rules[0].when.economic_status.any_of[1]",
        "经济状况代码 “dibao” 重复",
    )
    assert only(policy_text().replace("[meal, bath]", "[meal, meal]"))[3:] == (
        "rules[0].benefit.items[1]",
        "服务项目 “meal” 重复",
    )


def test_unknown_group() -> None:
    assert only(policy_text(rule_yaml(group="gg"))) == (
        "t.yaml",
        20,
        12,
        "rules[0].group",
        "组 “gg” 未在 groups 中声明，是否想写 “g”？",
    )
    assert only(policy_text(rule_yaml(group="zzz")))[4] == "组 “zzz” 未在 groups 中声明；已声明：g"


def test_group_declarations() -> None:
    bad_name = policy_text().replace("  g:\n", "  G x:\n").replace("group: g", "group: G x")
    assert only(bad_name) == (
        "t.yaml",
        11,
        5,
        "groups.G x",
        "组名 “G x” 只能包含小写字母、数字、_ . -，且以字母或数字开头",
    )
    none = policy_text().replace(
        "groups:\n  g:\n    name: 测试组\n    combine: highest\n", "groups: {}\n"
    )
    assert problems(none) == [
        ("t.yaml", 9, 9, "groups", "至少需要声明一个组"),
        ("t.yaml", 17, 12, "rules[0].group", "组 “g” 未在 groups 中声明；已声明：（无）"),
    ]
    as_list = policy_text().replace("  g:\n    name: 测试组\n    combine: highest\n", "  g: []\n")
    assert only(as_list) == (
        "t.yaml",
        10,
        6,
        "groups.g",
        "类型错误：应为映射（字段: 值），实际为列表",
    )


def test_rules_of_one_group_grant_one_kind() -> None:
    text = policy_text(rule_yaml("a"), rule_yaml("b", kind="care_subsidy"))
    assert only(text) == (
        "t.yaml",
        21,
        5,
        "rules[1].benefit.kind",
        "组 “g” 的规则须为同一收益类型：规则 “a” 为 每月购买服务额度，本条为 每月护理补贴",
    )


# impossible conditions -------------------------------------------------------------------------


def test_age_min_above_max() -> None:
    assert only(with_when("age: {min: 80, max: 70}")) == (
        "t.yaml",
        18,
        18,
        "rules[0].when.age.min",
        "年龄下限 80 大于上限 70，条件永远不成立",
    )


@pytest.mark.parametrize(
    ("when", "bound", "value"), [("{min: -1}", "min", -1), ("{max: 150}", "max", 150)]
)
def test_age_out_of_range(when: str, bound: str, value: int) -> None:
    assert only(with_when(f"age: {when}")) == (
        "t.yaml",
        18,
        18,
        f"rules[0].when.age.{bound}",
        f"年龄应在 0 至 130 之间，实际为 {value}",
    )


def test_age_without_bounds() -> None:
    assert only(with_when("age: {}")) == (
        "t.yaml",
        18,
        12,
        "rules[0].when.age",
        "年龄条件至少需要 min 或 max",
    )


def test_empty_any_of_lists() -> None:
    assert only(with_when("economic_status: {any_of: []}")) == (
        "t.yaml",
        18,
        33,
        "rules[0].when.economic_status.any_of",
        "列表不能为空",
    )
    assert only(with_when("any_of: []")) == (
        "t.yaml",
        18,
        15,
        "rules[0].when.any_of",
        "列表不能为空",
    )
    assert only(with_when("household: {}")) == (
        "t.yaml",
        18,
        18,
        "rules[0].when.household.any_of",
        "缺少必填字段 “any_of”",
    )


def test_empty_condition() -> None:
    assert only(with_when("{}")) == (
        "t.yaml",
        18,
        7,
        "rules[0].when",
        "条件不能为空，至少写一个条件",
    )


@pytest.mark.parametrize(
    ("when", "path", "column", "message"),
    [
        (
            "capability_level: {standard: gbt42195-2022, min: 5}",
            "min",
            56,
            "能力等级 5 超出 GB/T 42195-2022 的范围 0–4",
        ),
        (
            "capability_level: {standard: mzt039-2013, max: 4}",
            "max",
            54,
            "能力等级 4 超出 MZ/T 039-2013 的范围 0–3",
        ),
        (
            "capability_level: {standard: mzt039-2013, min: -1}",
            "min",
            54,
            "能力等级 -1 超出 MZ/T 039-2013 的范围 0–3",
        ),
        (
            "capability_level: {standard: mzt039-2013, min: 3, max: 1}",
            "min",
            54,
            "能力等级下限 3（重度失能） 大于上限 1（轻度失能），条件永远不成立",
        ),
        (
            "capability_level: {standard: mzt039-2013, min: high}",
            "min",
            54,
            "类型错误：应为十进制整数，实际为文本 “high”",
        ),
    ],
)
def test_capability_level_outside_the_standard(
    when: str, path: str, column: int, message: str
) -> None:
    assert only(with_when(when)) == (
        "t.yaml",
        18,
        column,
        f"rules[0].when.capability_level.{path}",
        message,
    )


def test_capability_level_needs_a_standard_or_disabled() -> None:
    assert only(with_when("capability_level: {min: 2}")) == (
        "t.yaml",
        18,
        25,
        "rules[0].when.capability_level.standard",
        "缺少必填字段 “standard”（或写 disabled: true）",
    )
    assert only(with_when("capability_level: {disabled: true, standard: mzt039-2013}")) == (
        "t.yaml",
        18,
        25,
        "rules[0].when.capability_level",
        "disabled 不能与 standard 同时使用",
    )
    assert only(with_when("capability_level: {disabled: false}")) == (
        "t.yaml",
        18,
        36,
        "rules[0].when.capability_level.disabled",
        "disabled 只能写 true；“未失能”请写成 not: {capability_level: {disabled: true}}",
    )


def test_disabled_needs_the_threshold_of_each_standard() -> None:
    text = with_when("capability_level: {disabled: true}").replace(
        "disabled_threshold:\n  mzt039-2013: 2\n  gbt42195-2022: 2\n", ""
    )
    assert only(text) == (
        "t.yaml",
        15,
        36,
        "rules[0].when.capability_level.disabled",
        "使用了 disabled: true，但文件没有声明 disabled_threshold（各标准的失能起点等级）",
    )
    assert only(policy_text().replace("  gbt42195-2022: 2\n", "")) == (
        "t.yaml",
        7,
        3,
        "disabled_threshold.gbt42195-2022",
        "缺少必填字段 “gbt42195-2022”",
    )
    assert only(policy_text().replace("gbt42195-2022: 2", "gbt42195-2022: 0")) == (
        "t.yaml",
        8,
        18,
        "disabled_threshold.gbt42195-2022",
        "GB/T 42195-2022 的失能起点等级应在 1 至 4 之间，实际为 0",
    )


def test_disability_grade_range() -> None:
    assert only(with_when("disability_grade: {max: 5}")) == (
        "t.yaml",
        18,
        31,
        "rules[0].when.disability_grade.max",
        "残疾等级应在 1 至 4 之间，实际为 5",
    )
    assert only(with_when("disability_grade: {min: 3, max: 2}"))[3:] == (
        "rules[0].when.disability_grade.min",
        "残疾等级下限 3 大于上限 2，条件永远不成立",
    )


def test_effective_to_before_effective_from() -> None:
    text = policy_text(rule_yaml(effective_from="2021-01-01", effective_to="2020-12-31"))
    assert only(text) == (
        "t.yaml",
        17,
        19,
        "rules[0].effective_to",
        "失效日期 2020-12-31 早于生效日期 2021-01-01",
    )


def test_not_of_everything() -> None:
    assert only(with_when("not: {age: {min: 0}}")) == (
        "t.yaml",
        18,
        7,
        "rules[0].when.not",
        "not 内的条件对任何人都成立，取反后任何人都不满足：年龄 ≥ 0（rules[0].when.not.age，第 18 行）",
    )


def test_not_of_a_tautology_in_disguise() -> None:
    when = "not:\n  any_of:\n    - household: {any_of: [local, registered_away]}\n    - household: {any_of: [nonlocal]}"
    assert only(with_when(when))[3] == "rules[0].when.not"


def test_contradictory_all_of() -> None:
    when = "all_of:\n  - age: {min: 80}\n  - age: {max: 70}"
    assert only(with_when(when)) == (
        "t.yaml",
        18,
        7,
        "rules[0].when.all_of",
        "条件互相矛盾，没有人能同时满足：年龄 ≥ 80（rules[0].when.all_of[0].age，第 19 行） 与 "
        "年龄 ≤ 70（rules[0].when.all_of[1].age，第 20 行）",
    )


def test_contradiction_through_a_derived_category() -> None:
    assert only(with_when("category: {any_of: [very_old]}\nage: {max: 70}")) == (
        "t.yaml",
        17,
        5,
        "rules[0].when",
        "条件互相矛盾，没有人能同时满足：人群类别含 高龄（80岁及以上）（rules[0].when.category，第 18 行） 与 "
        "年龄 ≤ 70（rules[0].when.age，第 19 行）",
    )
    # 经济困难 is 特困 + 低保 + 低保边缘: "economically difficult but 一般" is impossible …
    assert (
        only(
            with_when(
                "category: {any_of: [economically_difficult]}\neconomic_status: {any_of: [general]}"
            )
        )[3]
        == "rules[0].when"
    )
    # … while "special difficulty but not very old" is possible (e.g. living alone).
    load_policy(with_when("category: {any_of: [special_difficulty]}\nage: {max: 70}"))


def test_contradiction_of_three_conditions_none_of_them_pairwise() -> None:
    when = (
        "all_of:\n"
        "  - any_of: [{age: {max: 70}}, {age: {min: 90}}]\n"
        "  - any_of: [{age: {max: 70}}, {age: {min: 80, max: 85}}]\n"
        "  - any_of: [{age: {min: 80, max: 85}}, {age: {min: 90}}]"
    )
    assert only(with_when(when)) == (
        "t.yaml",
        18,
        7,
        "rules[0].when.all_of",
        "这些条件两两可以同时满足，但合在一起没有人能满足："
        "满足其一（年龄 ≤ 70；年龄 ≥ 90）（rules[0].when.all_of[0].any_of，第 19 行）；"
        "满足其一（年龄 ≤ 70；年龄在 80 至 85 之间）（rules[0].when.all_of[1].any_of，第 20 行）；"
        "满足其一（年龄在 80 至 85 之间；年龄 ≥ 90）（rules[0].when.all_of[2].any_of，第 21 行）",
    )


def test_impossible_branches_are_each_reported() -> None:
    when = "any_of:\n  - not: {age: {max: 130}}\n  - all_of: [{age: {min: 90}}, {age: {max: 80}}]"
    found = problems(with_when(when))
    # age > 130 is possible (someone older than the range), so only the all_of is impossible.
    assert [p[3] for p in found] == ["rules[0].when.any_of[1].all_of"]
    when = "any_of:\n  - not: {age: {min: 0}}\n  - all_of: [{age: {min: 90}}, {age: {max: 80}}]"
    assert [p[3] for p in problems(with_when(when))] == [
        "rules[0].when.any_of[0].not",
        "rules[0].when.any_of[1].all_of",
    ]


# floor, duplicate keys -------------------------------------------------------------------------


def test_monthly_credit_below_the_floor() -> None:
    assert only(policy_text(rule_yaml(amount="50"))) == (
        "t.yaml",
        19,
        53,
        "rules[0].benefit.amount",
        "每月购买服务额度 50.00元 低于本文件规定的最低标准 60.00元（floor.monthly_service_credit）",
    )
    assert only(policy_text(rule_yaml(amount="59.99")))[4].startswith(
        "每月购买服务额度 59.99元 低于"
    )
    assert load_policy(policy_text(rule_yaml(amount="60.00"))).rules[0].benefit.amount_fen == 6000


def test_floor_applies_per_kind() -> None:
    text = policy_text(rule_yaml(kind="care_subsidy", amount="10"))
    assert load_policy(text).rules[0].benefit.amount_fen == 1000
    with_care_floor = text.replace("floor:\n", "floor:\n  care_subsidy: 50\n")
    assert only(with_care_floor)[4] == (
        "每月护理补贴 10.00元 低于本文件规定的最低标准 50.00元（floor.care_subsidy）"
    )


def test_duplicate_rule_keys() -> None:
    assert only(policy_text(rule_yaml(), rule_yaml(when="age: {min: 90}"))) == (
        "t.yaml",
        21,
        5,
        "rules[1].key",
        "规则编号 “r1” 重复（第 14 行已使用）",
    )


# exclusive groups ------------------------------------------------------------------------------


def test_overlapping_rules_in_an_exclusive_group() -> None:
    text = policy_text(
        rule_yaml("a", "age: {min: 80}"),
        rule_yaml("b", "economic_status: {any_of: [dibao]}"),
        combine="exclusive",
    )
    assert only(text) == (
        "t.yaml",
        21,
        5,
        "rules[1]",
        "互斥组 “g” 中规则 “a”（第 14 行）与 “b” 可能同时适用：例如 年龄 80、经济状况 低保（dibao） 的人，"
        "有效期在 2020-01-01 起重叠",
    )


def test_every_overlapping_pair_is_reported() -> None:
    text = policy_text(
        rule_yaml("a", "age: {min: 60}"),
        rule_yaml("b", "age: {min: 70}"),
        rule_yaml("c", "age: {min: 80}"),
        combine="exclusive",
    )
    assert [(p[1], p[4].split(" 可能")[0]) for p in problems(text)] == [
        (21, "互斥组 “g” 中规则 “a”（第 14 行）与 “b”"),
        (28, "互斥组 “g” 中规则 “a”（第 14 行）与 “c”"),
        (28, "互斥组 “g” 中规则 “b”（第 21 行）与 “c”"),
    ]


def test_overlap_needs_overlapping_dates() -> None:
    text = policy_text(
        rule_yaml("a", "age: {min: 80}", effective_to="2021-12-31"),
        rule_yaml("b", "age: {min: 80}", effective_from="2021-01-01", effective_to="2022-12-31"),
        combine="exclusive",
    )
    assert only(text)[4].endswith("有效期在 2021-01-01 至 2021-12-31 重叠")
    successive = policy_text(
        rule_yaml("a", "age: {min: 80}", effective_to="2020-12-31"),
        rule_yaml("b", "age: {min: 80}", effective_from="2021-01-01"),
        combine="exclusive",
    )
    assert len(load_policy(successive).rules) == 2


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("age: {min: 80}", "age: {max: 79}"),
        ("disability_grade: {max: 1}", "disability_grade: {min: 2, max: 2}"),
        ("disability_grade: {max: 2}", "not: {disability_grade: {max: 2}}"),
        ("capability_level: {disabled: true}", "not: {capability_level: {disabled: true}}"),
        ("category: {any_of: [very_old]}", "age: {max: 79}"),
        ("category: {any_of: [economically_difficult]}", "economic_status: {any_of: [general]}"),
        (
            "capability_level: {standard: mzt039-2013, min: 3}",
            "capability_level: {standard: gbt42195-2022, min: 3}",
        ),
    ],
)
def test_disjoint_rules_may_share_an_exclusive_group(first: str, second: str) -> None:
    text = policy_text(rule_yaml("a", first), rule_yaml("b", second), combine="exclusive")
    assert len(load_policy(text).rules) == 2


@pytest.mark.parametrize(
    ("first", "second", "example"),
    [
        ("age: {min: 0}", "age: {max: 130}", "年龄 60"),
        (
            "category: {any_of: [special_difficulty]}",
            "not: {category: {any_of: [very_old]}}",
            "年龄 60、计生家庭状况 失独（bereaved）",
        ),
        ("age: {max: 10}", "age: {max: 20}", "年龄 0"),
        ("age: {min: 131}".replace("131", "130"), "age: {min: 100}", "年龄 130"),
        (
            "capability_level: {disabled: true}",
            "disability_grade: {max: 2}",
            "残疾等级 一级、能力等级 MZ/T 039-2013 2（中度失能）",
        ),
        (
            "not: {capability_level: {disabled: true}}",
            "family_planning_status: {any_of: [bereaved]}",
            "计生家庭状况 失独（bereaved）、无能力评估结果",
        ),
        (
            "household: {any_of: [nonlocal]}",
            "living_arrangement: {any_of: [alone]}",
            "居住状况 独居（alone）、户籍与居住 常住、户籍在外地（nonlocal）",
        ),
        (
            "not: {disability_grade: {max: 4}}",
            "economic_status: {any_of: [destitute]}",
            "经济状况 特困供养（destitute）、无残疾等级",
        ),
    ],
)
def test_overlap_examples(first: str, second: str, example: str) -> None:
    text = policy_text(rule_yaml("a", first), rule_yaml("b", second), combine="exclusive")
    assert f"例如 {example} 的人" in only(text)[4]


def test_non_exclusive_groups_may_overlap() -> None:
    for combine in ("highest", "sum"):
        text = policy_text(
            rule_yaml("a", "age: {min: 80}"), rule_yaml("b", "age: {min: 70}"), combine=combine
        )
        assert len(load_policy(text).rules) == 2


# all problems together; files and directories ----------------------------------------------------


def test_all_problems_are_collected_in_file_order() -> None:
    text = policy_text(
        rule_yaml("a", "economic_status: {any_of: [dibaoo]}", amount="50"),
        rule_yaml("a", "age: {min: 90, max: 80}", effective_from="2021-13-01"),
    )
    with pytest.raises(PolicyError) as error:
        load_policy(text, source_name="t.yaml")
    assert [(p.line, p.path) for p in error.value.problems] == [
        (18, "rules[0].when.economic_status.any_of[0]"),
        (19, "rules[0].benefit.amount"),
        (21, "rules[1].key"),
        (23, "rules[1].effective_from"),
        (25, "rules[1].when.age.min"),
    ]
    assert str(error.value).startswith("规则文件有 5 处错误：\nt.yaml:18:34: rules[0].when.")
    assert str(Problem("f.yaml", 1, 1, "", "文件为空")) == "f.yaml:1:1: 文件为空"


def test_loading_a_file_reports_its_path(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(with_when("age: {min: 80, max: 70}"), encoding="utf-8")
    with pytest.raises(PolicyError) as error:
        load_policy(bad)
    assert error.value.problems[0].file == str(bad)
    with pytest.raises(PolicyError) as error:
        load_policy(bad, source_name="名字.yaml")
    assert error.value.problems[0].file == "名字.yaml"


def test_unreadable_files(tmp_path: Path) -> None:
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: 测试".encode("gb18030"))
    with pytest.raises(PolicyError) as error:
        load_policy(latin, source_name="latin.yaml")
    (problem,) = error.value.problems
    assert problem[:4] == ("latin.yaml", 1, 1, "")
    assert problem.message.startswith("无法读取规则文件：")
    with pytest.raises(PolicyError) as error:
        load_policy(tmp_path / "missing.yaml")
    assert error.value.problems[0].message.startswith("无法读取规则文件：")


def test_directory_reports_every_file_and_duplicate_regions(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(policy_text(), encoding="utf-8")
    (tmp_path / "b.yml").write_text(policy_text(), encoding="utf-8")
    (tmp_path / "c.yaml").write_text(with_when("age: {min: 200}"), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a rule file", encoding="utf-8")
    with pytest.raises(PolicyError) as error:
        load_policies_dir(tmp_path)
    assert [tuple(p) for p in error.value.problems] == [
        (
            "b.yml",
            1,
            1,
            "region",
            "区划 320700000000 已由 a.yaml 定义，每个区划只能有一个规则文件",
        ),
        ("c.yaml", 18, 18, "rules[0].when.age.min", "年龄应在 0 至 130 之间，实际为 200"),
    ]


# wrong shapes at every level -------------------------------------------------------------------

MAPPING = "类型错误：应为映射（字段: 值），实际为"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            policy_text().replace('"320700000000"', "[1]"),
            ("t.yaml", 1, 9, "region", "类型错误：应为文本或数字，实际为列表"),
        ),
        (
            policy_text().replace(
                "disabled_threshold:\n  mzt039-2013: 2\n  gbt42195-2022: 2\n",
                "disabled_threshold: [2]\n",
            ),
            ("t.yaml", 6, 21, "disabled_threshold", f"{MAPPING}列表"),
        ),
        (
            policy_text().replace(
                "groups:\n  g:\n    name: 测试组\n    combine: highest\n", "groups: [g]\n"
            ),
            ("t.yaml", 9, 9, "groups", f"{MAPPING}列表"),
        ),
        (
            HEADER.format(combine="highest") + "  - 1\n",
            ("t.yaml", 14, 5, "rules[0]", f"{MAPPING}整数 “1”"),
        ),
        (
            policy_text().replace("  - key: r1\n    name:", "  - name:"),
            ("t.yaml", 14, 5, "rules[0].key", "缺少必填字段 “key”"),
        ),
        (
            policy_text().replace(
                "    benefit: {kind: monthly_service_credit, amount: 60, items: [meal, bath]}\n", ""
            ),
            ("t.yaml", 14, 5, "rules[0].benefit", "缺少必填字段 “benefit”"),
        ),
        (
            policy_text(rule_yaml(group="[g]")),
            ("t.yaml", 20, 12, "rules[0].group", "类型错误：应为文本，实际为列表"),
        ),
        (
            policy_text().replace(
                "{kind: monthly_service_credit, amount: 60, items: [meal, bath]}", "60"
            ),
            ("t.yaml", 19, 14, "rules[0].benefit", f"{MAPPING}整数 “60”"),
        ),
        (
            policy_text().replace("[meal, bath]", "meal"),
            ("t.yaml", 19, 64, "rules[0].benefit.items", "类型错误：应为列表，实际为文本 “meal”"),
        ),
        (
            policy_text().replace("[meal, bath]", "[1, bath]"),
            ("t.yaml", 19, 65, "rules[0].benefit.items[0]", "类型错误：应为文本，实际为整数 “1”"),
        ),
        (
            with_when("any_of: [1]"),
            ("t.yaml", 18, 16, "rules[0].when.any_of[0]", f"{MAPPING}整数 “1”"),
        ),
        (with_when("age: 80"), ("t.yaml", 18, 12, "rules[0].when.age", f"{MAPPING}整数 “80”")),
        (
            with_when("capability_level: 2"),
            ("t.yaml", 18, 25, "rules[0].when.capability_level", f"{MAPPING}整数 “2”"),
        ),
        (
            with_when("economic_status: {any_of: [1]}"),
            (
                "t.yaml",
                18,
                34,
                "rules[0].when.economic_status.any_of[0]",
                "类型错误：应为经济状况代码（文本），实际为整数 “1”",
            ),
        ),
    ],
)
def test_wrong_shapes(text: str, expected: tuple) -> None:
    assert only(text) == expected


def test_floor_and_thresholds_are_optional() -> None:
    text = policy_text(rule_yaml(amount="10")).replace(
        "floor:\n  monthly_service_credit: 60\n"
        "disabled_threshold:\n  mzt039-2013: 2\n  gbt42195-2022: 2\n",
        "",
    )
    loaded = load_policy(text)
    assert dict(loaded.floor) == {}
    assert dict(loaded.disabled_threshold) == {}
    assert loaded.rules[0].benefit.amount_fen == 1000


# unused credit ---------------------------------------------------------------------------------


def test_unused_credit_expires_at_month_end_unless_the_file_carries_it_over() -> None:
    assert load_policy(policy_text()).carry_over_months == 0
    text = policy_text().replace('version: "1"\n', 'version: "1"\ncarry_over_months: 3\n')
    assert load_policy(text).carry_over_months == 3


@pytest.mark.parametrize(
    ("value", "column", "message"),
    [
        ("13", 20, "未用额度结转月数应在 0 至 12 之间，实际为 13"),
        ("-1", 20, "未用额度结转月数应在 0 至 12 之间，实际为 -1"),
        ("two", 20, "类型错误：应为十进制整数，实际为文本 “two”"),
        ("1.5", 20, "类型错误：应为十进制整数，实际为小数 “1.5”"),
    ],
)
def test_carry_over_months_range_and_type(value: str, column: int, message: str) -> None:
    text = policy_text().replace('version: "1"\n', f'version: "1"\ncarry_over_months: {value}\n')
    assert only(text) == ("t.yaml", 4, column, "carry_over_months", message)
