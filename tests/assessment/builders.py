"""Answer sets for the assessment tests, built from the item tables."""

from collections.abc import Iterable

from eldercare.assessment.scoring import (
    GBT42195,
    MZT039,
    NO_CONDITIONS,
    AnswerSet,
    Conditions,
    Item,
    catalogue,
)


def items(standard: str) -> list[Item]:
    return [item for indicator in catalogue(standard) for item in indicator.items]


def indicator_items(standard: str, key: str) -> list[Item]:
    return next(list(i.items) for i in catalogue(standard) if i.key == key)


def spread(total: int, over: Iterable[Item]) -> dict[str, int]:
    """Scores of the given items adding up to `total`, filling the first items first."""
    scores = {}
    for item in over:
        scores[item.key] = max(s for s in item.allowed_scores if s <= total)
        total -= scores[item.key]
    assert total == 0, "total out of reach"
    return scores


def mzt039(
    *,
    adl: int = 100,
    mental: tuple[int, int, int] = (0, 0, 0),
    sense: tuple[int, int, int, int] = (0, 0, 0, 0),
    social: int = 0,
) -> dict[str, int]:
    """MZ/T 039 answers with the given ADL and social totals and mental/sense item scores."""
    answers = spread(adl, indicator_items(MZT039, "adl"))
    mental_keys = ("mental.cognition", "mental.aggression", "mental.depression")
    answers |= dict(zip(mental_keys, mental, strict=True))
    answers |= dict(
        zip(
            ("sense.consciousness", "sense.vision", "sense.hearing", "sense.communication"),
            sense,
            strict=True,
        )
    )
    return answers | spread(social, indicator_items(MZT039, "social"))


def gbt42195(total: int = 90) -> dict[str, int]:
    """GB/T 42195 answers with the given 能力总得分."""
    return spread(total, items(GBT42195))


def answer_set(
    standard: str, answers: dict[str, int], conditions: Conditions = NO_CONDITIONS
) -> AnswerSet:
    return AnswerSet(standard, answers, conditions)
