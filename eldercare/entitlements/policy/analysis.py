"""Exact satisfiability of conditions, for impossible conditions and overlapping exclusive rules.

Every attribute a condition can look at has a finite domain once age is capped: age 0…130 plus one
value for "older than 130", each registry code (plus blank where the registry allows it), disability
grade none/1–4, and capability none or (standard, level). A condition is turned into a *region*: a
union of boxes, a box holding one set of allowed values per attribute (as a bit mask). all_of
intersects, any_of unites, not complements; a region is empty iff no person can satisfy the
condition. Derived categories are expressed through the facts they are derived from
(eldercare.registry.rules.categories), so `category: very_old` and `age: {max: 70}` contradict.
The result is exact, not a heuristic: no false alarms, nothing missed, over these domains.
"""

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from eldercare.entitlements.policy.conditions import (
    AgeCondition,
    AllOf,
    AnyOf,
    CapabilityCondition,
    CategoryCondition,
    ChoiceCondition,
    Condition,
    DisabledCondition,
    GradeCondition,
    Not,
)
from eldercare.entitlements.policy.vocabulary import (
    DISABILITY_GRADES,
    ECONOMIC_STATUSES,
    FAMILY_PLANNING_STATUSES,
    LIVING_ARRANGEMENTS,
    MAX_AGE,
    MAX_LEVEL,
    RESIDENCE_TYPES,
    STANDARD_SHORT_NAMES,
    label,
    level_label,
)
from eldercare.registry.rules import ResidentFacts, categories

AGE, ECONOMIC, LIVING, FAMILY_PLANNING, GRADE, RESIDENCE, CAPABILITY = range(7)
OLDER_THAN_MAX = MAX_AGE + 1
EXAMPLE_AGE = 60  # examples of overlapping rules show someone this old or older when possible

DOMAINS: tuple[tuple[Any, ...], ...] = (
    tuple(range(OLDER_THAN_MAX + 1)),
    ("", *ECONOMIC_STATUSES),
    ("", *LIVING_ARRANGEMENTS),
    tuple(FAMILY_PLANNING_STATUSES),
    (None, *DISABILITY_GRADES),
    tuple(RESIDENCE_TYPES),
    (
        None,
        *((standard, level) for standard, top in MAX_LEVEL.items() for level in range(top + 1)),
    ),
)
FULL: tuple[int, ...] = tuple((1 << len(domain)) - 1 for domain in DOMAINS)
CHOICE_DIMENSIONS = {
    "economic_status": ECONOMIC,
    "living_arrangement": LIVING,
    "family_planning_status": FAMILY_PLANNING,
    "residence_type": RESIDENCE,
}

Box = tuple[int, ...]
Region = list[Box]


def mask(dimension: int, allowed: Callable[[Any], bool]) -> int:
    return sum(1 << i for i, value in enumerate(DOMAINS[dimension]) if allowed(value))


def box(dimension: int, bits: int) -> Box:
    return (*FULL[:dimension], bits, *FULL[dimension + 1 :])


def only(dimension: int, bits: int) -> Region:
    return [box(dimension, bits)] if bits else []


def _contains(outer: Box, inner: Box) -> bool:
    return all(i & ~o == 0 for o, i in zip(outer, inner, strict=True))


def simplify(boxes: Iterable[Box]) -> Region:
    """Drop empty boxes, duplicates and boxes inside another box."""
    kept: Region = []
    for candidate in sorted(set(boxes), key=lambda b: -sum(m.bit_count() for m in b)):
        if all(candidate) and not any(_contains(k, candidate) for k in kept):
            kept.append(candidate)
    return kept


def intersect(a: Region, b: Region) -> Region:
    return simplify(tuple(x & y for x, y in zip(p, q, strict=True)) for p in a for q in b)


def complement(region: Region) -> Region:
    result: Region = [FULL]
    for part in region:
        outside = [box(d, FULL[d] & ~bits) for d, bits in enumerate(part) if bits != FULL[d]]
        result = intersect(result, outside)
    return result


def _category_regions() -> dict[str, Region]:
    """Each derived category as a region over the facts it is derived from.

    registry.rules.categories adds up per fact (a test checks it), so a category holds iff one
    fact alone gives it: probe each value of each fact with every other fact neutral.
    """
    today = date(2200, 6, 15)

    def probe(dimension: int, value: Any) -> frozenset[str]:
        facts: dict[str, Any] = {
            "birth_date": date(today.year, 1, 1),
            "economic_status": "",
            "living_arrangement": "",
            "family_planning_status": "none",
            "disability_grade": None,
        }
        name = {
            AGE: "birth_date",
            ECONOMIC: "economic_status",
            LIVING: "living_arrangement",
            FAMILY_PLANNING: "family_planning_status",
            GRADE: "disability_grade",
        }[dimension]
        facts[name] = date(today.year - value, 1, 1) if dimension == AGE else value
        return frozenset(categories(ResidentFacts(**facts), today))

    found: dict[str, Region] = {}
    for dimension in (AGE, ECONOMIC, LIVING, FAMILY_PLANNING, GRADE):
        per_value = [probe(dimension, value) for value in DOMAINS[dimension]]
        for category in frozenset().union(*per_value):
            bits = sum(1 << i for i, cats in enumerate(per_value) if category in cats)
            found.setdefault(str(category), []).append(box(dimension, bits))
    return found


