"""MZ/T 039-2013 老年人能力评估: indicator grades, preliminary level and final level.

ADL is "higher is better"; mental state, sense and social participation are "higher is worse".
The grade and level rules are pure functions; score() reads them from tables built from those
functions at import, which is what makes it fast.
"""

from collections.abc import Callable
from itertools import product
from typing import cast

from eldercare.assessment.scoring.adjustment import ClauseRules, events_fire, final_level
from eldercare.assessment.scoring.answers import ItemTable
from eldercare.assessment.scoring.common import (
    DEFAULT_SETTINGS,
    LEVEL_NAMES,
    MZT039,
    AnswerError,
    AnswerSet,
    AssessmentResult,
    IndicatorResult,
    Settings,
)
from eldercare.assessment.scoring.mzt039_items import ADL, INDICATORS, MENTAL, SENSE, SOCIAL

GRADE_NAMES = ("能力完好", "轻度受损", "中度受损", "重度受损")
ITEMS = ItemTable(INDICATORS)

RULES = ClauseRules(
    coma="处于昏迷状态者（意识水平评为昏迷，或基本信息记录为昏迷），直接评定为重度失能",
    diagnosis=(
        "确诊为认知障碍/痴呆（含认知功能评为“已确诊为认知障碍”）或精神疾病者，"
        "在原有能力级别上提高一个级别"
    ),
    events_total="近30天内发生跌倒、噎食、自杀、走失合计2次及以上者，在原有能力级别上提高一个级别",
    events_any_kind=(
        "近30天内发生跌倒、噎食、自杀、走失中同一类事件2次及以上者，在原有能力级别上提高一个级别"
    ),
)


def adl_grade(total: int) -> int:
    """日常生活活动 (0–100): 100 → 0, 65–95 → 1, 45–60 → 2, ≤ 40 → 3."""
    if total == 100:
        return 0
    if total >= 65:
        return 1
    if total >= 45:
        return 2
    return 3


def mental_grade(total: int) -> int:
    """精神状态 (0–6): 0 → 0, 1 → 1, 2–3 → 2, 4–6 → 3."""
    if total <= 1:
        return total
    if total <= 3:
        return 2
    return 3


def social_grade(total: int) -> int:
    """社会参与 (0–20): 0–2 → 0, 3–7 → 1, 8–13 → 2, 14–20 → 3."""
    if total <= 2:
        return 0
    if total <= 7:
        return 1
    if total <= 13:
        return 2
    return 3


_SEVERITY_OF_WORSE_SENSE = (0, 0, 1, 2, 3)


def sense_grade(consciousness: int, vision: int, hearing: int, communication: int) -> int:
    """感知觉与沟通: the most severe grade whose printed rule matches, in closed form (spec)."""
    if consciousness >= 2:
        return 3
    worse_sense = max(vision, hearing)
    if consciousness == 1:
        return 3 if worse_sense == 4 or communication == 3 else 2
    return max(_SEVERITY_OF_WORSE_SENSE[worse_sense], communication)


def preliminary_level(adl: int, mental: int, sense: int, social: int) -> int:
    """The judgment-card reading of the combination rule: covers all 256 grade combinations."""
    others = (mental, sense, social)
    if adl == 0:
        return 1 if mental >= 1 or sense >= 1 or social >= 2 else 0
    if adl == 1:
        return 1 if min(others) <= 1 else 2
    if adl == 2:
        return 3 if max(others) == 3 or min(others) >= 2 else 2
    return 3


PRELIMINARY_RULES: dict[tuple[int | None, int], str] = {
    (0, 0): "日常生活活动、精神状态、感知觉与沟通分级均为0，社会参与分级为0或1",
    (0, 1): (
        "日常生活活动分级为0，但精神状态、感知觉与沟通中至少一项分级为1及以上，或社会参与分级为2及以上"
    ),
    (1, 1): "日常生活活动分级为1，精神状态、感知觉与沟通、社会参与中至少一项分级为0或1",
    (1, 2): "日常生活活动分级为1，精神状态、感知觉与沟通、社会参与分级均为2或3",
    (2, 2): "日常生活活动分级为2，精神状态、感知觉与沟通、社会参与中没有分级为3的，且至少一项低于2",
    (2, 3): "日常生活活动分级为2，且精神状态、感知觉与沟通、社会参与中至少一项分级为3，或均为2",
    (3, 3): "日常生活活动分级为3",
}


