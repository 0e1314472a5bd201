"""The internals every ledger service shares: who acts, argument checks, locks, and posting.

Locking protocol (PostgreSQL row locks; SQLite serialises writers with BEGIN IMMEDIATE):
1. a service that changes a resident account first locks that account's row (SELECT … FOR
   UPDATE); every change to its lots happens under that lock, so lots are read and allocated
   without a race;
2. only then are other accounts changed, each by one conditional UPDATE
   (`balance = balance + d WHERE allows_negative OR balance >= -d`), in ascending id;
3. the idempotency reference is checked after the lock, and its unique index is the last guard.
Batch operations lock their resident accounts in ascending id before touching anything else,
so no two writers wait on each other in a cycle.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone

from eldercare.accounts.access import Action, in_scope, require
from eldercare.core.audit import record
from eldercare.core.models import AuditAction
from eldercare.core.money import MAX_FEN, format_fen
from eldercare.entitlements.ledger.errors import (
    InsufficientBalance,
    InsufficientCredit,
    LedgerInputError,
    LedgerStateError,
    ReferenceConflict,
)
from eldercare.entitlements.models import (
    AccountKind,
    CreditKind,
    CreditLot,
    LedgerAccount,
    LedgerEntry,
    Transfer,
)
from eldercare.regions.codes import Level, RegionCodeError, level_of
from eldercare.registry.models import Resident

REFERENCE_MAX_LENGTH = 120


# --- who acts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SystemActor:
    """A background job acting on its own authority (the expiry run, a scheduled monthly run).

    Only code can pass one; pages and API always pass the logged-in user. The audit trail and the
    transfers record its `username`.
    """

    username: str
    pk: None = None
    is_authenticated: bool = False


SYSTEM = SystemActor("system")


def authorize(actor: Any, action: Action, region_code: str) -> None:
    """A user needs the action and the region in scope (else 404); a SystemActor passes."""
    if isinstance(actor, SystemActor):
        return
    require(actor, action)
    if not in_scope(actor, region_code):
        raise Http404("记录不存在")


def require_user(actor: Any, field: str) -> None:
    if isinstance(actor, SystemActor) or not getattr(actor, "pk", None):
        raise PermissionDenied(f"{'审批人' if field == 'approver' else '经办人'}须为已登录的用户")


def actor_columns(actor: Any, prefix: str = "actor") -> dict[str, Any]:
    if isinstance(actor, SystemActor):
        return {prefix: None, f"{prefix}_username": actor.username}
    return {prefix: actor, f"{prefix}_username": actor.username}


# --- argument checks -------------------------------------------------------------------------


def check_amount(value: Any, field: str = "amount_fen", *, signed: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise LedgerInputError(
            field, "amount_type", f"应为整数（单位：分），收到 {type(value).__name__}：{value!r}"
        )
    if value == 0:
        raise LedgerInputError(field, "amount_zero", "不能为零")
    if value < 0 and not signed:
        raise LedgerInputError(field, "amount_negative", f"必须大于零，收到 {value} 分")
    if abs(value) > MAX_FEN:
        raise LedgerInputError(field, "amount_too_large", f"金额过大：{format_fen(value)} 元")
    return value


def check_reference(value: Any, field: str = "reference") -> str:
    if not isinstance(value, str) or not value.strip():
        raise LedgerInputError(field, "reference_missing", "不能为空")
    text = value.strip()
    if len(text) > REFERENCE_MAX_LENGTH:
        raise LedgerInputError(field, "reference_too_long", f"最长 {REFERENCE_MAX_LENGTH} 个字符")
    return text


def check_reason(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise LedgerInputError("reason", "reason_missing", "必须填写")
    return value.strip()


def check_date(value: Any, field: str) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise LedgerInputError(field, "date_type", f"应为日期，收到 {value!r}")
    return value


def check_month(value: Any) -> date:
    return check_date(value, "month").replace(day=1)


def check_items(value: Any) -> list[str] | None:
    """None: any item. Otherwise a non-empty list of item codes (ZC-001) and categories (meal)."""
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise LedgerInputError(
            "items", "items_type", "应为服务项目编码或类别的列表（不限项目时为 None）"
        )
    items: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise LedgerInputError("items", "item_invalid", f"项目编码或类别不能为空：{item!r}")
        if item.strip() not in items:
            items.append(item.strip())
    if not items:
        raise LedgerInputError(
            "items", "items_empty", "限用项目列表为空，补贴将无法使用；不限项目请传 None"
        )
    return sorted(items)


def check_account(value: Any, field: str, *kinds: AccountKind) -> LedgerAccount:
    if not isinstance(value, LedgerAccount) or value.pk is None:
        raise LedgerInputError(field, "account_invalid", f"应为已开立的账户，收到 {value!r}")
    if kinds and value.kind not in kinds:
        expected = "、".join(str(kind.label) for kind in kinds)
        raise LedgerInputError(
            field, "account_kind", f"“{value.name}”是{value.get_kind_display()}，此处应为{expected}"
        )
    return value


def check_resident(value: Any) -> Resident:
    if not isinstance(value, Resident) or value.pk is None:
        raise LedgerInputError(
            "resident", "resident_invalid", f"应为已登记的老年人，收到 {value!r}"
        )
    return value


def today() -> date:
    return timezone.localdate()


def end_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def credit_expiry(month: date, *, carry_over_months: int = 0) -> date:
    """The last usable day of a month's credit: its month end, or N months later (carry-over)."""
    if carry_over_months < 0:
        raise LedgerInputError("expires_on", "carry_over_negative", "结转月数不能为负")
    return end_of_month(add_months(month.replace(day=1), carry_over_months))


