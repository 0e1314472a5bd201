"""Errors of the entitlement services: a stable `code` for programs, a Chinese message naming the
field or the state for people. (The ledger has its own, in ledger/errors.py; a bad rule file is a
policy.PolicyError with every problem's place.)"""

FIELD_LABELS = {
    "kind": "补贴类型",
    "amount_fen": "金额",
    "items": "限用项目",
    "first_month": "起始月份",
    "last_month": "终止月份",
    "reason": "事由",
    "source_reference": "来源编号",
    "resident": "老年人",
    "region_code": "区划",
    "month": "补贴月份",
    "file": "规则文件",
    "document": "规则文件",
    "run": "发放任务",
    "on": "评估日期",
    "entitlement": "补贴资格",
}


class EntitlementError(ValueError):
    """Base of every refusal; nothing has been written when one is raised."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class EntitlementInputError(EntitlementError):
    """A request argument is wrong; `field` names it."""

    def __init__(self, field: str, code: str, message: str) -> None:
        label = FIELD_LABELS.get(field, field)
        super().__init__(code, f"{label}：{message}" if label else message)
        self.field = field


class EntitlementStateError(EntitlementError):
    """The request does not fit the current state (a document already active, a run going on…)."""


class GrantConflict(EntitlementError):
    """The source reference already names a different grant."""

    def __init__(self, reference: str, differences: list[str]) -> None:
        super().__init__(
            "reference_conflict",
            f"来源编号“{reference}”已用于另一项补贴资格，本次的{'、'.join(differences)}与之不同",
        )
        self.reference = reference
        self.differences = differences


class RunConflict(EntitlementStateError):
    """Another run for an overlapping region and the same month is queued or running."""

    def __init__(self, message: str, run_id: int) -> None:
        super().__init__("run_in_progress", message)
        self.run_id = run_id
