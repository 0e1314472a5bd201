"""MZ/T 039-2013: every indicator grade boundary, the sense rule, all 4⁴ grade combinations."""

from itertools import product

import pytest

from eldercare.assessment.scoring import MZT039, score
from eldercare.assessment.scoring.mzt039 import (
    PRELIMINARY_RULES,
    adl_grade,
    mental_grade,
    preliminary_level,
    sense_grade,
    social_grade,
)
from tests.assessment import builders


def scored(**kwargs):
    return score(builders.answer_set(MZT039, builders.mzt039(**kwargs)))


ADL_BOUNDARIES = [(100, 0), (95, 1), (65, 1), (60, 2), (45, 2), (40, 3), (0, 3)]
# (认知功能, 攻击行为, 抑郁症状) → grade
MENTAL_BOUNDARIES = [
    ((0, 0, 0), 0),
    ((1, 0, 0), 1),
    ((0, 0, 1), 1),
    ((1, 1, 0), 2),
    ((1, 2, 0), 2),
    ((1, 2, 1), 3),
    ((2, 2, 2), 3),
]
SOCIAL_BOUNDARIES = [(0, 0), (2, 0), (3, 1), (7, 1), (8, 2), (13, 2), (14, 3), (20, 3)]


@pytest.mark.parametrize(("total", "grade"), ADL_BOUNDARIES)
def test_adl_grade_boundaries(total: int, grade: int) -> None:
    assert adl_grade(total) == grade
    result = scored(adl=total)
    assert result.indicator("adl").score == total
    assert result.indicator("adl").grade == grade
    assert result.total_score == total


def test_adl_grade_of_every_reachable_total() -> None:
    for total in range(0, 101, 5):
        expected = 0 if total == 100 else 1 if total >= 65 else 2 if total >= 45 else 3
        assert adl_grade(total) == expected, total


@pytest.mark.parametrize(("items", "grade"), MENTAL_BOUNDARIES)
def test_mental_grade_boundaries(items: tuple[int, int, int], grade: int) -> None:
    assert mental_grade(sum(items)) == grade
    result = scored(mental=items)
    assert (result.indicator("mental").score, result.indicator("mental").grade) == (
        sum(items),
        grade,
    )


@pytest.mark.parametrize(("total", "grade"), SOCIAL_BOUNDARIES)
def test_social_grade_boundaries(total: int, grade: int) -> None:
    assert social_grade(total) == grade
    result = scored(social=total)
    assert (result.indicator("social").score, result.indicator("social").grade) == (total, grade)


def printed_sense_grades(c: int, v: int, h: int, m: int) -> set[int]:
    """The printed rules of 感知觉与沟通分级, one by one (c 意识, v 视力, h 听力, m 沟通)."""
    grades = set()
    if c == 0 and v <= 1 and h <= 1 and m == 0:
        grades.add(0)
    if c == 0 and (v == 2 or h == 2 or m == 1):
        grades.add(1)
    if (c == 0 and (v == 3 or h == 3 or m == 2)) or (c == 1 and v <= 3 and h <= 3 and m <= 2):
        grades.add(2)
    if (c <= 1 and (v == 4 or h == 4 or m == 3)) or c >= 2:
        grades.add(3)
    return grades


def test_sense_closed_form_is_the_most_severe_matching_printed_rule() -> None:
    combinations = list(product(range(4), range(5), range(5), range(4)))
    assert len(combinations) == 400
    overlapping = 0
    for combination in combinations:
        matching = printed_sense_grades(*combination)
        assert matching, combination
        overlapping += len(matching) > 1
        assert sense_grade(*combination) == max(matching), combination
    assert overlapping == 54  # as the spec counts


@pytest.mark.parametrize(
    ("sense", "grade"),
    [
        ((0, 1, 1, 0), 0),
        ((0, 2, 0, 0), 1),
        ((0, 0, 0, 1), 1),
        ((0, 3, 0, 0), 2),
        ((0, 0, 0, 2), 2),
        ((0, 4, 0, 0), 3),
        ((0, 0, 0, 3), 3),
        ((1, 0, 0, 0), 2),
        ((1, 3, 3, 2), 2),
        ((1, 0, 4, 0), 3),
        ((1, 0, 0, 3), 3),
        ((2, 0, 0, 0), 3),
    ],
)
def test_sense_grade_through_the_engine(sense: tuple[int, int, int, int], grade: int) -> None:
    result = scored(sense=sense)
    assert result.indicator("sense").grade == grade
    assert result.indicator("sense").score is None  # the standard gives this indicator no total


