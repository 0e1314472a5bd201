"""GB/T 42195-2022: indicator sums, every total-score boundary of the preliminary level."""

import pytest

from eldercare.assessment.scoring import GBT42195, score
from eldercare.assessment.scoring.gbt42195 import PRELIMINARY_RULES, preliminary_level
from tests.assessment import builders


@pytest.mark.parametrize(
    ("total", "level", "name"),
    [
        (0, 4, "完全失能"),
        (29, 4, "完全失能"),
        (30, 3, "重度失能"),
        (45, 3, "重度失能"),
        (46, 2, "中度失能"),
        (65, 2, "中度失能"),
        (66, 1, "轻度失能"),
        (89, 1, "轻度失能"),
        (90, 0, "能力完好"),
    ],
)
def test_total_score_boundaries(total: int, level: int, name: str) -> None:
    assert preliminary_level(total) == level
    result = score(builders.answer_set(GBT42195, builders.gbt42195(total)))
    assert result.total_score == total
    assert result.preliminary_level == result.level == level
    assert result.level_name == result.preliminary_level_name == name
    assert result.preliminary_rule == PRELIMINARY_RULES[level]
    assert result.clauses == ()


def test_every_total_has_a_level() -> None:
    levels = [preliminary_level(total) for total in range(91)]
    assert levels == [4] * 30 + [3] * 16 + [2] * 20 + [1] * 24 + [0]


def test_indicator_scores_are_the_sums_of_their_items() -> None:
    answers = builders.gbt42195(90)
    answers |= {"selfcare.feeding": 1, "motor.stairs": 0, "mental.consciousness": 0}
    answers |= {"perception.vision": 1, "perception.social": 2}
    result = score(builders.answer_set(GBT42195, answers))
    assert [(i.key, i.name, i.score) for i in result.indicators] == [
        ("selfcare", "自理能力", 29),
        ("motor", "基础运动能力", 12),
        ("mental", "精神状态", 26),
        ("perception", "感知觉与社会参与", 12),
    ]
    assert all(i.grade is None and i.grade_name is None for i in result.indicators)
    assert result.total_score == 79
    assert result.level == 1
    # 意识水平 0 alone is not coma: it also covers stupor (昏睡).
    assert result.clauses == ()
