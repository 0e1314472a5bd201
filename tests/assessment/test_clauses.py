"""Final level: coma, the raising clauses, and both ⚙ settings, for both standards."""

import pytest

from eldercare.assessment.scoring import (
    DEFAULT_SETTINGS,
    GBT42195,
    MZT039,
    NO_CONDITIONS,
    AnswerError,
    ClauseStacking,
    Conditions,
    EventCounting,
    Events30d,
    Settings,
    score,
)
from eldercare.assessment.scoring import gbt42195 as gbt
from eldercare.assessment.scoring import mzt039 as mzt
from tests.assessment import builders

ONCE = Settings(clause_stacking=ClauseStacking.ONCE)
ANY_KIND = Settings(event_counting=EventCounting.ANY_KIND)
DEMENTIA = Conditions(dementia=True)
TWO_FALLS = Conditions(events_30d=Events30d(fall=2))


def mzt039(conditions: Conditions = NO_CONDITIONS, settings: Settings = DEFAULT_SETTINGS, **kwargs):
    answers = builders.mzt039(**kwargs)
    return score(builders.answer_set(MZT039, answers, conditions), settings)


def gbt42195(
    total: int = 90, conditions: Conditions = NO_CONDITIONS, settings: Settings = DEFAULT_SETTINGS
):
    return score(builders.answer_set(GBT42195, builders.gbt42195(total), conditions), settings)


def codes(result) -> list[str]:
    return [clause.code for clause in result.clauses]


@pytest.mark.parametrize(
    "conditions",
    [Conditions(dementia=True), Conditions(psychiatric_disorder=True)],
    ids=["dementia", "psychiatric"],
)
def test_mzt039_diagnosis_raises_one_level(conditions: Conditions) -> None:
    result = mzt039(conditions)
    assert (result.preliminary_level, result.level, result.level_name) == (0, 1, "轻度失能")
    (clause,) = result.clauses
    assert clause.code == "diagnosis"
    assert clause.rule == mzt.RULES.diagnosis
    assert clause.effect == "提高一级：0 能力完好 → 1 轻度失能"
    assert (clause.level_before, clause.level_after) == (0, 1)


def test_mzt039_diagnosed_cognitive_impairment_item_counts_as_the_diagnosis_clause() -> None:
    result = mzt039(mental=(2, 0, 0))  # 认知功能 2 = 已确诊为认知障碍; mental grade 2
    assert result.indicator("mental").grade == 2
    assert (result.preliminary_level, result.level) == (1, 2)
    assert codes(result) == ["diagnosis"]
    assert mzt039(mental=(1, 1, 0)).clauses == ()  # same mental total, no diagnosis


@pytest.mark.parametrize(
    ("events", "by_total", "by_kind"),
    [
        (Events30d(fall=1), False, False),
        (Events30d(fall=1, choking=1), True, False),
        (Events30d(suicide=1, wandering=1), True, False),
        (Events30d(wandering=2), True, True),
        (Events30d(choking=3), True, True),
        (Events30d(self_harm=5), False, False),  # MZ/T 039 does not list self-harm
        (Events30d(self_harm=1, fall=1), False, False),
    ],
)
def test_mzt039_events_with_both_counting_settings(
    events: Events30d, by_total: bool, by_kind: bool
) -> None:
    conditions = Conditions(events_30d=events)
    assert codes(mzt039(conditions)) == (["events_30d"] if by_total else [])
    assert codes(mzt039(conditions, ANY_KIND)) == (["events_30d"] if by_kind else [])


def test_the_events_rule_text_follows_the_counting_setting() -> None:
    assert mzt039(TWO_FALLS).clauses[0].rule == mzt.RULES.events_total
    assert mzt039(TWO_FALLS, ANY_KIND).clauses[0].rule == mzt.RULES.events_any_kind
    assert "合计" in mzt.RULES.events_total
    assert "同一类" in mzt.RULES.events_any_kind
    assert "自伤" in gbt.RULES.events_total
    assert "自伤" not in mzt.RULES.events_total


