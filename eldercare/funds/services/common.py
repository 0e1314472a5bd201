"""What every fund use case shares: permission and scope, regions, row locks, the maintained
totals and the audit record."""

from datetime import date
from typing import Any

from django.db import IntegrityError
from django.db.models import F, Model
from django.http import Http404
from django.utils import timezone

from eldercare.accounts.access import Action, in_scope, require
from eldercare.core.audit import record
from eldercare.core.models import AuditAction
from eldercare.core.money import format_fen
from eldercare.funds.errors import FundsDataError, FundsLimitError, FundsStateError, Problem
from eldercare.funds.models import Allocation, Entry, Expenditure, Source
from eldercare.regions.models import Region


def today_local() -> date:
    return timezone.localdate()


def require_manage(actor: Any, region_code: str) -> None:
    """MANAGE_FUNDS (403 otherwise) over a region in the actor's scope (404 otherwise)."""
    require(actor, Action.MANAGE_FUNDS)
    if not in_scope(actor, region_code):
        raise Http404("记录不存在")


def check_region(actor: Any, region_code: str, field: str = "region_code") -> None:
    if not Region.objects.current().filter(code=region_code).exists():
        raise FundsDataError([Problem(field, "unknown", f"区划代码不存在：{region_code}")])
    require_manage(actor, region_code)


def raise_problems(problems: list[Problem]) -> None:
    if problems:
        raise FundsDataError(problems)


def lock_source(source: Source) -> Source:
    return Source.objects.select_for_update().get(pk=source.pk)


def lock_allocation(allocation: Allocation) -> Allocation:
    return (
        Allocation.objects.select_for_update(of=("self",))
        .select_related("source")
        .get(pk=allocation.pk)
    )


def add_to_total(row: Source | Allocation, field: str, delta: int) -> None:
    """Move a maintained total by `delta` in SQL; the table's CHECK refuses a total beyond its
    limit even where the service's own check was bypassed (no lock, a concurrent writer)."""
    try:
        type(row).objects.filter(pk=row.pk).update(**{field: F(field) + delta})
    except IntegrityError as error:
        raise FundsLimitError(
            "金额超出可用额度（数据库约束拒绝）", remaining_fen=0, requested_fen=delta
        ) from error
    setattr(row, field, getattr(row, field) + delta)


def check_fits(remaining_fen: int, amount_fen: int, what: str) -> None:
    if amount_fen > remaining_fen:
        raise FundsLimitError(
            f"{what}尚余 {format_fen(remaining_fen, grouped=True)} 元，"
            f"本次需要 {format_fen(amount_fen, grouped=True)} 元，超出额度",
            remaining_fen=remaining_fen,
            requested_fen=amount_fen,
        )


ENTRY_NAMES = {Source: "资金来源", Allocation: "资金下达", Expenditure: "支出"}


def check_live(entry: Entry, verb: str) -> None:
    """Refuse to act on a reversal or on an entry already reversed."""
    name = ENTRY_NAMES[type(entry)]
    if entry.reverses_id is not None:
        raise FundsStateError(f"这是一条冲销记录，不能{verb}", code="is_reversal")
    # The entry was just read under its row lock, so the reverse accessor queries afresh.
    if entry.is_reversed:
        raise FundsStateError(f"该{name}已被冲销，不能{verb}", code="already_reversed")


def audit_entry(actor: Any, entry: Model, region_code: str, **detail: Any) -> None:
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=entry,
        region_code=region_code,
        detail=detail,
    )