def _result(indicator_key: str, name: str, score: int | None, grade: int) -> IndicatorResult:
    return IndicatorResult(indicator_key, name, score, grade, GRADE_NAMES[grade])


# Every possible indicator result exists once; score() hands out these shared immutable objects.
_ADL = {t: _result(ADL.key, ADL.name, t, adl_grade(t)) for t in range(0, 101, 5)}
_MENTAL = {t: _result(MENTAL.key, MENTAL.name, t, mental_grade(t)) for t in range(7)}
_SOCIAL = {t: _result(SOCIAL.key, SOCIAL.name, t, social_grade(t)) for t in range(21)}
# 感知觉与沟通 has no total score in the standard: only the grade.
_SENSE: dict[tuple[int, ...], IndicatorResult] = {
    scores: _result(SENSE.key, SENSE.name, None, sense_grade(*scores))
    for scores in product(range(4), range(5), range(5), range(4))
}
_BUILDERS: tuple[Callable[[tuple[int, ...]], IndicatorResult], ...] = (
    lambda scores: _ADL[sum(scores)],
    lambda scores: _MENTAL[sum(scores)],
    _SENSE.__getitem__,
    lambda scores: _SOCIAL[sum(scores)],
)
_UNANSWERED = tuple(IndicatorResult(i.key, i.name, None) for i in INDICATORS)
_PRELIMINARY: dict[tuple[int | None, ...], int] = {
    grades: preliminary_level(*grades) for grades in product(range(4), repeat=len(INDICATORS))
}
_ADL_PART, _MENTAL_PART, _SENSE_PART, _SOCIAL_PART = ITEMS.parts
_CONSCIOUSNESS = ITEMS.keys.index("sense.consciousness")
_COGNITION = ITEMS.keys.index("mental.cognition")
_LEVEL_NAMES = LEVEL_NAMES[MZT039]


def score(answers: AnswerSet, settings: Settings = DEFAULT_SETTINGS) -> AssessmentResult:
    """Score one MZ/T 039 answer set; AnswerError names the first item that cannot be scored."""
    if answers.standard != MZT039:
        raise AnswerError(
            "standard",
            AnswerError.WRONG_STANDARD,
            f"这份答卷按 {answers.standard} 填写，不能按 {MZT039} 评分",
        )
    conditions = answers.conditions
    given = answers.answers
    # The standard lets the assessor stop after 意识水平 = 昏迷.
    values = ITEMS.read(
        given, is_coma=lambda: conditions.coma or given.get(ITEMS.keys[_CONSCIOUSNESS]) == 3
    )
    if None in values:
        indicators = tuple(
            unanswered if scores is None else build(scores)
            for scores, build, unanswered in zip(
                ITEMS.split(values), _BUILDERS, _UNANSWERED, strict=True
            )
        )
    else:  # the common case, spelled out because it is most of the time spent scoring
        complete = cast(tuple[int, ...], values)
        indicators = (
            _ADL[sum(complete[_ADL_PART])],
            _MENTAL[sum(complete[_MENTAL_PART])],
            _SENSE[complete[_SENSE_PART]],
            _SOCIAL[sum(complete[_SOCIAL_PART])],
        )
    grades = tuple(i.grade for i in indicators)
    preliminary = _PRELIMINARY.get(grades)
    events = conditions.events_30d
    level, clauses = final_level(
        preliminary,
        is_coma=conditions.coma or values[_CONSCIOUSNESS] == 3,
        has_diagnosis=(
            conditions.dementia or conditions.psychiatric_disorder or values[_COGNITION] == 2
        ),
        has_events=events_fire(
            (events.fall, events.choking, events.suicide, events.wandering),
            settings.event_counting,
        ),
        settings=settings,
        rules=RULES,
        level_names=_LEVEL_NAMES,
    )
    return AssessmentResult(
        standard=MZT039,
        item_scores=ITEMS.scores(values),
        indicators=indicators,
        total_score=indicators[0].score,
        preliminary_level=preliminary,
        preliminary_rule=None if preliminary is None else PRELIMINARY_RULES[grades[0], preliminary],
        clauses=clauses,
        level=level,
        settings=settings,
    )