def county_of(region_code: str) -> str:
    """The county (区县) a code belongs to, or the code itself above county level."""
    try:
        level = level_of(region_code)
    except RegionCodeError as error:
        raise LedgerInputError("region_code", "region_invalid", str(error)) from error
    if level <= Level.COUNTY:
        return region_code
    return region_code[:6] + "000000"


# --- accounts --------------------------------------------------------------------------------

SYSTEM_ACCOUNT_NAMES = {
    AccountKind.EXPIRY: "过期核销",
    AccountKind.ADJUSTMENT: "调账",
    AccountKind.APPROPRIATION: "预算拨入",
}


def system_account(kind: AccountKind, region_code: str) -> LedgerAccount:
    account, _ = LedgerAccount.objects.get_or_create(
        kind=kind,
        region_code=region_code,
        defaults={
            "name": f"{SYSTEM_ACCOUNT_NAMES[kind]}（{region_code}）",
            "allows_negative": kind != AccountKind.EXPIRY,
        },
    )
    return account


def lock_resident_account(
    resident: Resident, credit_kind: str, *, create: bool
) -> LedgerAccount | None:
    """The resident's account of this kind, row-locked for the rest of the transaction."""
    accounts = LedgerAccount.objects.select_for_update().filter(
        kind=AccountKind.RESIDENT, resident=resident, credit_kind=credit_kind
    )
    account = accounts.first()
    if account is None:
        if not create:
            return None
        LedgerAccount.objects.get_or_create(
            kind=AccountKind.RESIDENT,
            resident=resident,
            credit_kind=credit_kind,
            defaults={
                "name": f"{resident.name}·{CreditKind(credit_kind).label}",
                "region_code": resident.region_code,
            },
        )
        account = accounts.get()
    if account.region_code != resident.region_code:
        # The account follows the resident: scoping by region shows it where they live now.
        LedgerAccount.objects.filter(pk=account.pk).update(region_code=resident.region_code)
        account.region_code = resident.region_code
    return account


def lock_account(account: LedgerAccount) -> LedgerAccount:
    return LedgerAccount.objects.select_for_update().get(pk=account.pk)


def lock_accounts_in_order(account_ids: Iterable[int]) -> None:
    if connection.features.has_select_for_update:
        list(
            LedgerAccount.objects.select_for_update()
            .filter(pk__in=sorted(set(account_ids)))
            .order_by("pk")
            .values_list("pk", flat=True)
        )


# --- idempotency -----------------------------------------------------------------------------

EXPECT_LABELS = {
    "cause": "原因",
    "amount_fen": "金额",
    "payer_id": "付款账户",
    "payee_id": "收款账户",
    "resident_id": "老年人",
    "month": "补贴月份",
    "item_code": "服务项目",
    "refund_of_id": "原支付",
    "items": "限用项目",
    "expires_on": "有效期",
}