def test_mzt039_two_clauses_stack_per_clause_by_default() -> None:
    both = Conditions(dementia=True, events_30d=Events30d(fall=2))
    result = mzt039(both)
    assert (result.preliminary_level, result.level) == (0, 2)
    assert [(c.code, c.level_before, c.level_after) for c in result.clauses] == [
        ("diagnosis", 0, 1),
        ("events_30d", 1, 2),
    ]


def test_mzt039_two_clauses_raise_once_in_total_when_set() -> None:
    both = Conditions(dementia=True, events_30d=Events30d(fall=2))
    result = mzt039(both, ONCE)
    assert result.level == 1
    assert result.clauses[1].effect == "按“各条款合计只提高一级”的设置，不再提高"
    assert (result.clauses[1].level_before, result.clauses[1].level_after) == (1, 1)
    assert result.settings == ONCE


def test_mzt039_raising_stops_at_severe() -> None:
    both = Conditions(psychiatric_disorder=True, events_30d=Events30d(fall=1, choking=1))
    result = mzt039(both, adl=60)
    assert (result.preliminary_level, result.level) == (2, 3)
    assert result.clauses[1].effect == "已为3 重度失能，不再提高"


def test_mzt039_preliminary_severe_changes_no_more() -> None:
    everything = Conditions(coma=True, dementia=True, events_30d=Events30d(fall=2))
    result = mzt039(everything, adl=40)
    assert (result.preliminary_level, result.level) == (3, 3)
    assert codes(result) == ["coma", "diagnosis", "events_30d"]
    assert {c.effect for c in result.clauses} == {"初步等级已为3 重度失能，不再调整"}


def test_mzt039_coma_from_the_form_gives_severe() -> None:
    result = mzt039(Conditions(coma=True, dementia=True))
    assert (result.preliminary_level, result.level) == (0, 3)
    coma, diagnosis = result.clauses
    assert (coma.code, coma.rule, coma.effect) == ("coma", mzt.RULES.coma, "直接评定为3 重度失能")
    assert (coma.level_before, coma.level_after) == (0, 3)
    assert diagnosis.effect == "已因昏迷直接评定，不再提高"


def test_mzt039_consciousness_coma_counts_as_coma() -> None:
    result = mzt039(sense=(3, 0, 0, 0), adl=95)
    assert result.indicator("sense").grade == 3
    assert codes(result) == ["coma"]
    assert result.level == 3


@pytest.mark.parametrize(
    ("answers", "conditions"),
    [
        ({"sense.consciousness": 3}, Conditions()),
        ({"adl.feeding": 0, "sense.consciousness": 3}, Conditions()),
        ({}, Conditions(coma=True)),
        ({"adl.feeding": 5, "mental.cognition": None}, Conditions(coma=True)),
    ],
)
def test_mzt039_coma_allows_items_to_be_left_out(answers: dict, conditions: Conditions) -> None:
    result = score(builders.answer_set(MZT039, answers, conditions))
    assert result.level == 3
    assert result.preliminary_level is None
    assert result.preliminary_rule is None
    assert result.total_score is None
    assert all(i.score is None and i.grade is None for i in result.indicators)
    assert codes(result) == ["coma"]
    assert result.clauses[0].level_before is None
    assert dict(result.item_scores) == {k: v for k, v in answers.items() if v is not None}


def test_mzt039_coma_with_one_indicator_complete() -> None:
    answers = builders.mzt039(adl=50)
    del answers["social.work"]
    result = score(builders.answer_set(MZT039, answers, Conditions(coma=True)))
    assert (result.indicator("adl").score, result.indicator("adl").grade) == (50, 2)
    assert result.total_score == 50
    assert result.indicator("social").score is None
    assert result.preliminary_level is None
    assert len(result.item_scores) == 21
    assert "social.work" not in result.item_scores
    with pytest.raises(KeyError):
        result.item_scores["social.work"]


