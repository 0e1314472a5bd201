"""Errors of the alarms app, with Chinese messages naming the field or the state."""

from eldercare.core import problems

FIELD_LABELS = {
    "vendor": "厂商代码",
    "serial": "序列号/IMEI",
    "kind": "类型",
    "resident": "老人",
    "address": "安装地址",
    "installed_on": "安装日期",
    "region_code": "区划",
    "latitude": "纬度",
    "longitude": "经度",
    "outcome": "处置结果",
    "text": "内容",
    "chain": "呼叫链",
    "event_id": "事件编号",
    "occurred_at": "发生时间",
    "battery": "电量",
    "events": "事件列表",
}


class Problem(problems.Problem):
    labels = FIELD_LABELS


class AlarmDataError(problems.DataError[Problem]):
    """One or more fields are wrong; `problems` names each of them."""


class AlarmStateError(problems.StateError):
    """The alarm or device is not in a state that allows the request (an illegal transition)."""
