"""Pure scoring of capability assessments by MZ/T 039-2013 and GB/T 42195-2022. No Django.

    result = score_file(json.loads(text))            # or score(AnswerSet(...), Settings(...))
    result.level, result.level_name, result.clauses, result.explanation

The two scales are not equivalent; nothing here converts one into the other.
"""

from eldercare.assessment.scoring.answers import parse_answer_file
from eldercare.assessment.scoring.common import (
    DEFAULT_SETTINGS,
    EVENT_KINDS,
    EVENT_NAMES,
    GBT42195,
    LEVEL_NAMES,
    MZT039,
    NO_CONDITIONS,
    STANDARD_NAMES,
    STANDARDS,
    AnswerError,
    AnswerSet,
    AssessmentResult,
    Clause,
    ClauseStacking,
    Conditions,
    EventCounting,
    Events30d,
    Indicator,
    IndicatorResult,
    Item,
    ItemScores,
    Option,
    Settings,
)
from eldercare.assessment.scoring.engine import catalogue, catalogue_as_data, score, score_file

__all__ = [
    "DEFAULT_SETTINGS",
    "EVENT_KINDS",
    "EVENT_NAMES",
    "GBT42195",
    "LEVEL_NAMES",
    "MZT039",
    "NO_CONDITIONS",
    "STANDARDS",
    "STANDARD_NAMES",
    "AnswerError",
    "AnswerSet",
    "AssessmentResult",
    "Clause",
    "ClauseStacking",
    "Conditions",
    "EventCounting",
    "Events30d",
    "Indicator",
    "IndicatorResult",
    "Item",
    "ItemScores",
    "Option",
    "Settings",
    "catalogue",
    "catalogue_as_data",
    "parse_answer_file",
    "score",
    "score_file",
]
