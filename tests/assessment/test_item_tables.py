"""The item tables of both standards against the spec's tables, typed again here."""

import json

import pytest

from eldercare.assessment.scoring import GBT42195, MZT039, catalogue, catalogue_as_data
from tests.assessment.builders import items

STD5 = {4, 3, 2, 1, 0}
# The spec's tables: key → (item, allowed scores), in the standard's order.
MZT039_SPEC = {
    "adl.feeding": ("进食", {10, 5, 0}),
    "adl.bathing": ("洗澡", {5, 0}),
    "adl.grooming": ("修饰", {5, 0}),
    "adl.dressing": ("穿衣", {10, 5, 0}),
    "adl.bowel": ("大便控制", {10, 5, 0}),
    "adl.bladder": ("小便控制", {10, 5, 0}),
    "adl.toileting": ("如厕", {10, 5, 0}),
    "adl.transfer": ("床椅转移", {15, 10, 5, 0}),
    "adl.walking": ("平地行走", {15, 10, 5, 0}),
    "adl.stairs": ("上下楼梯", {10, 5, 0}),
    "mental.cognition": ("认知功能", {0, 1, 2}),
    "mental.aggression": ("攻击行为", {0, 1, 2}),
    "mental.depression": ("抑郁症状", {0, 1, 2}),
    "sense.consciousness": ("意识水平", {0, 1, 2, 3}),
    "sense.vision": ("视力", {0, 1, 2, 3, 4}),
    "sense.hearing": ("听力", {0, 1, 2, 3, 4}),
    "sense.communication": ("沟通交流", {0, 1, 2, 3}),
    "social.living": ("生活能力", {0, 1, 2, 3, 4}),
    "social.work": ("工作能力", {0, 1, 2, 3, 4}),
    "social.orientation": ("时间/空间定向", {0, 1, 2, 3, 4}),
    "social.person": ("人物定向", {0, 1, 2, 3, 4}),
    "social.interaction": ("社会交往能力", {0, 1, 2, 3, 4}),
}
GBT42195_SPEC = {
    "selfcare.feeding": ("进食", STD5),
    "selfcare.grooming": ("修饰", STD5),
    "selfcare.bathing": ("洗澡", STD5),
    "selfcare.upper_dressing": ("穿/脱上衣", STD5),
    "selfcare.lower_dressing": ("穿/脱裤子和鞋袜", STD5),
    "selfcare.bladder": ("小便控制", STD5),
    "selfcare.bowel": ("大便控制", STD5),
    "selfcare.toileting": ("如厕", STD5),
    "motor.bed_mobility": ("床上体位转移", STD5),
    "motor.transfer": ("床椅转移", STD5),
    "motor.walking": ("平地行走", STD5),
    "motor.stairs": ("上下楼梯", {3, 2, 1, 0}),
    "mental.time_orientation": ("时间定向", STD5),
    "mental.place_orientation": ("空间定向", STD5),
    "mental.person_orientation": ("人物定向", STD5),
    "mental.memory": ("记忆", STD5),
    "mental.comprehension": ("理解能力", STD5),
    "mental.expression": ("表达能力", STD5),
    "mental.aggression": ("攻击行为", {1, 0}),
    "mental.depression": ("抑郁症状", {1, 0}),
    "mental.consciousness": ("意识水平", {2, 1, 0}),
    "perception.vision": ("视力", {2, 1, 0}),
    "perception.hearing": ("听力", {2, 1, 0}),
    "perception.daily_affairs": ("执行日常事务", STD5),
    "perception.transport": ("使用交通工具外出", {3, 2, 1, 0}),
    "perception.social": ("社会交往能力", STD5),
}
# Items on the spec's common five-step scale, and the spec's wording of that scale.
STD5_ITEMS = {
    "selfcare.grooming",
    "selfcare.bathing",
    "selfcare.upper_dressing",
    "selfcare.lower_dressing",
    "selfcare.toileting",
    "motor.bed_mobility",
    "motor.transfer",
}
STD5_TEXTS = {
    4: "独立完成",
    3: "在他人指导或提示下完成",
    2: "需要他人协助，但以自身完成为主",
    1: "主要依靠他人协助，自身能给予配合",
    0: "完全依赖他人协助，且不能给予配合",
}
ALL_OPTIONS = [
    (standard, item, option)
    for standard in (MZT039, GBT42195)
    for item in items(standard)
    for option in item.options
]