def decision_table(adl: int, mental: int, sense: int, social: int) -> int:
    """The spec's judgment-card reading, written out again without min/max."""
    others = (mental, sense, social)
    if adl == 3:
        return 3
    if adl == 0:
        return 0 if (mental, sense) == (0, 0) and social in (0, 1) else 1
    if adl == 1:
        return 2 if all(g in (2, 3) for g in others) else 1
    return 3 if 3 in others or others == (2, 2, 2) else 2


GRADE_COMBINATIONS = list(product(range(4), repeat=4))


def test_all_256_grade_combinations_follow_the_decision_table() -> None:
    assert len(GRADE_COMBINATIONS) == 256
    levels = {grades: preliminary_level(*grades) for grades in GRADE_COMBINATIONS}
    assert levels == {grades: decision_table(*grades) for grades in GRADE_COMBINATIONS}
    assert sorted(set(levels.values())) == [0, 1, 2, 3]


def printed_levels(adl: int, mental: int, sense: int, social: int) -> set[int]:
    """The printed combination rule of MZ/T 039, clause by clause, read literally."""
    others = (mental, sense, social)
    middling = sum(1 for g in others if g in (1, 2))
    levels = set()
    if adl == 0 and mental == 0 and sense == 0 and social <= 1:
        levels.add(0)
    if (adl == 0 and (mental >= 1 or sense >= 1 or social == 2)) or (
        adl == 1 and any(g <= 1 for g in others)
    ):
        levels.add(1)
    if (adl == 1 and (others == (2, 2, 2) or 3 in others)) or (adl == 2 and middling in (1, 2)):
        levels.add(2)
    if adl == 3 or (adl, *others) == (2, 2, 2, 2) or (adl == 2 and 3 in others):
        levels.add(3)
    return levels


def test_decision_table_against_the_printed_rule() -> None:
    """Where the printed rule is unambiguous the table agrees; elsewhere it picks a printed level."""
    uncovered = doubly_covered = 0
    for grades in GRADE_COMBINATIONS:
        printed = printed_levels(*grades)
        if not printed:
            uncovered += 1
        elif len(printed) == 1:
            assert preliminary_level(*grades) in printed, grades
        else:
            doubly_covered += 1
            assert preliminary_level(*grades) in printed, grades
    assert uncovered == 9
    # The spec says 54; read literally the rule covers 60 twice (30 at ADL 1, 30 at ADL 2).
    assert doubly_covered == 60


def test_decision_table_never_improves_when_a_grade_worsens() -> None:
    for grades in GRADE_COMBINATIONS:
        for position in range(4):
            if grades[position] < 3:
                worse = list(grades)
                worse[position] += 1
                assert preliminary_level(*worse) >= preliminary_level(*grades), (grades, position)


def test_every_preliminary_level_has_its_rule_text() -> None:
    pairs = {(grades[0], preliminary_level(*grades)) for grades in GRADE_COMBINATIONS}
    assert pairs == set(PRELIMINARY_RULES)


@pytest.mark.parametrize(
    ("kwargs", "level"),
    [
        ({}, 0),
        ({"social": 3}, 0),
        ({"social": 8}, 1),
        ({"mental": (0, 1, 0)}, 1),
        ({"adl": 95}, 1),
        ({"adl": 95, "mental": (0, 2, 0), "sense": (0, 0, 0, 2), "social": 8}, 2),
        ({"adl": 60, "mental": (0, 1, 0)}, 2),
        ({"adl": 60, "social": 14}, 3),
        ({"adl": 40}, 3),
    ],
)
def test_preliminary_level_through_the_engine(kwargs: dict, level: int) -> None:
    result = scored(**kwargs)
    assert result.preliminary_level == result.level == level
    assert result.clauses == ()
    grades = tuple(i.grade for i in result.indicators)
    assert result.preliminary_rule == PRELIMINARY_RULES[grades[0], level]
