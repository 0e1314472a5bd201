"""What a report and the API get from a result: the explanation and the plain data."""

import json

import pytest

from eldercare.assessment.scoring import (
    GBT42195,
    MZT039,
    Conditions,
    Events30d,
    ItemScores,
    score,
)
from tests.assessment import builders


def test_mzt039_explanation_reads_as_a_report() -> None:
    answers = builders.mzt039(adl=85, mental=(1, 0, 0), social=3)
    conditions = Conditions(events_30d=Events30d(fall=1, wandering=1))
    result = score(builders.answer_set(MZT039, answers, conditions))
    assert result.explanation.splitlines() == [
        "MZ/T 039-2013 老年人能力评估",
        "一级指标：",
        "  日常生活活动：85分，分级1（轻度受损）",
        "  精神状态：1分，分级1（轻度受损）",
        "  感知觉与沟通：分级0（能力完好）",
        "  社会参与：3分，分级1（轻度受损）",
        "初步等级：1 轻度失能（依据：日常生活活动分级为1，精神状态、感知觉与沟通、社会参与中至少"
        "一项分级为0或1）",
        "调整条款：",
        "  · 近30天内发生跌倒、噎食、自杀、走失合计2次及以上者，在原有能力级别上提高一个级别："
        "提高一级：1 轻度失能 → 2 中度失能",
        "最终等级：2 中度失能",
    ]


def test_gbt42195_explanation_shows_the_total() -> None:
    result = score(builders.answer_set(GBT42195, builders.gbt42195(50)))
    lines = result.explanation.splitlines()
    assert lines[0] == "GB/T 42195-2022 老年人能力评估规范"
    assert "  自理能力：32分" in lines
    assert "  感知觉与社会参与：0分" in lines
    assert "能力总得分：50分" in lines
    assert "初步等级：2 中度失能（依据：能力总得分为46～65分）" in lines
    assert lines[-2:] == ["调整条款：无", "最终等级：2 中度失能"]


def test_explanation_under_coma_with_items_left_out() -> None:
    result = score(builders.answer_set(GBT42195, {}, Conditions(coma=True)))
    lines = result.explanation.splitlines()
    assert "  自理能力：未评（昏迷）" in lines
    assert "初步等级：无法计算（昏迷，部分项目未评）" in lines
    assert not any(line.startswith("能力总得分") for line in lines)
    assert lines[-1] == "最终等级：4 完全失能"
    data = result.as_dict()
    assert (data["preliminary_level"], data["preliminary_level_name"]) == (None, None)
    assert (data["total_score"], data["item_scores"]) == (None, {})


def test_mzt039_as_dict() -> None:
    answers = builders.mzt039(adl=60)
    result = score(builders.answer_set(MZT039, answers, Conditions(dementia=True)))
    data = result.as_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert {k: data[k] for k in ("standard", "level", "level_name", "preliminary_level")} == {
        "standard": MZT039,
        "level": 3,
        "level_name": "重度失能",
        "preliminary_level": 2,
    }
    assert data["total_score"] == 60
    assert data["indicators"]["adl"] == {
        "name": "日常生活活动",
        "score": 60,
        "grade": 2,
        "grade_name": "中度受损",
    }
    assert data["indicators"]["sense"]["score"] is None
    assert result.indicator("social").name == "社会参与"
    with pytest.raises(KeyError):
        result.indicator("selfcare")
    assert data["clauses"] == [
        {
            "code": "diagnosis",
            "rule": result.clauses[0].rule,
            "effect": "提高一级：2 中度失能 → 3 重度失能",
            "level_before": 2,
            "level_after": 3,
        }
    ]
    assert data["item_scores"] == answers
    assert data["settings"] == {"clause_stacking": "per_clause", "event_counting": "total"}
    assert data["explanation"] == result.explanation


def test_gbt42195_as_dict_has_no_grades() -> None:
    data = score(builders.answer_set(GBT42195, builders.gbt42195(66))).as_dict()
    assert data["indicators"]["selfcare"] == {"name": "自理能力", "score": 32}
    assert (data["total_score"], data["level"], data["preliminary_level_name"]) == (
        66,
        1,
        "轻度失能",
    )


def test_item_scores_are_a_read_only_mapping_in_table_order() -> None:
    answers = builders.mzt039(adl=55)
    scores = score(builders.answer_set(MZT039, dict(reversed(answers.items())))).item_scores
    assert isinstance(scores, ItemScores)
    assert list(scores) == list(answers)
    assert scores == answers
    assert scores["adl.feeding"] == 10
    assert "adl.feeding" in scores
    assert "selfcare.feeding" not in scores
    assert repr(scores).startswith("ItemScores({'adl.feeding': 10,")
    assert not hasattr(scores, "__setitem__")
