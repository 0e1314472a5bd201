"""The list filters of the entitlements app, shared by pages, API and exports.

Parameters arrive as text (a query string or a form); each is checked and becomes a database
condition; a blank value filters nothing. The caller scopes the queryset first (queries.py): a
region outside the scope simply matches nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from django.db.models import Q, QuerySet

from eldercare.entitlements.models import (
    AccountKind,
    CreditKind,
    EntitlementRun,
    LedgerAccount,
    RunStatus,
    Transfer,
)
from eldercare.regions.codes import RegionCodeError, normalize_code, subtree_range
from eldercare.registry.queries import prefix_q

PARAM_LABELS = {
    "month": "补贴月份",
    "region": "区划",
    "kind": "类别",
    "basis": "发放依据",
    "q": "搜索",
    "status": "状态",
}
GRANT_BASIS = "grant"


class ListFilterError(ValueError):
    def __init__(self, param: str, message: str) -> None:
        self.param = param
        super().__init__(f"参数 {param}（{PARAM_LABELS.get(param, param)}）{message}")


def parse_month(text: str, param: str = "month") -> date:
    """ "2026-11" (or "2026-11-05", any day) → 2026-11-01."""
    parts = text.strip().split("-")
    try:
        if len(parts) not in (2, 3):
            raise ValueError(text)
        day = date(int(parts[0]), int(parts[1]), int(parts[2]) if len(parts) == 3 else 1)
    except ValueError as error:
        raise ListFilterError(param, f"应为年月，如 2026-11：{text!r}") from error
    return day.replace(day=1)


def previous_months(today: date, count: int) -> list[date]:
    """This month and the `count - 1` before it, newest first (for a month picker)."""
    months = []
    month = today.replace(day=1)
    for _ in range(count):
        months.append(month)
        month = (month - timedelta(days=1)).replace(day=1)
    return months


def _region(queryset: QuerySet, params: Mapping[str, str], field: str) -> tuple[QuerySet, str]:
    raw = (params.get("region") or "").strip()
    if not raw:
        return queryset, ""
    try:
        code = normalize_code(raw)
    except RegionCodeError as error:
        raise ListFilterError("region", str(error)) from error
    low, high = subtree_range(code)
    return queryset.filter(**{f"{field}__gte": low, f"{field}__lte": high}), code


def filter_credits(
    queryset: QuerySet[Transfer], params: Mapping[str, str], *, today: date
) -> tuple[QuerySet[Transfer], dict[str, str]]:
    """Credits of one month (default: this month), by region, account kind and basis."""
    raw_month = (params.get("month") or "").strip()
    month = parse_month(raw_month) if raw_month else today.replace(day=1)
    applied = {"month": f"{month:%Y-%m}"}
    queryset = queryset.filter(month=month)
    queryset, region = _region(queryset, params, "region_code")
    if region:
        applied["region"] = region
    kind = (params.get("kind") or "").strip()
    if kind:
        if kind not in CreditKind.values:
            labels = "、".join(f"{value}（{label}）" for value, label in CreditKind.choices)
            raise ListFilterError("kind", f"无法识别：{kind!r}；可用：{labels}")
        queryset = queryset.filter(payee__credit_kind=kind)
        applied["kind"] = kind
    basis = (params.get("basis") or "").strip()
    if basis:
        if basis == GRANT_BASIS:
            queryset = queryset.filter(reference__contains=":grant:")
        else:
            queryset = queryset.filter(reference__endswith=f":{basis}")
        applied["basis"] = basis
    query = (params.get("q") or "").strip()
    if query:
        queryset = queryset.filter(prefix_q("resident__name", query))
        applied["q"] = query
    return queryset.order_by("region_code", "resident_id", "id"), applied


def filter_accounts(
    queryset: QuerySet[LedgerAccount], params: Mapping[str, str]
) -> tuple[QuerySet[LedgerAccount], dict[str, str]]:
    """Accounts by kind (default: residents' accounts), region, credit kind and name."""
    kind = (params.get("kind") or AccountKind.RESIDENT).strip()
    if kind not in AccountKind.values:
        labels = "、".join(f"{value}（{label}）" for value, label in AccountKind.choices)
        raise ListFilterError("kind", f"无法识别：{kind!r}；可用：{labels}")
    applied = {"kind": kind}
    queryset = queryset.filter(kind=kind)
    queryset, region = _region(queryset, params, "region_code")
    if region:
        applied["region"] = region
    query = (params.get("q") or "").strip()
    if query:
        queryset = queryset.filter(Q(name__startswith=query) | Q(owner_reference=query))
        applied["q"] = query
    return queryset.order_by("region_code", "id"), applied


def filter_runs(
    queryset: QuerySet[EntitlementRun], params: Mapping[str, str]
) -> tuple[QuerySet[EntitlementRun], dict[str, str]]:
    applied: dict[str, str] = {}
    raw_month = (params.get("month") or "").strip()
    if raw_month:
        month = parse_month(raw_month)
        queryset = queryset.filter(month=month)
        applied["month"] = f"{month:%Y-%m}"
    status = (params.get("status") or "").strip()
    if status:
        if status not in RunStatus.values:
            raise ListFilterError("status", f"无法识别：{status!r}")
        queryset = queryset.filter(status=status)
        applied["status"] = status
    queryset, region = _region(queryset, params, "region_code")
    if region:
        applied["region"] = region
    return queryset.order_by("-created_at", "-id"), applied
