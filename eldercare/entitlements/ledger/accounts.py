"""Opening accounts and loading a fund's budget."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from eldercare.accounts.access import Action
from eldercare.core.audit import record
from eldercare.core.models import AuditAction
from eldercare.entitlements.ledger.errors import (
    LedgerInputError,
)
from eldercare.entitlements.ledger.posting import (
    Line,
    actor_columns,
    audit_transfer,
    authorize,
    check_account,
    check_amount,
    check_reference,
    check_region,
    once,
    post,
    replay,
    system_account,
)
from eldercare.entitlements.models import (
    AccountKind,
    Cause,
    FundSource,
    LedgerAccount,
    Transfer,
)


def open_fund(
    *, actor: Any, region_code: str, source: str, name: str, allows_negative: bool = False
) -> LedgerAccount:
    """A fund source of a region (县级财政 2026, 福彩公益金 …).

    A fund that `allows_negative` pays out first and is settled later (its balance is minus what
    it has paid); otherwise its budget must be loaded (`load_fund_budget`) before it can credit.
    """
    region_code = check_region(region_code)
    if source not in FundSource.values:
        raise LedgerInputError("source", "source_unknown", f"无法识别的资金来源类别：{source!r}")
    if not isinstance(name, str) or not name.strip():
        raise LedgerInputError("name", "name_missing", "不能为空")
    authorize(actor, Action.MANAGE_FUNDS, region_code)
    with transaction.atomic():
        fund, created = LedgerAccount.objects.get_or_create(
            kind=AccountKind.FUND,
            region_code=region_code,
            fund_source=source,
            name=name.strip(),
            defaults={"allows_negative": bool(allows_negative)},
        )
        if not created and fund.allows_negative != bool(allows_negative):
            raise LedgerInputError(
                "name", "fund_exists", f"同名资金来源“{fund.name}”已存在且设置不同"
            )
        if created:
            record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=fund,
                region_code=region_code,
                detail={"source": source, "allows_negative": fund.allows_negative},
            )
    return fund


def open_provider_account(
    *, actor: Any, owner_reference: str, region_code: str, name: str
) -> LedgerAccount:
    """The settlement account of a service provider (by its id or code); orders pay into it."""
    region_code = check_region(region_code)
    if not isinstance(owner_reference, str) or not owner_reference.strip():
        raise LedgerInputError("owner_reference", "owner_missing", "不能为空")
    if not isinstance(name, str) or not name.strip():
        raise LedgerInputError("name", "name_missing", "不能为空")
    authorize(actor, Action.MANAGE_FUNDS, region_code)
    with transaction.atomic():
        account, created = LedgerAccount.objects.get_or_create(
            kind=AccountKind.PROVIDER,
            owner_reference=owner_reference.strip(),
            defaults={"region_code": region_code, "name": name.strip()},
        )
        if created:
            record(actor=actor, action=AuditAction.CREATE, obj=account, region_code=region_code)
    return account


# --- budgets ---------------------------------------------------------------------------------


def load_fund_budget(
    *, actor: Any, fund: LedgerAccount, amount_fen: int, reference: str, reason: str = ""
) -> Transfer:
    """Credit a fund with its budget, from the region's appropriation account (the outside world)."""
    fund = check_account(fund, "fund", AccountKind.FUND)
    amount = check_amount(amount_fen)
    reference = check_reference(reference)
    authorize(actor, Action.MANAGE_FUNDS, fund.region_code)
    expect = {"cause": Cause.BUDGET, "amount_fen": amount, "payee_id": fund.pk}

    def body() -> Transfer:
        existing = replay(reference, expect)
        if existing:
            return existing
        source = system_account(AccountKind.APPROPRIATION, fund.region_code)
        transfer = Transfer.objects.create(
            reference=reference,
            cause=Cause.BUDGET,
            amount_fen=amount,
            payer=source,
            payee=fund,
            region_code=fund.region_code,
            reason=reason.strip() if isinstance(reason, str) else "",
            **actor_columns(actor),
        )
        post(transfer, [Line(source.pk, -amount), Line(fund.pk, amount)])
        audit_transfer(actor, transfer)
        return transfer

    return once(reference, expect, body)