def replay(reference: str, expect: dict[str, Any]) -> Transfer | None:
    """The transfer already recorded under `reference`, if it is the same request; else an error.

    `expect` holds the request's values; None means "not known from the request" and is skipped.
    """
    existing = Transfer.objects.filter(reference=reference).first()
    if existing is None:
        return None
    differences = []
    for name, wanted in expect.items():
        if wanted is None:
            continue
        if name in ("items", "expires_on"):
            lot = CreditLot.objects.filter(transfer=existing).first()
            actual = getattr(lot, name, None) if lot else None
        else:
            actual = getattr(existing, name)
        if actual != wanted:
            differences.append(EXPECT_LABELS.get(name, name))
    if differences:
        raise ReferenceConflict(reference, differences)
    return existing


# --- posting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One entry to write: signed fen on an account, with its lot on a resident account."""

    account_id: int
    amount_fen: int
    lot_id: int | None = None


def post(transfer: Transfer, lines: Sequence[Line]) -> list[LedgerEntry]:
    """Write the entries of a saved transfer and move lots and balances by them, atomically.

    The caller holds the lock of any resident account involved. Every change is a conditional
    UPDATE; one that finds its condition false aborts the whole transaction.
    """
    if sum(line.amount_fen for line in lines) != 0 or any(line.amount_fen == 0 for line in lines):
        raise LedgerStateError("unbalanced", f"分录不平衡：{[line.amount_fen for line in lines]}")
    entries = LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                transfer=transfer,
                account_id=line.account_id,
                lot_id=line.lot_id,
                amount_fen=line.amount_fen,
                created_at=transfer.created_at,
            )
            for line in lines
        ]
    )
    lot_deltas: dict[int, int] = defaultdict(int)
    account_deltas: dict[int, int] = defaultdict(int)
    for line in lines:
        account_deltas[line.account_id] += line.amount_fen
        if line.lot_id is not None:
            lot_deltas[line.lot_id] += line.amount_fen
    for lot_id, delta in sorted(lot_deltas.items()):
        if delta:
            move_lot(lot_id, delta)
    for account_id, delta in sorted(account_deltas.items()):
        if delta:
            move_balance(account_id, delta)
    return entries


def move_lot(lot_id: int, delta: int) -> None:
    lots = CreditLot.objects.filter(pk=lot_id)
    if delta < 0:
        lots = lots.filter(remaining_fen__gte=-delta)
    else:
        lots = lots.filter(remaining_fen__lte=F("amount_fen") - delta)
    if lots.update(remaining_fen=F("remaining_fen") + delta) != 1:
        raise LedgerStateError("lot_changed", f"补贴额度 #{lot_id} 已被其他操作修改，请重试")


def move_balance(account_id: int, delta: int) -> None:
    accounts = LedgerAccount.objects.filter(pk=account_id)
    if delta < 0:
        accounts = accounts.filter(Q(allows_negative=True) | Q(balance_fen__gte=-delta))
    if accounts.update(balance_fen=F("balance_fen") + delta) == 1:
        return
    account = LedgerAccount.objects.get(pk=account_id)
    if account.kind == AccountKind.RESIDENT:
        raise InsufficientCredit(
            available_fen=account.balance_fen, needed_fen=-delta, what=f"账户“{account.name}”"
        )
    raise InsufficientBalance(
        account_name=account.name, available_fen=account.balance_fen, needed_fen=-delta
    )


# --- shared by the services ------------------------------------------------------------------


def once(reference: str, expect: dict[str, Any], body: Callable[[], Transfer]) -> Transfer:
    """Run `body` in a transaction; if a concurrent twin won the reference, return its transfer."""
    try:
        with transaction.atomic():
            return body()
    except IntegrityError:
        existing = replay(reference, expect)
        if existing is None:
            raise
        return existing


def audit_transfer(actor: Any, transfer: Transfer, **detail: Any) -> None:
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=transfer,
        region_code=transfer.region_code,
        detail={
            "reference": transfer.reference,
            "cause": transfer.cause,
            "amount_fen": transfer.amount_fen,
            "payer": transfer.payer_id,
            "payee": transfer.payee_id,
            **detail,
        },
    )


def check_credit_kind(kind: Any) -> str:
    if kind not in CreditKind.values:
        raise LedgerInputError("kind", "kind_unknown", f"无法识别的补贴类别：{kind!r}")
    return str(kind)


def check_region(code: Any) -> str:
    try:
        level_of(code)
    except (RegionCodeError, TypeError) as error:
        raise LedgerInputError(
            "region_code", "region_invalid", f"应为12位区划代码：{code!r}"
        ) from error
    return str(code)
