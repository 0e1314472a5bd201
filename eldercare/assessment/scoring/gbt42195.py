"""GB/T 42195-2022 老年人能力评估规范: indicator scores, total, preliminary level and final level.

Every item is "higher is better"; the four indicators add up to the 能力总得分 (0–90).
"""

from collections.abc import Mapping
from typing import cast

from eldercare.assessment.scoring.adjustment import ClauseRules, events_fire, final_level
from eldercare.assessment.scoring.answers import ItemTable
from eldercare.assessment.scoring.common import (
    DEFAULT_SETTINGS,
    GBT42195,
    LEVEL_NAMES,
    AnswerError,
    AnswerSet,
    AssessmentResult,
    IndicatorResult,
    Settings,
)
from eldercare.assessment.scoring.gbt42195_items import INDICATORS

ITEMS = ItemTable(INDICATORS)
MAX_TOTAL = sum(indicator.max_score for indicator in INDICATORS)
PRELIMINARY_RULES = (
    "能力总得分为90分",
    "能力总得分为66～89分",
    "能力总得分为46～65分",
    "能力总得分为30～45分",
    "能力总得分为0～29分",
)

RULES = ClauseRules(
    # The item note of 意识水平 says 重度失能, the adjustment clause C.4 says 完全失能: C.4 governs.
    coma="处于昏迷状态者（基本信息表A.5.11 昏迷：有），直接评定为能力完全丧失（完全失能）",
    diagnosis=(
        "确诊为痴呆（F00～F03）或经精神科专科医生诊断的其他精神和行为障碍疾病（F04～F99），"
        "在原有能力等级上提高一个等级"
    ),
    events_total=(
        "近30天内发生跌倒、噎食、自杀、自伤、走失等照护风险事件合计2次及以上，"
        "在原有能力等级上提高一个等级"
    ),
    events_any_kind=(
        "近30天内发生跌倒、噎食、自杀、自伤、走失中同一类照护风险事件2次及以上，"
        "在原有能力等级上提高一个等级"
    ),
)


def preliminary_level(total: int) -> int:
    """能力总得分 → 90: 0, 66–89: 1, 46–65: 2, 30–45: 3, 0–29: 4."""
    if total == MAX_TOTAL:
        return 0
    if total >= 66:
        return 1
    if total >= 46:
        return 2
    if total >= 30:
        return 3
    return 4


# Every possible indicator result exists once; score() hands out these shared immutable objects.
_RESULTS: tuple[Mapping[int, IndicatorResult], ...] = tuple(
    {s: IndicatorResult(i.key, i.name, s) for s in range(i.max_score + 1)} for i in INDICATORS
)
_UNANSWERED = tuple(IndicatorResult(i.key, i.name, None) for i in INDICATORS)
_PRELIMINARY = tuple(preliminary_level(total) for total in range(MAX_TOTAL + 1))
_SELFCARE_PART, _MOTOR_PART, _MENTAL_PART, _PERCEPTION_PART = ITEMS.parts
_SELFCARE, _MOTOR, _MENTAL, _PERCEPTION = _RESULTS
_LEVEL_NAMES = LEVEL_NAMES[GBT42195]


def score(answers: AnswerSet, settings: Settings = DEFAULT_SETTINGS) -> AssessmentResult:
    """Score one GB/T 42195 answer set; AnswerError names the first item that cannot be scored."""
    if answers.standard != GBT42195:
        raise AnswerError(
            "standard",
            AnswerError.WRONG_STANDARD,
            f"这份答卷按 {answers.standard} 填写，不能按 {GBT42195} 评分",
        )
    conditions = answers.conditions
    # 意识水平 = 0 covers both stupor and coma, so only the form's coma field allows gaps.
    values = ITEMS.read(answers.answers, is_coma=lambda: conditions.coma)
    if None in values:
        indicators = tuple(
            unanswered if scores is None else results[sum(scores)]
            for scores, results, unanswered in zip(
                ITEMS.split(values), _RESULTS, _UNANSWERED, strict=True
            )
        )
        total = preliminary = None
    else:  # the common case, spelled out because it is most of the time spent scoring
        complete = cast(tuple[int, ...], values)
        indicators = (
            _SELFCARE[sum(complete[_SELFCARE_PART])],
            _MOTOR[sum(complete[_MOTOR_PART])],
            _MENTAL[sum(complete[_MENTAL_PART])],
            _PERCEPTION[sum(complete[_PERCEPTION_PART])],
        )
        total = sum(complete)
        preliminary = _PRELIMINARY[total]
    events = conditions.events_30d
    level, clauses = final_level(
        preliminary,
        is_coma=conditions.coma,
        has_diagnosis=conditions.dementia or conditions.psychiatric_disorder,
        has_events=events_fire(
            (events.fall, events.choking, events.suicide, events.self_harm, events.wandering),
            settings.event_counting,
        ),
        settings=settings,
        rules=RULES,
        level_names=_LEVEL_NAMES,
    )
    return AssessmentResult(
        standard=GBT42195,
        item_scores=ITEMS.scores(values),
        indicators=indicators,
        total_score=total,
        preliminary_level=preliminary,
        preliminary_rule=None if preliminary is None else PRELIMINARY_RULES[preliminary],
        clauses=clauses,
        level=level,
        settings=settings,
    )
