"""Derived categories of a resident (高龄, 特困, 空巢 …): computed from facts, never typed. No Django.

The same definitions exist as database filters in queries.py; a property test keeps them equal.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

VERY_OLD_AGE = 80
HEALTH_MANAGEMENT_AGE = 65
SEVERE_DISABILITY_GRADES = (1, 2)


class Category(StrEnum):
    AGED_65 = "aged_65"
    VERY_OLD = "very_old"
    DESTITUTE = "destitute"
    DIBAO = "dibao"
    MARGINAL = "marginal"
    POVERTY_ALLEVIATED = "poverty_alleviated"
    ECONOMICALLY_DIFFICULT = "economically_difficult"
    LIVING_ALONE = "living_alone"
    EMPTY_NEST = "empty_nest"
    LEFT_BEHIND = "left_behind"
    BEREAVED = "bereaved"
    FAMILY_PLANNING_SPECIAL = "family_planning_special"
    SEVERELY_DISABLED = "severely_disabled"
    SPECIAL_DIFFICULTY = "special_difficulty"


# Economic statuses that make a resident "economically difficult" (经济困难).
ECONOMICALLY_DIFFICULT_STATUSES = ("destitute", "dibao", "marginal")
# Categories any one of which makes a resident special-difficulty (seed 004 basic task 3).
SPECIAL_DIFFICULTY_BASIS = (
    Category.VERY_OLD,
    Category.DESTITUTE,
    Category.DIBAO,
    Category.MARGINAL,
    Category.POVERTY_ALLEVIATED,
    Category.LIVING_ALONE,
    Category.EMPTY_NEST,
    Category.LEFT_BEHIND,
    Category.FAMILY_PLANNING_SPECIAL,
    Category.SEVERELY_DISABLED,
)


@dataclass(frozen=True)
class ResidentFacts:
    birth_date: date
    economic_status: str = ""
    living_arrangement: str = ""
    family_planning_status: str = "none"
    disability_grade: int | None = None


def age_on(birth_date: date, today: date) -> int:
    """Full years; someone born on 29 February turns a year older on 1 March in common years."""
    return (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )


def birth_date_limit(age: int, today: date) -> date:
    """The latest birth date of someone who is at least `age` years old on `today`."""
    try:
        return today.replace(year=today.year - age)
    except ValueError:  # today is 29 February; the anniversary falls on 28 February
        return today.replace(year=today.year - age, day=28)


def categories(facts: ResidentFacts, today: date) -> frozenset[Category]:
    found: set[Category] = set()
    age = age_on(facts.birth_date, today)
    if age >= HEALTH_MANAGEMENT_AGE:
        found.add(Category.AGED_65)
    if age >= VERY_OLD_AGE:
        found.add(Category.VERY_OLD)
    by_economic_status = {
        "destitute": Category.DESTITUTE,
        "dibao": Category.DIBAO,
        "marginal": Category.MARGINAL,
        "poverty_alleviated": Category.POVERTY_ALLEVIATED,
    }
    if facts.economic_status in by_economic_status:
        found.add(by_economic_status[facts.economic_status])
    if facts.economic_status in ECONOMICALLY_DIFFICULT_STATUSES:
        found.add(Category.ECONOMICALLY_DIFFICULT)
    by_living = {
        "alone": Category.LIVING_ALONE,
        "empty_nest": Category.EMPTY_NEST,
        "left_behind": Category.LEFT_BEHIND,
    }
    if facts.living_arrangement in by_living:
        found.add(by_living[facts.living_arrangement])
    if facts.family_planning_status == "bereaved":
        found.add(Category.BEREAVED)
    if facts.family_planning_status in ("bereaved", "disabled_child"):
        found.add(Category.FAMILY_PLANNING_SPECIAL)
    if facts.disability_grade in SEVERE_DISABILITY_GRADES:
        found.add(Category.SEVERELY_DISABLED)
    if found.intersection(SPECIAL_DIFFICULTY_BASIS):
        found.add(Category.SPECIAL_DIFFICULTY)
    return frozenset(found)