@pytest.mark.parametrize(("standard", "spec"), [(MZT039, MZT039_SPEC), (GBT42195, GBT42195_SPEC)])
def test_items_keys_names_and_allowed_scores_follow_the_spec(standard: str, spec: dict) -> None:
    table = {item.key: (item.name, set(item.allowed_scores)) for item in items(standard)}
    assert list(table) == list(spec)
    assert table == spec


@pytest.mark.parametrize(
    ("standard", "counts"),
    [
        (MZT039, {"adl": 10, "mental": 3, "sense": 4, "social": 5}),
        (GBT42195, {"selfcare": 8, "motor": 4, "mental": 9, "perception": 5}),
    ],
)
def test_items_per_indicator(standard: str, counts: dict[str, int]) -> None:
    assert {i.key: len(i.items) for i in catalogue(standard)} == counts
    assert all(item.key.startswith(f"{i.key}.") for i in catalogue(standard) for item in i.items)


def test_indicator_maxima() -> None:
    gbt = {i.key: i.max_score for i in catalogue(GBT42195)}
    assert gbt == {"selfcare": 32, "motor": 15, "mental": 28, "perception": 15}
    assert sum(gbt.values()) == 90
    mzt = {i.key: i.max_score for i in catalogue(MZT039)}
    assert mzt == {"adl": 100, "mental": 6, "sense": 14, "social": 20}


@pytest.mark.parametrize(
    ("standard", "item", "option"),
    ALL_OPTIONS,
    ids=[f"{item.key}={option.score}" for _, item, option in ALL_OPTIONS],
)
def test_every_option_has_its_full_text(standard: str, item, option) -> None:
    assert option.text == option.text.strip()
    assert option.text  # 抑郁症状 0 is just "无"
    # The text is the option itself, not "10分，…" with the score typed into it.
    assert not option.text.startswith(f"{option.score}分")
    assert item.option(option.score) is option


def test_option_counts_and_order() -> None:
    assert sum(len(item.options) for item in items(MZT039)) == 82
    assert sum(len(item.options) for item in items(GBT42195)) == 116
    for item in items(MZT039):
        scores = [o.score for o in item.options]
        expected = sorted(scores, reverse=item.key.startswith("adl."))
        assert scores == expected, item.key  # the standard's order: best option first
        assert len({o.text for o in item.options}) == len(scores)
    for item in items(GBT42195):
        scores = [o.score for o in item.options]
        assert scores == sorted(scores, reverse=True), item.key
        assert len({o.text for o in item.options}) == len(scores)


def test_the_five_step_scale_reads_as_in_the_spec() -> None:
    for item in items(GBT42195):
        if item.key in STD5_ITEMS:
            for option in item.options:
                assert option.text.startswith(STD5_TEXTS[option.score]), item.key


def test_option_lookup_refuses_a_score_the_item_does_not_have() -> None:
    feeding = items(MZT039)[0]
    assert feeding.option(5).text.startswith("需部分帮助")
    with pytest.raises(KeyError):
        feeding.option(7)


def test_coma_options_say_what_the_standards_say() -> None:
    mzt = next(i for i in items(MZT039) if i.key == "sense.consciousness")
    assert mzt.option(3).text.startswith("昏迷")
    assert "直接评定为重度失能" in mzt.option(3).text
    gbt = next(i for i in items(GBT42195) if i.key == "mental.consciousness")
    assert gbt.option(0).text.startswith("昏睡")
    assert "昏迷" in gbt.option(0).text  # score 0 covers stupor and coma alike


@pytest.mark.parametrize("standard", [MZT039, GBT42195])
def test_catalogue_as_data_is_plain_json(standard: str) -> None:
    data = catalogue_as_data(standard)
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert [i["key"] for i in data] == [i.key for i in catalogue(standard)]
    first_item = data[0]["items"][0]
    assert set(first_item) == {"key", "name", "description", "options"}
    assert first_item["options"][0] == {
        "score": catalogue(standard)[0].items[0].options[0].score,
        "text": catalogue(standard)[0].items[0].options[0].text,
    }
    assert sum(len(i["items"]) for i in data) == len(items(standard))
