"""Demo capability assessments, so the assessment pages, statistics and due lists have data."""

import random
from datetime import date, timedelta
from typing import Any

from eldercare.assessment.models import Assessment, Source
from eldercare.assessment.scoring import GBT42195, catalogue
from eldercare.assessment.services import record_assessment
from eldercare.registry.models import Resident

# Totals spread over the five GB/T 42195 levels, most people able-bodied.
_TOTALS = (90, 90, 90, 84, 78, 70, 62, 55, 48, 40, 33, 20)


def demo_answers(rng: random.Random) -> dict[str, int]:
    """GB/T 42195 answers adding up to one of _TOTALS, lowering items at random."""
    items = [item for indicator in catalogue(GBT42195) for item in indicator.items]
    answers = {item.key: max(item.allowed_scores) for item in items}
    missing = 90 - rng.choice(_TOTALS)
    while missing > 0:
        item = rng.choice(items)
        if answers[item.key] > min(item.allowed_scores):
            answers[item.key] -= 1
            missing -= 1
    return answers


def assess_demo_residents(
    *, actor: Any, assessors: tuple[Any, Any], residents: list[Resident], today: date
) -> int:
    """One GB/T 42195 assessment for each resident without one; returns how many were made."""
    assessed = set(
        Assessment.objects.filter(resident__in=residents).values_list("resident_id", flat=True)
    )
    made = 0
    for resident in residents:
        if resident.pk in assessed:
            continue
        rng = random.Random(resident.pk)
        record_assessment(
            actor=actor,
            resident=resident,
            data={
                "standard": GBT42195,
                # Spread over the last 14 months, so some are due or overdue.
                "assessed_on": today - timedelta(days=rng.randrange(1, 420)),
                "place": "home",
                "reason": "first",
                "first_assessor": assessors[0],
                "second_assessor": assessors[1],
                "answers": demo_answers(rng),
            },
            source=Source.API,
        )
        made += 1
    return made
