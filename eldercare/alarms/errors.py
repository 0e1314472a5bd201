"""Errors of the alarms app, with Chinese messages naming the field or the state."""

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Problem:
    field: str
    code: str
    message: str

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)


class AlarmDataError(ValueError):
    """One or more fields are wrong; `problems` names each of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(
            "；".join(f"{p.label}：{p.message}" if p.field else p.message for p in problems)
        )


class AlarmStateError(ValueError):
    """The alarm or device is not in a state that allows the request (an illegal transition)."""

    def __init__(self, message: str, *, code: str = "state") -> None:
        super().__init__(message)
        self.code = code
