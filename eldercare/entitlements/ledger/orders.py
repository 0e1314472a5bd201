"""Paying a completed service order from the resident's credit, as the platform itself.

An order is paid when the caregiver checks out, not by a funds manager: the order service calls
this as the system (`SYSTEM`), having checked the caregiver's own permission. The credit pays as
much of the price as the resident's usable lots for the item cover; the rest is self-pay. The
same `reference` again returns the first transfer (or None if nothing was paid), so a retried
completion is never charged twice. See docs/decisions/0011-orders-and-dispatch.md.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from eldercare.entitlements.ledger.errors import LedgerStateError
from eldercare.entitlements.ledger.posting import (
    SYSTEM,
    check_reference,
    check_resident,
    lock_resident_account,
    today,
)
from eldercare.entitlements.ledger.services import pay_from_credit
from eldercare.entitlements.models import (
    Cause,
    CreditKind,
    CreditLot,
    LedgerAccount,
    Transfer,
)
from eldercare.registry.models import Resident


def usable_credit_fen(account: LedgerAccount, item_code: str, item_category: str, on: date) -> int:
    """What the account's lots that allow the item and are still valid on `on` hold."""
    lots = CreditLot.objects.filter(account=account, remaining_fen__gt=0, expires_on__gte=on)
    return sum(lot.remaining_fen for lot in lots if lot.allows(item_code, item_category))


def pay_order_from_credit(
    *,
    resident: Resident,
    price_fen: int,
    item_code: str,
    item_category: str,
    payee_account: LedgerAccount,
    reference: str,
) -> Transfer | None:
    """Pay min(price, usable credit) to the provider; None when the credit covers nothing."""
    resident = check_resident(resident)
    reference = check_reference(reference)
    with transaction.atomic():
        existing = Transfer.objects.filter(reference=reference).first()
        if existing is not None:
            if existing.cause != Cause.ORDER_PAYMENT or existing.resident_id != resident.pk:
                raise LedgerStateError(
                    "reference_conflict", f"编号“{reference}”已用于另一笔记账，不能用于该订单"
                )
            return existing
        account = lock_resident_account(resident, CreditKind.SERVICE, create=False)
        if account is None:
            return None
        amount = min(price_fen, usable_credit_fen(account, item_code, item_category, today()))
        if amount <= 0:
            return None
        return pay_from_credit(
            actor=SYSTEM,
            resident=resident,
            amount_fen=amount,
            item_code=item_code,
            item_category=item_category,
            payee_account=payee_account,
            reference=reference,
        )
