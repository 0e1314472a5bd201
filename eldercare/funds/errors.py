"""Errors of the funds app, with Chinese messages naming the field or the limit."""

from eldercare.core import problems

FIELD_LABELS = {
    "region_code": "区划",
    "kind": "资金来源",
    "year": "年度",
    "name": "名称",
    "document_no": "文号",
    "received_on": "到位日期",
    "amount_fen": "金额",
    "amount_yuan": "金额",
    "source": "资金来源",
    "project": "项目",
    "use": "资金用途",
    "allocated_on": "下达日期",
    "allocation": "资金下达",
    "spent_on": "支出日期",
    "payee": "收款单位（人）",
    "purpose": "用途",
    "voucher_no": "凭证号",
    "vouchers": "凭证附件",
    "reason": "更正原因",
    "category": "项目类别",
    "description": "项目内容",
    "note": "备注",
}


class Problem(problems.Problem):
    labels = FIELD_LABELS


class FundsDataError(problems.DataError[Problem]):
    """One or more fields are wrong; `problems` names each of them."""


class FundsLimitError(problems.StateError):
    """The amount does not fit: more than an allocation has left, or a source has unallocated."""

    def __init__(self, message: str, *, remaining_fen: int, requested_fen: int) -> None:
        super().__init__(message, code="over_limit")
        self.remaining_fen = remaining_fen
        self.requested_fen = requested_fen


class FundsStateError(problems.StateError):
    """The entry is not in a state that allows the request (already reversed, a reversal, …)."""
