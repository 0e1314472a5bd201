"""Every way an answer file can be wrong is an AnswerError naming the item or field."""

import pytest

from eldercare.assessment.scoring import (
    GBT42195,
    MZT039,
    AnswerError,
    AnswerSet,
    Conditions,
    Events30d,
    parse_answer_file,
    score,
    score_file,
)
from tests.assessment import builders


def file(**changes: object) -> dict:
    data: dict = {"standard": MZT039, "answers": builders.mzt039(), "conditions": {}}
    data.update(changes)
    return data


def error_of(data: object, standard: str | None = None) -> AnswerError:
    with pytest.raises(AnswerError) as raised:
        score_file(data, standard=standard)
    assert raised.value.field in str(raised.value)
    assert raised.value.code in str(raised.value)
    return raised.value


def test_a_valid_file_scores() -> None:
    assert score_file(file()).level == 0
    assert score_file({"standard": MZT039, "answers": builders.mzt039()}).level == 0


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ([], "(文件)", "wrong_type"),
        (file(remarks="x"), "remarks", "unknown_key"),
        ({"answers": {}}, "standard", "missing_field"),
        (file(standard=39), "standard", "wrong_type"),
        (file(standard="mzt039-2019"), "standard", "unknown_standard"),
        ({"standard": MZT039}, "answers", "missing_field"),
        (file(answers=[10, 5]), "answers", "wrong_type"),
        (file(conditions=[]), "conditions", "wrong_type"),
        (file(conditions={"fall": 2}), "conditions.fall", "unknown_key"),
        (file(conditions={"coma": 1}), "conditions.coma", "wrong_type"),
        (file(conditions={"dementia": "yes"}), "conditions.dementia", "wrong_type"),
        (
            file(conditions={"psychiatric_disorder": None}),
            "conditions.psychiatric_disorder",
            "wrong_type",
        ),
        (file(conditions={"events_30d": 2}), "conditions.events_30d", "wrong_type"),
        (
            file(conditions={"events_30d": {"flood": 1}}),
            "conditions.events_30d.flood",
            "unknown_key",
        ),
        (
            file(conditions={"events_30d": {"fall": -1}}),
            "conditions.events_30d.fall",
            "negative_count",
        ),
        (
            file(conditions={"events_30d": {"fall": True}}),
            "conditions.events_30d.fall",
            "wrong_type",
        ),
        (
            file(conditions={"events_30d": {"choking": 1.0}}),
            "conditions.events_30d.choking",
            "wrong_type",
        ),
        (
            file(conditions={"events_30d": {"wandering": "2"}}),
            "conditions.events_30d.wandering",
            "wrong_type",
        ),
    ],
)
def test_file_structure_errors_name_the_field(data: object, field: str, code: str) -> None:
    error = error_of(data)
    assert (error.field, error.code) == (field, code)


def test_events_and_flags_are_read() -> None:
    answer_set = parse_answer_file(
        file(
            conditions={
                "coma": False,
                "dementia": True,
                "psychiatric_disorder": False,
                "events_30d": {"fall": 1, "self_harm": 3},
            }
        )
    )
    assert answer_set.conditions == Conditions(
        dementia=True, events_30d=Events30d(fall=1, self_harm=3)
    )


def test_unknown_standard_given_as_argument() -> None:
    error = error_of(file(), standard="gbt42195-2019")
    assert (error.field, error.code) == ("standard", "unknown_standard")
    assert "gbt42195-2019" in error.message


def test_the_standard_given_overrides_the_file() -> None:
    data = file(standard=MZT039, answers=builders.gbt42195(66))
    assert score_file(data, standard=GBT42195).standard == GBT42195
    assert error_of(data).code == "unknown_item"
    del data["standard"]
    assert score_file(data, standard=GBT42195).level == 1


@pytest.mark.parametrize(
    ("value", "shown"),
    [(7, "7"), (-5, "-5"), (True, "True"), (10.0, "10.0"), ("10", "'10'"), ([10], "[10]")],
)
def test_a_score_that_is_not_an_option_names_the_item(value: object, shown: str) -> None:
    answers = builders.mzt039() | {"adl.feeding": value}
    error = error_of(file(answers=answers))
    assert (error.field, error.code) == ("adl.feeding", "score_not_allowed")
    assert error.message == f"“进食”的评分 {shown} 不是允许的分值（10、5、0）"


def test_false_is_not_zero() -> None:
    answers = builders.gbt42195() | {"mental.aggression": False}
    error = error_of({"standard": GBT42195, "answers": answers})
    assert (error.field, error.code) == ("mental.aggression", "score_not_allowed")


@pytest.mark.parametrize("key", ["adl.feeding", "sense.communication", "social.interaction"])
def test_a_missing_item_is_named(key: str) -> None:
    answers = builders.mzt039()
    del answers[key]
    error = error_of(file(answers=answers))
    assert (error.field, error.code) == (key, "missing_item")


def test_null_counts_as_missing() -> None:
    error = error_of(file(answers=builders.mzt039() | {"adl.stairs": None}))
    assert (error.field, error.code, error.message) == (
        "adl.stairs",
        "missing_item",
        "缺少“上下楼梯”的评分",
    )


def test_an_unknown_item_is_named_before_the_item_it_may_misspell() -> None:
    answers = builders.mzt039()
    answers["adl.feedng"] = answers.pop("adl.feeding")
    error = error_of(file(answers=answers))
    assert (error.field, error.code) == ("adl.feedng", "unknown_item")
    extra = error_of(file(answers=builders.mzt039() | {"selfcare.feeding": 4}))
    assert (extra.field, extra.code) == ("selfcare.feeding", "unknown_item")


def test_an_answer_set_built_in_code_is_checked_too() -> None:
    with pytest.raises(AnswerError) as raised:
        AnswerSet("mzt039", {})
    assert (raised.value.field, raised.value.code) == ("standard", "unknown_standard")
    with pytest.raises(AnswerError, match=r"adl\.bathing"):
        score(AnswerSet(MZT039, builders.mzt039() | {"adl.bathing": 10}))
