"""Errors of the care-visits app, with Chinese messages naming the field or the state."""

from eldercare.core import problems

FIELD_LABELS = {
    "resident": "老年人",
    "starts_on": "开始日期",
    "ends_on": "结束日期",
    "visitors": "责任探访人",
    "kind": "方式",
    "occurred_at": "联系时间",
    "visitor": "探访人",
    "health": "身体状况",
    "living_conditions": "生活状况",
    "needs": "服务需求",
    "findings": "情况记录",
    "follow_ups": "后续处理",
    "idempotency_key": "提交编号",
    "reason": "原因",
    "outcome": "办理结果",
    "target_ref": "关联单号",
    "key_rule": "重点老人认定规则",
    "min_contacts": "每周联系天数",
    "min_visits": "其中上门走访次数",
    "region_code": "区划",
}


class Problem(problems.Problem):
    labels = FIELD_LABELS


class CareVisitDataError(problems.DataError[Problem]):
    """One or more fields are wrong; `problems` names each of them."""


class CareVisitStateError(problems.StateError):
    """The record is not in a state that allows the request (an illegal transition)."""
