"""What the rules know about a person: built by callers from the registry and the assessment."""

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple


class Capability(NamedTuple):
    """The current capability level: standard code (`mzt039-2013`, `gbt42195-2022`) and level."""

    standard: str
    level: int


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """One resident as the entitlement rules see them. Codes are the registry's value codes.

    `categories` are the derived categories (eldercare.registry.rules.categories) on the evaluation
    date; `capability` is the latest assessment's level, None when there is none.
    """

    birth_date: date
    economic_status: str = ""
    living_arrangement: str = ""
    family_planning_status: str = "none"
    disability_grade: int | None = None
    residence_type: str = "local"
    capability: Capability | None = None
    categories: frozenset[str] = frozenset()
    status: str = "active"
