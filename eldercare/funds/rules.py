"""What a fund entry must look like before it touches the books. Pure: no Django.

Each `check_*` returns every problem of the input at once (an empty list when it is valid), so a
form or an API call shows all of them together. Limits that depend on other rows (what a source
or an allocation has left, the region tree) are checked by the services under a row lock.
"""

from dataclasses import dataclass, replace
from datetime import date
from typing import Any, TypeVar

from eldercare.core.money import MAX_FEN
from eldercare.funds.errors import Problem

FUND_KINDS = ("central", "provincial", "local_match", "lottery", "other")
FUND_USES = ("elderly_care", "other_welfare")
PROJECT_CATEGORIES = (
    "facility",
    "service_purchase",
    "platform",
    "training",
    "home_adaptation",
    "operation",
    "other",
)
FIRST_YEAR = 2000
LAST_YEAR = 2100
LIMITS = {
    "name": 100,
    "document_no": 60,
    "note": 300,
    "payee": 100,
    "purpose": 200,
    "voucher_no": 40,
    "reason": 200,
    "description": 2000,
}


@dataclass(frozen=True)
class SourceInput:
    region_code: str
    kind: str
    year: int
    name: str
    amount_fen: int
    received_on: date
    document_no: str = ""
    note: str = ""


@dataclass(frozen=True)
class AllocationInput:
    region_code: str
    amount_fen: int
    allocated_on: date
    project_id: int | None = None
    use: str = "elderly_care"
    document_no: str = ""
    note: str = ""


@dataclass(frozen=True)
class ExpenditureInput:
    amount_fen: int
    spent_on: date
    payee: str
    purpose: str
    voucher_no: str


@dataclass(frozen=True)
class ProjectInput:
    region_code: str
    name: str
    category: str
    description: str = ""


InputT = TypeVar("InputT", SourceInput, AllocationInput, ExpenditureInput, ProjectInput)


def single_line(value: object) -> str:
    """Whitespace runs (newlines pasted from Excel included) become one space."""
    return " ".join(str(value or "").split())


def tidy(entry: "InputT") -> "InputT":
    """The same input with its one-line text fields trimmed."""
    changes: dict[str, Any] = {
        name: single_line(getattr(entry, name))
        for name in ("name", "document_no", "note", "payee", "purpose", "voucher_no")
        if hasattr(entry, name)
    }
    if isinstance(entry, ProjectInput):
        changes["description"] = entry.description.strip()
    return replace(entry, **changes)


def check_amount(amount_fen: object, field: str = "amount_fen") -> list[Problem]:
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int):
        return [Problem(field, "wrong_type", "金额应为整数（分）")]
    if amount_fen <= 0:
        return [Problem(field, "not_positive", "金额应大于零")]
    if amount_fen > MAX_FEN:
        return [Problem(field, "too_large", "金额过大")]
    return []


def check_day(day: object, field: str, today: date) -> list[Problem]:
    if not isinstance(day, date):
        return [Problem(field, "required", "请填写日期")]
    if day > today:
        return [Problem(field, "future", f"日期不能晚于今天（{today:%Y-%m-%d}）")]
    return []


def check_text(entry: object, field: str, *, required: bool) -> list[Problem]:
    value = getattr(entry, field)
    if required and not value:
        return [Problem(field, "required", "必填")]
    if len(value) > LIMITS[field]:
        return [Problem(field, "too_long", f"最多 {LIMITS[field]} 个字")]
    return []


def check_source(entry: SourceInput, today: date) -> list[Problem]:
    problems = []
    if entry.kind not in FUND_KINDS:
        problems.append(Problem("kind", "invalid", f"无法识别的资金来源：{entry.kind}"))
    if isinstance(entry.year, bool) or not isinstance(entry.year, int):
        problems.append(Problem("year", "wrong_type", "年度应为整数，如 2020"))
    elif not FIRST_YEAR <= entry.year <= LAST_YEAR:
        problems.append(Problem("year", "out_of_range", f"年度应在 {FIRST_YEAR}–{LAST_YEAR} 之间"))
    problems += check_text(entry, "name", required=True)
    problems += check_text(entry, "document_no", required=False)
    problems += check_text(entry, "note", required=False)
    problems += check_amount(entry.amount_fen)
    problems += check_day(entry.received_on, "received_on", today)
    return problems


def check_allocation(entry: AllocationInput, today: date) -> list[Problem]:
    problems = []
    if entry.use not in FUND_USES:
        problems.append(Problem("use", "invalid", f"无法识别的资金用途：{entry.use}"))
    problems += check_text(entry, "document_no", required=False)
    problems += check_text(entry, "note", required=False)
    problems += check_amount(entry.amount_fen)
    problems += check_day(entry.allocated_on, "allocated_on", today)
    return problems


def check_expenditure(entry: ExpenditureInput, today: date) -> list[Problem]:
    return [
        *check_amount(entry.amount_fen),
        *check_day(entry.spent_on, "spent_on", today),
        *check_text(entry, "payee", required=True),
        *check_text(entry, "purpose", required=True),
        *check_text(entry, "voucher_no", required=True),
    ]


def check_project(entry: ProjectInput) -> list[Problem]:
    problems = []
    if entry.category not in PROJECT_CATEGORIES:
        problems.append(Problem("category", "invalid", f"无法识别的项目类别：{entry.category}"))
    problems += check_text(entry, "name", required=True)
    problems += check_text(entry, "description", required=False)
    return problems


def check_reason(reason: str) -> list[Problem]:
    text = single_line(reason)
    if not text:
        return [Problem("reason", "required", "更正或冲销必须说明原因")]
    if len(text) > LIMITS["reason"]:
        return [Problem("reason", "too_long", f"最多 {LIMITS['reason']} 个字")]
    return []