def test_without_coma_a_missing_item_is_an_error() -> None:
    answers = builders.mzt039()
    del answers["social.work"]
    with pytest.raises(AnswerError) as raised:
        score(builders.answer_set(MZT039, answers, Conditions(dementia=True)))
    assert (raised.value.field, raised.value.code) == ("social.work", "missing_item")


def test_gbt42195_coma_gives_complete_loss_even_from_intact() -> None:
    result = gbt42195(90, Conditions(coma=True, psychiatric_disorder=True))
    assert (result.preliminary_level, result.level, result.level_name) == (0, 4, "完全失能")
    coma, diagnosis = result.clauses
    assert (coma.code, coma.rule, coma.effect) == ("coma", gbt.RULES.coma, "直接评定为4 完全失能")
    assert diagnosis.effect == "已因昏迷直接评定，不再提高"


def test_gbt42195_coma_allows_items_to_be_left_out() -> None:
    result = score(builders.answer_set(GBT42195, {"selfcare.feeding": 4}, Conditions(coma=True)))
    assert (result.level, result.preliminary_level, result.total_score) == (4, None, None)
    assert [i.score for i in result.indicators] == [None, None, None, None]
    assert dict(result.item_scores) == {"selfcare.feeding": 4}


def test_gbt42195_coma_with_complete_indicators() -> None:
    answers = builders.gbt42195(90)
    del answers["perception.social"]
    result = score(builders.answer_set(GBT42195, answers, Conditions(coma=True)))
    assert [i.score for i in result.indicators] == [32, 15, 28, None]
    assert result.total_score is None


def test_gbt42195_lowest_consciousness_score_without_the_coma_field_is_not_coma() -> None:
    answers = builders.gbt42195(90) | {"mental.consciousness": 0}
    result = score(builders.answer_set(GBT42195, answers))
    assert (result.level, result.clauses) == (1, ())
    answers.pop("selfcare.feeding")
    with pytest.raises(AnswerError, match=r"selfcare\.feeding"):
        score(builders.answer_set(GBT42195, answers))


@pytest.mark.parametrize(
    ("events", "by_total", "by_kind"),
    [
        (Events30d(self_harm=1, fall=1), True, False),
        (Events30d(self_harm=2), True, True),
        (Events30d(suicide=1), False, False),
    ],
)
def test_gbt42195_events_include_self_harm(
    events: Events30d, by_total: bool, by_kind: bool
) -> None:
    conditions = Conditions(events_30d=events)
    assert gbt42195(70, conditions).level == (2 if by_total else 1)
    assert gbt42195(70, conditions, ANY_KIND).level == (2 if by_kind else 1)


def test_gbt42195_clauses_stack_and_stop_at_complete_loss() -> None:
    both = Conditions(dementia=True, events_30d=Events30d(wandering=2))
    assert gbt42195(70, both).level == 3
    assert gbt42195(70, both, ONCE).level == 2
    capped = gbt42195(40, both)
    assert (capped.preliminary_level, capped.level) == (3, 4)
    assert capped.clauses[1].effect == "已为4 完全失能，不再提高"
    floor = gbt42195(10, both)
    assert {c.effect for c in floor.clauses} == {"初步等级已为4 完全失能，不再调整"}


def test_wrong_standard_for_the_module() -> None:
    with pytest.raises(AnswerError) as raised:
        mzt.score(builders.answer_set(GBT42195, builders.gbt42195()))
    assert (raised.value.field, raised.value.code) == ("standard", "wrong_standard")
    with pytest.raises(AnswerError, match="wrong_standard"):
        gbt.score(builders.answer_set(MZT039, builders.mzt039()))


def test_settings_accept_their_string_values_and_refuse_others() -> None:
    settings = Settings(clause_stacking="once", event_counting="any_kind")  # type: ignore[arg-type]
    assert settings == Settings(ClauseStacking.ONCE, EventCounting.ANY_KIND)
    with pytest.raises(ValueError, match="sideways"):
        Settings(clause_stacking="sideways")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="weekly"):
        Settings(event_counting="weekly")  # type: ignore[arg-type]
