"""The assessment app's errors: what is wrong, field by field (or item by item), in Chinese."""

from eldercare.assessment.scoring import GBT42195, MZT039, catalogue
from eldercare.core import problems

FIELD_LABELS = {
    "resident": "老年人",
    "standard": "评估标准",
    "assessed_on": "评估日期",
    "place": "评估地点",
    "place_detail": "地点说明",
    "reason": "评估原因",
    "first_assessor": "评估员一",
    "second_assessor": "评估员二",
    "basic_info": "基本信息表",
    "answers": "评估项目",
    "conditions": "调整条件",
    "correction_reason": "更正原因",
    "status": "状态",
    "reassessment_months": "复评周期（月）",
    "clause_stacking": "调整条款叠加方式",
    "event_counting": "近30天意外事件计数方式",
}
ITEM_LABELS = {
    item.key: f"{indicator.name}·{item.name}"
    for standard in (MZT039, GBT42195)
    for indicator in catalogue(standard)
    for item in indicator.items
}


class Problem(problems.Problem):
    labels = ITEM_LABELS | FIELD_LABELS  # a field's label wins over an item's of the same key


class AssessmentDataError(problems.DataError[Problem]):
    """One or more fields or items are wrong; `problems` names each of them."""


class AssessmentStateError(problems.StateError):
    """The assessment is not in a state that allows the request (finished, superseded…)."""
