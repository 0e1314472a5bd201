"""Reading the ledger: a resident's balance and an account's monthly statement.

These take objects, not an actor: pages and API fetch the resident or account through
`accounts.access` (`get_scoped_or_404`) first, which is where scope is decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from eldercare.entitlements.ledger.posting import add_months, check_month, today
from eldercare.entitlements.models import (
    AccountKind,
    CreditLot,
    LedgerAccount,
    LedgerEntry,
)
from eldercare.registry.models import Resident


@dataclass(frozen=True)
class ResidentBalance:
    total_fen: int  # what the accounts hold, expired-but-not-yet-swept credit included
    usable_fen: int  # what can still be spent today (lots not past their validity)
    by_kind: dict[str, int]
    open_lots: list[CreditLot]  # lots with money left, soonest-expiring first


def balance(resident: Resident) -> ResidentBalance:
    accounts = LedgerAccount.objects.filter(kind=AccountKind.RESIDENT, resident=resident)
    by_kind = dict(accounts.values_list("credit_kind", "balance_fen"))
    lots = list(
        CreditLot.objects.filter(account__in=accounts, remaining_fen__gt=0).order_by(
            "expires_on", "id"
        )
    )
    on = today()
    return ResidentBalance(
        total_fen=sum(by_kind.values()),
        usable_fen=sum(lot.remaining_fen for lot in lots if lot.expires_on >= on),
        by_kind=by_kind,
        open_lots=lots,
    )


@dataclass(frozen=True)
class StatementLine:
    created_at: datetime
    transfer_id: int
    reference: str
    cause: str
    cause_label: str
    amount_fen: int
    balance_fen: int  # running balance after this line
    item_code: str
    reason: str


@dataclass(frozen=True)
class Statement:
    account: LedgerAccount
    month: date
    opening_fen: int
    lines: list[StatementLine]
    closing_fen: int

    @property
    def in_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines if line.amount_fen > 0)

    @property
    def out_fen(self) -> int:
        return -sum(line.amount_fen for line in self.lines if line.amount_fen < 0)


def _month_start(month: date) -> datetime:
    return timezone.make_aware(datetime.combine(month, time.min))


def statement(account: LedgerAccount, month: date) -> Statement:
    """Opening balance, every entry of the month (local time) with its cause, closing balance."""
    month = check_month(month)
    start, end = _month_start(month), _month_start(add_months(month, 1))
    entries = LedgerEntry.objects.filter(account=account)
    opening = entries.filter(created_at__lt=start).aggregate(total=Sum("amount_fen"))["total"] or 0
    running = opening
    lines = []
    rows: Any = (
        entries.filter(created_at__gte=start, created_at__lt=end)
        .select_related("transfer")
        .order_by("created_at", "id")
    )
    for entry in rows:
        running += entry.amount_fen
        transfer = entry.transfer
        lines.append(
            StatementLine(
                created_at=entry.created_at,
                transfer_id=transfer.pk,
                reference=transfer.reference,
                cause=transfer.cause,
                cause_label=str(transfer.get_cause_display()),
                amount_fen=entry.amount_fen,
                balance_fen=running,
                item_code=transfer.item_code,
                reason=transfer.reason,
            )
        )
    return Statement(
        account=account, month=month, opening_fen=opening, lines=lines, closing_fen=running
    )