CATEGORY_REGIONS = _category_regions()


def region(condition: Condition) -> Region:
    """The set of possible persons for whom the condition holds."""
    if isinstance(condition, AgeCondition):
        return only(AGE, mask(AGE, lambda a: condition.low <= a <= condition.high))
    if isinstance(condition, ChoiceCondition):
        dimension = CHOICE_DIMENSIONS[condition.attribute]
        return only(dimension, mask(dimension, lambda v: v in condition.value_set))
    if isinstance(condition, CategoryCondition):
        return simplify(b for c in condition.values for b in CATEGORY_REGIONS[c])
    if isinstance(condition, CapabilityCondition):
        return only(
            CAPABILITY,
            mask(
                CAPABILITY,
                lambda v: (
                    v is not None
                    and v[0] == condition.standard
                    and condition.low <= v[1] <= condition.high
                ),
            ),
        )
    if isinstance(condition, DisabledCondition):
        thresholds = condition.thresholds
        return only(
            CAPABILITY,
            mask(CAPABILITY, lambda v: v is not None and v[1] >= thresholds[v[0]]),
        )
    if isinstance(condition, GradeCondition):
        return only(
            GRADE, mask(GRADE, lambda g: g is not None and condition.low <= g <= condition.high)
        )
    if isinstance(condition, AllOf):
        result: Region = [FULL]
        for child in condition.children:
            result = intersect(result, region(child))
        return result
    if isinstance(condition, AnyOf):
        return simplify(b for child in condition.children for b in region(child))
    assert isinstance(condition, Not), condition
    return complement(region(condition.child))


def _where(condition: Condition) -> str:
    return f"{condition.describe()}（{condition.path}，第 {condition.line} 行）"


def impossibilities(condition: Condition) -> list[tuple[Condition, str]]:
    """The nodes that make the condition unsatisfiable, each with a Chinese message.

    Bottom-up: an all_of whose children can each hold but never together, a not whose inside holds
    for everyone. An unsatisfiable node always has one of these at or below it.
    """
    found: list[tuple[Condition, str]] = []

    def visit(node: Condition) -> Region:
        if isinstance(node, AllOf):
            parts = [visit(child) for child in node.children]
            result: Region = [FULL]
            for part in parts:
                result = intersect(result, part)
            if not result and all(parts):
                found.append((node, _contradiction(node, parts)))
            return result
        if isinstance(node, AnyOf):
            return simplify(b for child in node.children for b in visit(child))
        if isinstance(node, Not):
            inside = visit(node.child)
            result = complement(inside)
            if not result:
                found.append(
                    (
                        node,
                        f"not 内的条件对任何人都成立，取反后任何人都不满足：{_where(node.child)}",
                    )
                )
            return result
        return region(node)

    visit(condition)
    return found


def _contradiction(node: AllOf, parts: list[Region]) -> str:
    for i, first in enumerate(parts):
        for j in range(i + 1, len(parts)):
            if not intersect(first, parts[j]):
                return (
                    "条件互相矛盾，没有人能同时满足："
                    f"{_where(node.children[i])} 与 {_where(node.children[j])}"
                )
    listed = "；".join(_where(child) for child in node.children)
    return f"这些条件两两可以同时满足，但合在一起没有人能满足：{listed}"


def common_person(a: Region, b: Region) -> Box | None:
    """A box of persons satisfying both regions, or None if there are none."""
    both = intersect(a, b)
    return both[0] if both else None


def describe_person(example: Box) -> str:
    """One concrete person from a box, naming only the facts the box restricts."""
    parts = []
    for dimension, bits in enumerate(example):
        if bits == FULL[dimension]:
            continue
        if dimension == AGE and bits >> EXAMPLE_AGE:  # prefer an elderly example age
            bits = bits >> EXAMPLE_AGE << EXAMPLE_AGE
        value = DOMAINS[dimension][(bits & -bits).bit_length() - 1]
        parts.append(_fact(dimension, value))
    return "、".join(parts) or "任何人"


def _fact(dimension: int, value: Any) -> str:
    if dimension == AGE:
        return f"年龄 {value}" if value <= MAX_AGE else f"年龄 {MAX_AGE} 以上"
    if dimension == ECONOMIC:
        return f"经济状况 {label(ECONOMIC_STATUSES, value)}"
    if dimension == LIVING:
        return f"居住状况 {label(LIVING_ARRANGEMENTS, value)}"
    if dimension == FAMILY_PLANNING:
        return f"计生家庭状况 {label(FAMILY_PLANNING_STATUSES, value)}"
    if dimension == GRADE:
        return "无残疾等级" if value is None else f"残疾等级 {DISABILITY_GRADES[value]}"
    if dimension == RESIDENCE:
        return f"户籍与居住 {label(RESIDENCE_TYPES, value)}"
    if value is None:
        return "无能力评估结果"
    standard, level = value
    return f"能力等级 {STANDARD_SHORT_NAMES[standard]} {level_label(standard, level)}"
