"""Errors of the subsidy ledger: a stable `code` for programs, a Chinese `message` for people."""

from eldercare.core.money import format_fen

FIELD_LABELS = {
    "amount_fen": "金额",
    "reference": "业务编号",
    "reference_prefix": "业务编号前缀",
    "month": "补贴月份",
    "items": "限用项目",
    "expires_on": "有效期",
    "cause": "原因",
    "kind": "补贴类别",
    "fund": "资金来源",
    "resident": "老年人",
    "item_code": "服务项目编码",
    "item_category": "服务类别",
    "payee_account": "收款账户",
    "payment": "原支付",
    "reason": "事由",
    "approver": "审批人",
    "account": "账户",
    "counter_account": "对方账户",
    "on": "核销日期",
    "region_code": "区划代码",
    "source": "资金来源类别",
    "name": "账户名称",
    "owner_reference": "所属机构编号",
    "credits": "发放清单",
}


class LedgerError(ValueError):
    """Base of every refusal by the ledger; nothing has been written when one is raised."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class LedgerInputError(LedgerError):
    """A request argument is wrong; `field` names it."""

    def __init__(self, field: str, code: str, message: str) -> None:
        label = FIELD_LABELS.get(field, field)
        super().__init__(code, f"{label}：{message}")
        self.field = field


class InsufficientCredit(LedgerError):
    """A resident's usable credit does not cover the amount."""

    def __init__(self, *, available_fen: int, needed_fen: int, what: str, note: str = "") -> None:
        message = (
            f"补贴余额不足：{what}的可用余额为 {format_fen(available_fen)} 元，"
            f"本次需要 {format_fen(needed_fen)} 元"
        )
        super().__init__("insufficient_credit", message + (f"（{note}）" if note else ""))
        self.available_fen = available_fen
        self.needed_fen = needed_fen


class InsufficientBalance(LedgerError):
    """A fund or provider account that may not go negative lacks the money."""

    def __init__(self, *, account_name: str, available_fen: int, needed_fen: int) -> None:
        super().__init__(
            "insufficient_balance",
            f"账户“{account_name}”余额不足：余额 {format_fen(available_fen)} 元，"
            f"本次需要 {format_fen(needed_fen)} 元",
        )
        self.available_fen = available_fen
        self.needed_fen = needed_fen


class ReferenceConflict(LedgerError):
    """The idempotency reference already names a different movement."""

    def __init__(self, reference: str, differences: list[str]) -> None:
        super().__init__(
            "reference_conflict",
            f"业务编号“{reference}”已用于另一笔资金流转，本次请求的{'、'.join(differences)}与之不同",
        )
        self.reference = reference
        self.differences = differences


class LedgerStateError(LedgerError):
    """The request does not fit the current state (a refund of a refund, nothing left to refund…)."""
