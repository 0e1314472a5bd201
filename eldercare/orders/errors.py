"""Errors of the orders app, with Chinese messages naming the field or the state."""

from eldercare.core import problems

FIELD_LABELS = {
    "resident": "老年人",
    "provider": "服务机构",
    "item": "服务项目",
    "starts_at": "开始时间",
    "ends_at": "结束时间",
    "address": "服务地址",
    "latitude": "纬度",
    "longitude": "经度",
    "channel": "下单渠道",
    "requested_by": "提出人",
    "requester_name": "提出人姓名",
    "requester_phone": "提出人电话",
    "reason": "原因",
    "caregiver": "护理员",
    "rating": "评分",
    "comment": "评价",
    "photo": "照片",
    "content": "投诉内容",
    "result": "处理结果",
    "month": "结算月份",
    "period": "期间",
    "size": "抽样数",
    "outcome": "回访结果",
}


class Problem(problems.Problem):
    labels = FIELD_LABELS


class OrderDataError(problems.DataError[Problem]):
    """One or more inputs are wrong; `problems` names each of them. Nothing was written."""


def data_error(field: str, code: str, message: str) -> OrderDataError:
    return OrderDataError([Problem(field, code, message)])


class OrderStateError(problems.StateError):
    """The record is not in a state that allows the request (an illegal transition)."""


class DispatchError(OrderStateError):
    """The caregiver cannot take this order (not assignable, not skilled, not free, booked)."""
