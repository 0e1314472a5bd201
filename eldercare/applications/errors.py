"""Errors of the applications app, with Chinese messages naming the field or the state."""

from eldercare.core import problems

FIELD_LABELS = {
    "resident": "老年人",
    "kind": "申请类型",
    "benefit_kind": "补贴类型",
    "amount_fen": "申请金额",
    "amount_yuan": "申请金额",
    "service_item": "服务项目",
    "applicant_kind": "申请人",
    "applicant_name": "申请人姓名",
    "applicant_relation": "与老人关系",
    "applicant_phone": "申请人电话",
    "reason": "申请理由",
    "comment": "意见",
    "approved_amount_fen": "核定金额",
    "approved_amount_yuan": "核定金额",
    "first_month": "待遇起始月份",
    "attachments": "申请材料",
    "description": "材料说明",
    "step": "审核环节",
    "status": "状态",
    "mine": "范围",
    "steps": "审核流程",
    "region_code": "区划",
}


class Problem(problems.Problem):
    labels = FIELD_LABELS


class ApplicationDataError(problems.DataError[Problem]):
    """One or more fields are wrong; `problems` names each of them."""


class ApplicationStateError(problems.StateError):
    """The application is not in a state that allows the request (an illegal transition)."""
