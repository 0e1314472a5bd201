"""What the entitlement rules know about a resident: the one place that builds `PersonFacts`.

From the register (codes of eldercare.registry.choices), the current capability level
(eldercare.assessment CurrentAssessment: standard and level) and the registry's derived
categories computed on the evaluation date. Used by the resident page, the API, the policy
preview and the monthly run:

- `resident_facts(resident, on)` — one resident (one query for the current assessment);
- `fact_rows(residents)` + `facts_from_row(row, on)` — many: one query per batch of plain
  tuples, the assessment joined in, no per-resident query;
- `signature(row, on)` — everything the rules can see of a row on a day (the age, not the birth
  date), so the run evaluates each distinct signature once per rule file.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db.models import QuerySet

from eldercare.assessment.models import CurrentAssessment
from eldercare.entitlements.policy import Capability, PersonFacts
from eldercare.registry.models import Resident
from eldercare.registry.rules import ResidentFacts, age_on, categories

# The columns of `fact_rows`, in order; the last two come from the current assessment (or None).
FACT_COLUMNS = (
    "id",
    "region_code",
    "birth_date",
    "economic_status",
    "living_arrangement",
    "family_planning_status",
    "disability_grade",
    "residence_type",
    "status",
    "current_assessment__standard",
    "current_assessment__level",
)
ID, REGION, BIRTH, ECONOMIC, LIVING, FAMILY_PLANNING, GRADE, RESIDENCE, STATUS, STANDARD, LEVEL = (
    range(len(FACT_COLUMNS))
)
FactRow = Sequence[Any]

# Categories depend on the birth date only through the age on the day (registry.rules): cached
# per (age, economic status, living arrangement, family planning status, disability grade).
_CATEGORY_CACHE: dict[tuple[Any, ...], frozenset[str]] = {}
_CATEGORY_CACHE_LIMIT = 200_000


def _categories(
    birth_date: date,
    on: date,
    economic_status: str,
    living_arrangement: str,
    family_planning_status: str,
    disability_grade: int | None,
) -> frozenset[str]:
    key = (
        age_on(birth_date, on),
        economic_status,
        living_arrangement,
        family_planning_status,
        disability_grade,
    )
    found = _CATEGORY_CACHE.get(key)
    if found is None:
        if len(_CATEGORY_CACHE) > _CATEGORY_CACHE_LIMIT:
            _CATEGORY_CACHE.clear()
        facts = ResidentFacts(
            birth_date=birth_date,
            economic_status=economic_status,
            living_arrangement=living_arrangement,
            family_planning_status=family_planning_status,
            disability_grade=disability_grade,
        )
        found = _CATEGORY_CACHE[key] = frozenset(map(str, categories(facts, on)))
    return found


def capability_of(standard: str | None, level: int | None) -> Capability | None:
    if not standard or level is None:
        return None
    return Capability(standard, level)


def facts_from_row(row: FactRow, on: date) -> PersonFacts:
    """PersonFacts of one `fact_rows` row, categories computed on `on`."""
    return PersonFacts(
        birth_date=row[BIRTH],
        economic_status=row[ECONOMIC],
        living_arrangement=row[LIVING],
        family_planning_status=row[FAMILY_PLANNING],
        disability_grade=row[GRADE],
        residence_type=row[RESIDENCE],
        capability=capability_of(row[STANDARD], row[LEVEL]),
        categories=_categories(
            row[BIRTH], on, row[ECONOMIC], row[LIVING], row[FAMILY_PLANNING], row[GRADE]
        ),
        status=row[STATUS],
    )


def signature(row: FactRow, on: date) -> tuple[Any, ...]:
    """What the rules can see of a row on `on`: equal signatures, equal evaluations."""
    born = row[BIRTH]
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))  # as age_on
    return (age, *row[ECONOMIC:])


def fact_rows(residents: QuerySet[Resident]) -> QuerySet[Any]:
    """The residents as `FACT_COLUMNS` tuples, the current assessment joined in (one query)."""
    return residents.values_list(*FACT_COLUMNS)


def resident_facts(resident: Resident, on: date) -> PersonFacts:
    """One resident's facts on `on`, with their current capability level."""
    current = (
        CurrentAssessment.objects.filter(resident_id=resident.pk)
        .values_list("standard", "level")
        .first()
    )
    standard, level = current or (None, None)
    row = (
        resident.pk,
        resident.region_code,
        resident.birth_date,
        resident.economic_status,
        resident.living_arrangement,
        resident.family_planning_status,
        resident.disability_grade,
        resident.residence_type,
        resident.status,
        standard,
        level,
    )
    return facts_from_row(row, on)
