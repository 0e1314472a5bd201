"""Properties over random answer sets: monotonic, levels in range, totals add up."""

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from eldercare.assessment.scoring import (
    EVENT_KINDS,
    GBT42195,
    LEVEL_NAMES,
    MZT039,
    AnswerSet,
    ClauseStacking,
    Conditions,
    EventCounting,
    Events30d,
    Settings,
    catalogue,
    score,
)
from tests.assessment.builders import items


def higher_is_worse(standard: str, key: str) -> bool:
    """MZ/T 039 ADL and all of GB/T 42195 score higher = better; the rest of MZ/T 039 the other way."""
    return standard == MZT039 and not key.startswith("adl.")


def answers_for(standard: str) -> st.SearchStrategy[dict[str, int]]:
    return st.fixed_dictionaries(
        {item.key: st.sampled_from(sorted(item.allowed_scores)) for item in items(standard)}
    )


events = st.builds(Events30d, **{kind: st.integers(0, 3) for kind in EVENT_KINDS})
conditions = st.builds(
    Conditions,
    coma=st.booleans(),
    dementia=st.booleans(),
    psychiatric_disorder=st.booleans(),
    events_30d=events,
) | st.just(Conditions())
settings = st.builds(Settings, st.sampled_from(ClauseStacking), st.sampled_from(EventCounting))
answer_sets = st.sampled_from((MZT039, GBT42195)).flatmap(
    lambda standard: st.builds(AnswerSet, st.just(standard), answers_for(standard), conditions)
)


@given(answer_sets, settings, st.data())
def test_worsening_any_single_answer_never_improves_the_level(
    answer_set: AnswerSet, setting: Settings, data: st.DataObject
) -> None:
    item = data.draw(st.sampled_from(items(answer_set.standard)))
    current = answer_set.answers[item.key]
    assert isinstance(current, int)
    if higher_is_worse(answer_set.standard, item.key):
        worse_options = [s for s in item.allowed_scores if s > current]
    else:
        worse_options = [s for s in item.allowed_scores if s < current]
    if not worse_options:
        return
    worse = data.draw(st.sampled_from(sorted(worse_options)))
    worsened = replace(answer_set, answers={**answer_set.answers, item.key: worse})
    assert score(worsened, setting).level >= score(answer_set, setting).level


@given(
    answer_sets,
    settings,
    st.sampled_from(("coma", "dementia", "psychiatric_disorder", *EVENT_KINDS)),
)
def test_adding_a_condition_or_an_event_never_improves_the_level(
    answer_set: AnswerSet, setting: Settings, added: str
) -> None:
    before = answer_set.conditions
    if added in EVENT_KINDS:
        more = replace(before.events_30d, **{added: getattr(before.events_30d, added) + 1})
        after = replace(before, events_30d=more)
    else:
        after = replace(before, **{added: True})
    worsened = replace(answer_set, conditions=after)
    assert score(worsened, setting).level >= score(answer_set, setting).level


@given(answer_sets, settings)
def test_levels_stay_in_range_and_clauses_only_raise(
    answer_set: AnswerSet, setting: Settings
) -> None:
    result = score(answer_set, setting)
    top = len(LEVEL_NAMES[answer_set.standard]) - 1
    assert result.preliminary_level is not None
    assert 0 <= result.preliminary_level <= result.level <= top
    assert result.level_name == LEVEL_NAMES[answer_set.standard][result.level]
    assert len({c.code for c in result.clauses}) == len(result.clauses)
    if result.clauses:
        assert result.clauses[-1].level_after == result.level
    else:
        assert result.level == result.preliminary_level


@given(answer_sets)
def test_indicator_scores_are_item_sums_and_the_total_adds_up(answer_set: AnswerSet) -> None:
    result = score(answer_set)
    answers = dict(result.item_scores)
    assert answers == answer_set.answers
    for indicator, scored in zip(catalogue(answer_set.standard), result.indicators, strict=True):
        assert scored.key == indicator.key
        if scored.score is not None:  # MZ/T 039 感知觉与沟通 has no total
            assert scored.score == sum(answers[item.key] for item in indicator.items)
    if answer_set.standard == GBT42195:
        assert result.total_score == sum(i.score or 0 for i in result.indicators)
        assert result.total_score == sum(answers.values())
    else:
        assert result.total_score == result.indicator("adl").score
        assert result.indicator("sense").score is None
