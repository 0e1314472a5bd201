"""Use cases that move money one transfer at a time: credit a resident, pay for a service, refund.
Each checks the actor, runs in one transaction, writes its entries and balances through
`posting.post`, writes an audit record, and is idempotent by its `reference`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db.models import Sum

from eldercare.accounts.access import Action
from eldercare.core.money import format_fen
from eldercare.entitlements.ledger.errors import (
    InsufficientCredit,
    LedgerInputError,
    LedgerStateError,
)
from eldercare.entitlements.ledger.posting import (
    Line,
    actor_columns,
    audit_transfer,
    authorize,
    check_account,
    check_amount,
    check_credit_kind,
    check_date,
    check_items,
    check_month,
    check_reason,
    check_reference,
    check_resident,
    lock_account,
    lock_resident_account,
    once,
    post,
    replay,
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
from eldercare.regions.codes import is_within
from eldercare.registry.models import Resident


def credit_resident(
    *,
    actor: Any,
    resident: Resident,
    fund: LedgerAccount,
    amount_fen: int,
    month: date,
    items: Sequence[str] | None,
    expires_on: date,
    reference: str,
    cause: str = Cause.MONTHLY_CREDIT,
    kind: str = CreditKind.SERVICE,
) -> Transfer:
    """Credit `amount_fen` from `fund` to the resident's account as a new lot.

    `items` restricts the lot to item codes and service categories (None: any item); it can be
    spent until `expires_on` inclusive (month end, or later for carry-over: `credit_expiry`).
    """
    resident = check_resident(resident)
    fund = check_account(fund, "fund", AccountKind.FUND)
    amount = check_amount(amount_fen)
    month = check_month(month)
    allowed = check_items(items)
    expires = check_date(expires_on, "expires_on")
    reference = check_reference(reference)
    kind = check_credit_kind(kind)
    if cause not in CREDIT_CAUSES:
        raise LedgerInputError(
            "cause", "cause_not_credit", f"发放的原因只能是月度或一次性补贴：{cause!r}"
        )
    if expires < month:
        raise LedgerInputError(
            "expires_on", "expiry_before_month", f"有效期 {expires} 早于补贴月份 {month:%Y-%m}"
        )
    if not is_within(resident.region_code, fund.region_code):
        raise LedgerInputError(
            "fund", "fund_region", f"“{fund.name}”不覆盖该老人所在区划 {resident.region_code}"
        )
    authorize(actor, Action.RUN_ENTITLEMENTS, fund.region_code)
    authorize(actor, Action.RUN_ENTITLEMENTS, resident.region_code)
    expect = {
        "cause": cause,
        "amount_fen": amount,
        "payer_id": fund.pk,
        "resident_id": resident.pk,
        "month": month,
        "items": allowed,
        "expires_on": expires,
    }

    def body() -> Transfer:
        account = lock_resident_account(resident, kind, create=True)
        assert account is not None
        existing = replay(reference, {**expect, "payee_id": account.pk})
        if existing:
            return existing
        if expires < today():
            raise LedgerInputError("expires_on", "expired", f"有效期 {expires} 已过，不能发放")
        transfer = Transfer.objects.create(
            reference=reference,
            cause=cause,
            amount_fen=amount,
            payer=fund,
            payee=account,
            resident=resident,
            region_code=resident.region_code,
            month=month,
            **actor_columns(actor),
        )
        lot = CreditLot.objects.create(
            account=account,
            source=fund,
            transfer=transfer,
            month=month,
            amount_fen=amount,
            remaining_fen=0,
            items=allowed,
            expires_on=expires,
        )
        post(transfer, [Line(fund.pk, -amount), Line(account.pk, amount, lot.pk)])
        audit_transfer(actor, transfer, items=allowed, expires_on=expires)
        return transfer

    return once(reference, expect, body)


# --- money out -------------------------------------------------------------------------------


def pay_from_credit(
    *,
    actor: Any,
    resident: Resident,
    amount_fen: int,
    item_code: str,
    item_category: str,
    payee_account: LedgerAccount,
    reference: str,
    kind: str = CreditKind.SERVICE,
) -> Transfer:
    """Pay a provider for one service item from the resident's credit that allows it.

    Takes from the usable lots (not expired, allowing the item code or its category),
    soonest-expiring first. Not enough → InsufficientCredit naming available and needed,
    and nothing written.
    """
    resident = check_resident(resident)
    amount = check_amount(amount_fen)
    if not isinstance(item_code, str) or not item_code.strip():
        raise LedgerInputError("item_code", "item_missing", "不能为空")
    if not isinstance(item_category, str):
        raise LedgerInputError("item_category", "category_invalid", f"应为文本：{item_category!r}")
    item_code, item_category = item_code.strip(), item_category.strip()
    payee = check_account(payee_account, "payee_account", AccountKind.PROVIDER)
    reference = check_reference(reference)
    kind = check_credit_kind(kind)
    authorize(actor, Action.MANAGE_FUNDS, resident.region_code)
    expect = {
        "cause": Cause.ORDER_PAYMENT,
        "amount_fen": amount,
        "payee_id": payee.pk,
        "resident_id": resident.pk,
        "item_code": item_code,
    }
    item_label = f"服务项目“{item_code}”" + (f"（{item_category}）" if item_category else "")

    def body() -> Transfer:
        account = lock_resident_account(resident, kind, create=False)
        existing = replay(reference, {**expect, "payer_id": account.pk if account else None})
        if existing:
            return existing
        if account is None:
            raise InsufficientCredit(
                available_fen=0, needed_fen=amount, what=item_label, note="尚未发放过该类补贴"
            )
        on = today()
        lots = list(
            CreditLot.objects.filter(account=account, remaining_fen__gt=0).order_by(
                "expires_on", "id"
            )
        )
        usable = [
            lot for lot in lots if lot.expires_on >= on and lot.allows(item_code, item_category)
        ]
        available = sum(lot.remaining_fen for lot in usable)
        if available < amount:
            total = sum(lot.remaining_fen for lot in lots)
            note = (
                f"账户余额 {format_fen(total)} 元，其中 {format_fen(total - available)} 元"
                "限用于其他服务项目或已过有效期"
                if total > available
                else ""
            )
            raise InsufficientCredit(
                available_fen=available, needed_fen=amount, what=item_label, note=note
            )
        lines = []
        left = amount
        for lot in usable:
            take = min(left, lot.remaining_fen)
            lines.append(Line(account.pk, -take, lot.pk))
            left -= take
            if not left:
                break
        transfer = Transfer.objects.create(
            reference=reference,
            cause=Cause.ORDER_PAYMENT,
            amount_fen=amount,
            payer=account,
            payee=payee,
            resident=resident,
            region_code=resident.region_code,
            item_code=item_code,
            item_category=item_category,
            **actor_columns(actor),
        )
        post(transfer, [*lines, Line(payee.pk, amount)])
        audit_transfer(actor, transfer, item_code=item_code, lots=[line.lot_id for line in lines])
        return transfer

    return once(reference, expect, body)


def refund_payment(
    *,
    actor: Any,
    payment: Transfer,
    amount_fen: int | None = None,
    reference: str,
    reason: str,
) -> Transfer:
    """Give back all (None) or part of a payment, from the provider to the lots it was taken from.

    The lots are restored latest-expiring first, each up to what the payment took from it and
    earlier refunds have not restored. Money of a lot whose validity has passed cannot be spent
    any more: it passes through the resident account to the expiry sink in the same transfer.
    """
    if not isinstance(payment, Transfer) or payment.pk is None:
        raise LedgerInputError(
            "payment", "payment_invalid", f"应为一笔已记录的支付，收到 {payment!r}"
        )
    if payment.cause != Cause.ORDER_PAYMENT:
        raise LedgerStateError(
            "not_a_payment", f"只能对服务订单支付退款，这是一笔{payment.get_cause_display()}"
        )
    amount = None if amount_fen is None else check_amount(amount_fen)
    reference = check_reference(reference)
    reason = check_reason(reason)
    authorize(actor, Action.MANAGE_FUNDS, payment.region_code)
    expect = {
        "cause": Cause.REFUND,
        "amount_fen": amount,
        "refund_of_id": payment.pk,
        "payer_id": payment.payee_id,
        "payee_id": payment.payer_id,
    }

    def body() -> Transfer:
        account = lock_account(payment.payer)
        existing = replay(reference, expect)
        if existing:
            return existing
        refunded = (
            Transfer.objects.filter(refund_of=payment).aggregate(total=Sum("amount_fen"))["total"]
            or 0
        )
        refundable = payment.amount_fen - refunded
        if refundable <= 0:
            raise LedgerStateError("fully_refunded", f"该笔支付（{payment.reference}）已全额退款")
        wanted = refundable if amount is None else amount
        if wanted > refundable:
            raise LedgerInputError(
                "amount_fen",
                "refund_too_large",
                f"退款 {format_fen(wanted)} 元超过可退金额 {format_fen(refundable)} 元",
            )
        open_by_lot: dict[int, int] = defaultdict(int)
        for lot_id, taken in LedgerEntry.objects.filter(
            transfer=payment, account=account, amount_fen__lt=0
        ).values_list("lot_id", "amount_fen"):
            open_by_lot[lot_id] -= taken
        for lot_id, restored in LedgerEntry.objects.filter(
            transfer__refund_of=payment, account=account, amount_fen__gt=0
        ).values_list("lot_id", "amount_fen"):
            open_by_lot[lot_id] -= restored
        lots = sorted(
            CreditLot.objects.filter(pk__in=list(open_by_lot)).select_related("source"),
            key=lambda lot: (lot.expires_on, lot.pk),
            reverse=True,
        )
        on = today()
        lines: list[Line] = []
        left = wanted
        for lot in lots:
            give = min(left, open_by_lot[lot.pk])
            if give <= 0:
                continue
            lines.append(Line(account.pk, give, lot.pk))
            if lot.expires_on < on:
                sink = system_account(AccountKind.EXPIRY, lot.source.region_code)
                lines += [Line(account.pk, -give, lot.pk), Line(sink.pk, give)]
            left -= give
            if not left:
                break
        if left:
            raise LedgerStateError("refund_untraceable", "无法追溯该笔支付所用的补贴额度")
        transfer = Transfer.objects.create(
            reference=reference,
            cause=Cause.REFUND,
            amount_fen=wanted,
            payer_id=payment.payee_id,
            payee=account,
            resident_id=payment.resident_id,
            region_code=payment.region_code,
            item_code=payment.item_code,
            item_category=payment.item_category,
            refund_of=payment,
            reason=reason,
            **actor_columns(actor),
        )
        post(transfer, [Line(payment.payee_id, -wanted), *lines])
        audit_transfer(actor, transfer, refund_of=payment.reference, reason=reason)
        return transfer

    return once(reference, expect, body)
