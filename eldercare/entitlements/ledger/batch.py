"""Batch movements: the expiry run and the bulk monthly credit.

Both work in batches of one transaction each, so a crash loses at most the batch in progress and
a rerun continues where the last committed batch ended (references already recorded are skipped).
Per batch: lock the resident accounts in id order, bulk-insert transfers, lots and entries, then
one UPDATE moves all the batch's resident balances and one conditional UPDATE the fund's (or each
sink's). One audit record per batch names the transfers it wrote.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from eldercare.accounts.access import Action, require, scope_code
from eldercare.core.audit import record
from eldercare.core.db import insert_rows
from eldercare.core.models import AuditAction
from eldercare.entitlements.ledger.errors import (
    LedgerInputError,
    LedgerStateError,
    ReferenceConflict,
)
from eldercare.entitlements.ledger.posting import (
    REFERENCE_MAX_LENGTH,
    SYSTEM,
    SystemActor,
    actor_columns,
    authorize,
    check_account,
    check_amount,
    check_date,
    check_items,
    check_month,
    check_reference,
    lock_accounts_in_order,
    move_balance,
    system_account,
    today,
)
from eldercare.entitlements.models import (
    CREDIT_CAUSES,
    AccountKind,
    Cause,
    CreditKind,
    CreditLot,
    LedgerAccount,
    LedgerEntry,
    Transfer,
)
from eldercare.regions.codes import is_within, subtree_range
from eldercare.registry.models import Resident

DEFAULT_BATCH_SIZE = 1_000


def add_to_balances(deltas: dict[int, int]) -> None:
    """One UPDATE for many accounts: balance += delta per account.

    Raw SQL because Django's Case(When…) costs ~0.3 ms of Python per account to build; the CASE is
    the same on SQLite and PostgreSQL. The CHECK constraint still refuses a negative resident
    balance, so a wrong delta aborts the batch rather than corrupting it.
    """
    if not deltas:
        return
    table = connection.ops.quote_name(LedgerAccount._meta.db_table)
    pairs = sorted(deltas.items())
    whens = " ".join(["WHEN %s THEN %s"] * len(pairs))
    marks = ", ".join(["%s"] * len(pairs))
    params: list[int] = [value for pair in pairs for value in pair]
    params += [pk for pk, _ in pairs]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET balance_fen = balance_fen + CASE id {whens} ELSE 0 END "
            f"WHERE id IN ({marks})",
            params,
        )
        if cursor.rowcount != len(pairs):
            raise LedgerStateError("account_missing", "批量更新余额时有账户不存在")


def chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


# --- expiry ----------------------------------------------------------------------------------


@dataclass
class ExpirySummary:
    on: date
    lots: int = 0
    amount_fen: int = 0
    by_region: dict[str, int] = field(default_factory=dict)


def expire_credit(
    *, on: date, actor: Any = SYSTEM, batch_size: int = DEFAULT_BATCH_SIZE
) -> ExpirySummary:
    """Move the remainder of every lot that expired before `on` to its fund region's expiry sink.

    One transfer per lot (reference "expiry:lot:<id>"). Idempotent: a swept lot is empty and can
    never be refilled (a refund of expired credit goes to the sink itself), so a rerun finds
    nothing. `on` may not be in the future: credit still usable today is never swept.
    """
    on = check_date(on, "on")
    if on > today():
        raise LedgerInputError("on", "future", f"不能提前核销：{on} 晚于今天")
    code = ""
    if not isinstance(actor, SystemActor):
        code = _user_scope(actor)
    summary = ExpirySummary(on=on)
    by_region: dict[str, int] = defaultdict(int)
    candidates = CreditLot.objects.filter(expires_on__lt=on, remaining_fen__gt=0)
    if code:
        low, high = subtree_range(code)
        candidates = candidates.filter(
            account__region_code__gte=low, account__region_code__lte=high
        )
    while True:
        with transaction.atomic():
            ids = list(candidates.order_by("pk").values_list("pk", "account_id")[:batch_size])
            if not ids:
                break
            lock_accounts_in_order(account_id for _, account_id in ids)
            lots = list(
                CreditLot.objects.filter(pk__in=[pk for pk, _ in ids], remaining_fen__gt=0)
                .select_related("source", "account__resident")
                .order_by("pk")
            )
            written = _sweep(actor, lots)
        summary.lots += len(written)
        for region_code, amount in written:
            summary.amount_fen += amount
            by_region[region_code] += amount
    summary.by_region = dict(by_region)
    return summary


def _user_scope(actor: Any) -> str:
    require(actor, Action.RUN_ENTITLEMENTS)
    code = scope_code(actor)
    if code is None:
        raise PermissionDenied("当前用户未绑定区划，不能核销")
    return code


def _sweep(actor: Any, lots: Sequence[CreditLot]) -> list[tuple[str, int]]:
    if not lots:
        return []
    references = {lot.pk: f"expiry:lot:{lot.pk}" for lot in lots}
    if Transfer.objects.filter(reference__in=references.values()).exists():
        raise LedgerStateError("swept_twice", "补贴额度已核销过却仍有余额，账目异常，请检查")
    sinks = {
        region: system_account(AccountKind.EXPIRY, region)
        for region in sorted({lot.source.region_code for lot in lots})
    }
    columns = actor_columns(actor)
    transfers = Transfer.objects.bulk_create(
        [
            Transfer(
                reference=references[lot.pk],
                cause=Cause.EXPIRY,
                amount_fen=lot.remaining_fen,
                payer_id=lot.account_id,
                payee=sinks[lot.source.region_code],
                resident_id=lot.account.resident_id,
                region_code=_resident_region(lot),
                month=lot.month,
                reason=f"有效期至 {lot.expires_on}",
                **columns,
            )
            for lot in lots
        ]
    )
    entries = []
    account_deltas: dict[int, int] = defaultdict(int)
    sink_deltas: dict[int, int] = defaultdict(int)
    for lot, transfer in zip(lots, transfers, strict=True):
        sink = sinks[lot.source.region_code]
        entries += [
            LedgerEntry(
                transfer=transfer,
                account_id=lot.account_id,
                lot=lot,
                amount_fen=-lot.remaining_fen,
                created_at=transfer.created_at,
            ),
            LedgerEntry(
                transfer=transfer,
                account=sink,
                amount_fen=lot.remaining_fen,
                created_at=transfer.created_at,
            ),
        ]
        account_deltas[lot.account_id] -= lot.remaining_fen
        sink_deltas[sink.pk] += lot.remaining_fen
    LedgerEntry.objects.bulk_create(entries)
    # Under the accounts' locks these remainders are exactly what was read.
    swept = CreditLot.objects.filter(pk__in=[lot.pk for lot in lots], remaining_fen__gt=0).update(
        remaining_fen=0
    )
    if swept != len(lots):
        raise LedgerStateError("lot_changed", "核销期间补贴额度被修改，请重试")
    add_to_balances({**account_deltas, **sink_deltas})
    by_sink: dict[str, list[tuple[CreditLot, Transfer]]] = defaultdict(list)
    for lot, transfer in zip(lots, transfers, strict=True):
        by_sink[lot.source.region_code].append((lot, transfer))
    for region_code, swept_lots in by_sink.items():
        record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="entitlements.transfer",
            object_id=str(swept_lots[0][1].pk),
            object_repr=f"过期核销 {len(swept_lots)} 笔",
            region_code=region_code,
            detail={
                "cause": Cause.EXPIRY,
                "transfers": [transfer.pk for _, transfer in swept_lots],
                "amount_fen": sum(lot.remaining_fen for lot, _ in swept_lots),
            },
        )
    return [(_resident_region(lot), lot.remaining_fen) for lot in lots]


def _resident_region(lot: CreditLot) -> str:
    resident = lot.account.resident
    return resident.region_code if resident else lot.account.region_code


# --- bulk credit -----------------------------------------------------------------------------

# (resident_id, amount_fen, items, expires_on) or the same with a fifth element, the key.
CreditRow = tuple[Any, ...]
# Checked: (resident_id, amount_fen, items, expires_on, key).
_Row = tuple[int, int, list[str] | None, date, str]
KEY = re.compile(r"[a-z0-9][a-z0-9_.:-]*")


@dataclass
class BulkCreditResult:
    credited: int = 0
    skipped: int = 0
    amount_fen: int = 0
    batches: int = 0


def bulk_reference(prefix: str, resident_id: int, key: str = "") -> str:
    """The reference of one bulk credit: "<prefix>:resident:<id>[:<key>]"."""
    reference = f"{prefix}:resident:{resident_id}"
    return f"{reference}:{key}" if key else reference


def credit_residents_bulk(
    *,
    actor: Any,
    fund: LedgerAccount,
    month: date,
    credits: Iterable[CreditRow],
    reference_prefix: str,
    kind: str = CreditKind.SERVICE,
    cause: str = Cause.MONTHLY_CREDIT,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Callable[[BulkCreditResult], None] | None = None,
) -> BulkCreditResult:
    """Credit many residents from one fund: rows of (resident_id, amount_fen, items, expires_on),
    optionally with a fifth element, a key naming the credit's basis (a rule key, "grant:12").

    The reference of each credit is "<reference_prefix>:resident:<id>", or
    "<reference_prefix>:resident:<id>:<key>" for a row with a key (so a resident may get several
    credits in one call, one per key); the prefix must name the month (and the kind, without
    keys), e.g. "credit:2026-11:service". A credit whose reference is already recorded with the
    same amount is skipped (rerun after a crash); with another amount it is a ReferenceConflict.
    Rows are checked batch by batch: a bad row stops the run at its batch, batches before it stay
    committed and a rerun skips them.
    """
    fund = check_account(fund, "fund", AccountKind.FUND)
    month = check_month(month)
    prefix = check_reference(reference_prefix, "reference_prefix")
    if cause not in CREDIT_CAUSES:
        raise LedgerInputError(
            "cause", "cause_not_credit", f"发放的原因只能是月度或一次性补贴：{cause!r}"
        )
    if kind not in CreditKind.values:
        raise LedgerInputError("kind", "kind_unknown", f"无法识别的补贴类别：{kind!r}")
    authorize(actor, Action.RUN_ENTITLEMENTS, fund.region_code)
    result = BulkCreditResult()
    seen: set[tuple[int, str]] = set()
    on = today()
    for number, rows in enumerate(chunks(credits, batch_size)):
        checked = [
            _check_row(row, month, on, number * batch_size + index)
            for index, row in enumerate(rows)
        ]
        keys = [(row[0], row[4]) for row in checked]
        duplicates = seen.intersection(keys)
        if duplicates or len(set(keys)) != len(keys):
            raise LedgerInputError(
                "credits",
                "duplicate_resident",
                f"同一老人在清单中出现多次：{sorted(pk for pk, _ in duplicates)[:5]}",
            )
        seen.update(keys)
        with transaction.atomic():
            credited, amount = _credit_batch(actor, fund, month, kind, cause, prefix, checked)
        result.credited += credited
        result.skipped += len(checked) - credited
        result.amount_fen += amount
        result.batches += 1
        if progress:
            progress(result)
    return result


def _check_row(row: Any, month: date, on: date, index: int) -> _Row:
    try:
        resident_id, amount_fen, items, expires_on, *rest = row
    except (TypeError, ValueError) as error:
        raise LedgerInputError(
            "credits", "row_shape", f"第 {index + 1} 行应为（老人编号, 金额分, 限用项目, 有效期）"
        ) from error
    where = f"第 {index + 1} 行（老人 {resident_id}）"
    if len(rest) > 1:
        raise LedgerInputError(
            "credits", "row_shape", f"{where}：应为（老人编号, 金额分, 限用项目, 有效期[, 依据]）"
        )
    key = rest[0] if rest else ""
    if not isinstance(key, str) or (key and not KEY.fullmatch(key)):
        raise LedgerInputError(
            "credits", "key_invalid", f"{where}：依据 {key!r} 只能包含小写字母、数字和 _ . : -"
        )
    if isinstance(resident_id, bool) or not isinstance(resident_id, int):
        raise LedgerInputError("credits", "resident_invalid", f"{where}：老人编号应为整数")
    try:
        amount = check_amount(amount_fen)
        allowed = check_items(items)
        expires = check_date(expires_on, "expires_on")
    except LedgerInputError as error:
        raise LedgerInputError("credits", error.code, f"{where}：{error.message}") from error
    if expires < month or expires < on:
        raise LedgerInputError(
            "credits", "expiry_invalid", f"{where}：有效期 {expires} 早于补贴月份或已过"
        )
    return resident_id, amount, allowed, expires, key


def _credit_batch(
    actor: Any,
    fund: LedgerAccount,
    month: date,
    kind: str,
    cause: str,
    prefix: str,
    rows: Sequence[_Row],
) -> tuple[int, int]:
    references = [bulk_reference(prefix, row[0], row[4]) for row in rows]
    if any(len(reference) > REFERENCE_MAX_LENGTH for reference in references):
        raise LedgerInputError(
            "credits", "reference_too_long", f"业务编号最长 {REFERENCE_MAX_LENGTH} 个字符"
        )
    recorded = dict(
        Transfer.objects.filter(reference__in=references)
        .order_by()
        .values_list("reference", "amount_fen")
    )
    conflicts = [
        reference
        for reference, row in zip(references, rows, strict=True)
        if reference in recorded and recorded[reference] != row[1]
    ]
    if conflicts:
        raise ReferenceConflict(conflicts[0], ["金额"])
    todo = [
        (reference, row)
        for reference, row in zip(references, rows, strict=True)
        if reference not in recorded
    ]
    if not todo:
        return 0, 0
    ids = list(dict.fromkeys(row[0] for _, row in todo))
    regions = dict(Resident.objects.filter(pk__in=ids).values_list("pk", "region_code"))
    missing = [pk for pk in ids if pk not in regions]
    if missing:
        raise LedgerInputError("credits", "resident_unknown", f"老人不存在：{missing[:5]}")
    outside = [pk for pk in ids if not is_within(regions[pk], fund.region_code)]
    if outside:
        raise LedgerInputError(
            "credits", "fund_region", f"“{fund.name}”不覆盖这些老人所在区划：{outside[:5]}"
        )
    accounts = _resident_accounts(kind, ids, regions)
    lock_accounts_in_order(accounts.values())
    total = sum(row[1] for _, row in todo)
    move_balance(fund.pk, -total)
    # Transfers and lots are written with one executemany (COPY on PostgreSQL) each and their ids
    # read back by their unique keys: bulk_create's per-object SQL building was two thirds of
    # the run's time. The entries, which have fewer columns, stay with bulk_create.
    now = timezone.now()
    columns = actor_columns(actor)
    actor_id = columns["actor"].pk if columns["actor"] is not None else None
    insert_rows(
        Transfer,
        [
            {
                "reference": reference,
                "cause": cause,
                "amount_fen": amount,
                "payer_id": fund.pk,
                "payee_id": accounts[resident_id],
                "resident_id": resident_id,
                "region_code": regions[resident_id],
                "month": month,
                "actor_id": actor_id,
                "actor_username": columns["actor_username"],
                "created_at": now,
            }
            for reference, (resident_id, amount, _, _, _) in todo
        ],
    )
    transfer_ids = dict(
        Transfer.objects.filter(reference__in=[reference for reference, _ in todo])
        .order_by()
        .values_list("reference", "pk")
    )
    insert_rows(
        CreditLot,
        [
            {
                "account_id": accounts[resident_id],
                "source_id": fund.pk,
                "transfer_id": transfer_ids[reference],
                "month": month,
                "amount_fen": amount,
                "remaining_fen": amount,
                "items": items,
                "expires_on": expires_on,
                "created_at": now,
            }
            for reference, (resident_id, amount, items, expires_on, _) in todo
        ],
    )
    lot_ids = dict(
        CreditLot.objects.filter(transfer_id__in=transfer_ids.values())
        .order_by()
        .values_list("transfer_id", "pk")
    )
    entries = []
    balances: dict[int, int] = defaultdict(int)
    for reference, (resident_id, amount, _, _, _) in todo:
        transfer_id = transfer_ids[reference]
        entries += [
            LedgerEntry(
                transfer_id=transfer_id, account_id=fund.pk, amount_fen=-amount, created_at=now
            ),
            LedgerEntry(
                transfer_id=transfer_id,
                account_id=accounts[resident_id],
                lot_id=lot_ids[transfer_id],
                amount_fen=amount,
                created_at=now,
            ),
        ]
        balances[accounts[resident_id]] += amount
    LedgerEntry.objects.bulk_create(entries)
    add_to_balances(balances)
    record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="entitlements.transfer",
        object_id=str(transfer_ids[todo[0][0]]),
        object_repr=f"批量发放 {len(todo)} 笔",
        region_code=fund.region_code,
        detail={
            "cause": cause,
            "fund": fund.pk,
            "month": month,
            "reference_prefix": prefix,
            "transfers": [transfer_ids[reference] for reference, _ in todo],
            "amount_fen": total,
        },
    )
    return len(todo), total


def _resident_accounts(kind: str, ids: Sequence[int], regions: dict[int, str]) -> dict[int, int]:
    """resident id → account id, opening the missing accounts."""
    # By resident only, the kind checked here: given `kind = 'resident'` too, SQLite picked the
    # (kind, region_code) index and read every resident account of the country on each batch.
    accounts = (
        LedgerAccount.objects.filter(resident_id__in=ids)
        .order_by()
        .values_list("resident_id", "pk", "region_code", "kind", "credit_kind")
    )
    found: dict[int, int] = {}
    moved: dict[str, list[int]] = defaultdict(list)
    for resident_id, pk, region_code, account_kind, credit_kind in accounts:
        if account_kind != AccountKind.RESIDENT or credit_kind != kind:
            continue
        found[resident_id] = pk
        if region_code != regions[resident_id]:
            moved[regions[resident_id]].append(pk)
    for region_code, account_ids in moved.items():
        # The account follows the resident (as in the single path): rare, one UPDATE per region.
        LedgerAccount.objects.filter(pk__in=account_ids).update(region_code=region_code)
    missing = [pk for pk in ids if pk not in found]
    if missing:
        names = dict(Resident.objects.filter(pk__in=missing).values_list("pk", "name"))
        label = CreditKind(kind).label
        LedgerAccount.objects.bulk_create(
            [
                LedgerAccount(
                    kind=AccountKind.RESIDENT,
                    resident_id=pk,
                    credit_kind=kind,
                    name=f"{names[pk]}·{label}",
                    region_code=regions[pk],
                )
                for pk in missing
            ],
            ignore_conflicts=True,
        )
        found = {
            resident_id: pk
            for resident_id, pk, _, account_kind, credit_kind in accounts.all()  # read again
            if account_kind == AccountKind.RESIDENT and credit_kind == kind
        }
    return found
