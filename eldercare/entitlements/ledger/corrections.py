"""Corrections of a wrong balance: four eyes, a reason, and a counterpart account."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.http import Http404

from eldercare.accounts.access import Action, in_scope, require
from eldercare.entitlements.ledger.errors import (
    InsufficientCredit,
    LedgerInputError,
)
from eldercare.entitlements.ledger.posting import (
    Line,
    actor_columns,
    audit_transfer,
    check_account,
    check_amount,
    check_date,
    check_items,
    check_reason,
    check_reference,
    county_of,
    end_of_month,
    lock_account,
    once,
    post,
    replay,
    require_user,
    system_account,
    today,
)
from eldercare.entitlements.models import (
    AccountKind,
    Cause,
    CreditLot,
    LedgerAccount,
    Transfer,
)


def correct(
    *,
    actor: Any,
    approver: Any,
    account: LedgerAccount,
    amount_fen: int,
    reason: str,
    reference: str,
    counter_account: LedgerAccount | None = None,
    expires_on: date | None = None,
    items: Sequence[str] | None = None,
) -> Transfer:
    """Put right a wrong balance: `amount_fen` (signed) on `account`, against `counter_account`
    (default: the county's adjustment account). Four eyes: the approver needs the approval right
    and is not the actor; a reason is required.

    On a resident account an increase is a new lot (any item unless `items`; valid to the end of
    the current month unless `expires_on`); a decrease takes from the lots soonest-expiring first.
    """
    require_user(actor, "actor")
    require_user(approver, "approver")
    account = check_account(account, "account")
    amount = check_amount(amount_fen, signed=True)
    reason = check_reason(reason)
    reference = check_reference(reference)
    allowed = check_items(items)
    expires = None if expires_on is None else check_date(expires_on, "expires_on")
    if expires is not None and expires < today():
        raise LedgerInputError("expires_on", "expired", f"有效期 {expires} 已过")
    is_resident = account.kind == AccountKind.RESIDENT
    if not is_resident and (items is not None or expires_on is not None):
        raise LedgerInputError(
            "expires_on", "not_a_resident_account", "只有老年人账户的调增可设置有效期和限用项目"
        )
    if is_resident and amount < 0 and (items is not None or expires_on is not None):
        raise LedgerInputError("expires_on", "decrease_has_terms", "调减不设有效期和限用项目")
    if counter_account is not None:
        counter_account = check_account(
            counter_account,
            "counter_account",
            AccountKind.FUND,
            AccountKind.PROVIDER,
            AccountKind.ADJUSTMENT,
            AccountKind.EXPIRY,
        )
        if counter_account.pk == account.pk:
            raise LedgerInputError("counter_account", "same_account", "对方账户不能是被调账户本身")
    region_code = account.resident.region_code if account.resident else account.region_code
    require(actor, Action.MANAGE_FUNDS)
    require(approver, Action.APPROVE_LEDGER_CORRECTION)
    if approver.pk == actor.pk:
        raise LedgerInputError(
            "approver", "self_approval", "调账须由经办人以外的人审批，不能自己审批"
        )
    for person in (actor, approver):
        if not in_scope(person, region_code):
            raise Http404("记录不存在")
    expect = {
        "cause": Cause.CORRECTION,
        "amount_fen": abs(amount),
        "payer_id": account.pk if amount < 0 else getattr(counter_account, "pk", None),
        "payee_id": account.pk if amount > 0 else getattr(counter_account, "pk", None),
    }

    def body() -> Transfer:
        if is_resident:
            lock_account(account)
        existing = replay(reference, expect)
        if existing:
            return existing
        counter = counter_account or system_account(AccountKind.ADJUSTMENT, county_of(region_code))
        payer, payee = (counter, account) if amount > 0 else (account, counter)
        transfer = Transfer.objects.create(
            reference=reference,
            cause=Cause.CORRECTION,
            amount_fen=abs(amount),
            payer=payer,
            payee=payee,
            resident=account.resident,
            region_code=region_code,
            reason=reason,
            **actor_columns(actor),
            **actor_columns(approver, "approver"),
        )
        lines = [Line(counter.pk, -amount)]
        if not is_resident:
            lines.append(Line(account.pk, amount))
        elif amount > 0:
            lot = CreditLot.objects.create(
                account=account,
                source=counter,
                transfer=transfer,
                amount_fen=amount,
                remaining_fen=0,
                items=allowed,
                expires_on=expires or end_of_month(today()),
            )
            lines.append(Line(account.pk, amount, lot.pk))
        else:
            left = -amount
            lots = CreditLot.objects.filter(account=account, remaining_fen__gt=0).order_by(
                "expires_on", "id"
            )
            for lot in lots:
                take = min(left, lot.remaining_fen)
                lines.append(Line(account.pk, -take, lot.pk))
                left -= take
                if not left:
                    break
            if left:
                raise InsufficientCredit(
                    available_fen=-amount - left,
                    needed_fen=-amount,
                    what=f"账户“{account.name}”",
                    note="调减不能使账户为负",
                )
        post(transfer, lines)
        audit_transfer(actor, transfer, approver=approver.username, reason=reason)
        return transfer

    return once(reference, expect, body)
