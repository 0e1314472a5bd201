"""One entry point for both standards: score an answer set or a decoded answer file."""

from collections.abc import Callable
from typing import Any

from eldercare.assessment.scoring import gbt42195, gbt42195_items, mzt039, mzt039_items
from eldercare.assessment.scoring.answers import parse_answer_file
from eldercare.assessment.scoring.common import (
    DEFAULT_SETTINGS,
    GBT42195,
    MZT039,
    AnswerSet,
    AssessmentResult,
    Indicator,
    Settings,
    catalogue_data,
)

SCORERS: dict[str, Callable[[AnswerSet, Settings], AssessmentResult]] = {
    MZT039: mzt039.score,
    GBT42195: gbt42195.score,
}
CATALOGUES: dict[str, tuple[Indicator, ...]] = {
    MZT039: mzt039_items.INDICATORS,
    GBT42195: gbt42195_items.INDICATORS,
}


def score(answers: AnswerSet, settings: Settings = DEFAULT_SETTINGS) -> AssessmentResult:
    """Score an answer set by its own standard."""
    return SCORERS[answers.standard](answers, settings)


def score_file(
    data: object, *, standard: str | None = None, settings: Settings = DEFAULT_SETTINGS
) -> AssessmentResult:
    """Score a decoded answer file; the standard comes from the file unless given."""
    return score(parse_answer_file(data, standard=standard), settings)


def catalogue(standard: str) -> tuple[Indicator, ...]:
    """Indicators → items → options of a standard (KeyError for an unknown standard)."""
    return CATALOGUES[standard]


def catalogue_as_data(standard: str) -> list[dict[str, Any]]:
    """The catalogue as plain data (JSON) for entry forms and the API."""
    return catalogue_data(CATALOGUES[standard])
