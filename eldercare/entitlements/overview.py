"""One resident's entitlements today, for the resident page and the API: "why is this person (not)
entitled?" — every rule of the governing file with the condition that decided, the benefits,
the individual grants, and (for who may see accounts) the balance and the last movements.

The caller has fetched the resident through accounts.access: what belongs to a resident is
visible to whoever may see the resident.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from eldercare.entitlements import ledger
from eldercare.entitlements.documents import governing_document, policy_of
from eldercare.entitlements.facts import resident_facts
from eldercare.entitlements.models import AccountKind, Entitlement, PolicyDocument, Transfer
from eldercare.entitlements.policy import Evaluation, PolicyError, evaluate
from eldercare.entitlements.policy.evaluation import describe_benefit
from eldercare.entitlements.policy.vocabulary import BENEFIT_KINDS, COMBINE_POLICIES, yuan
from eldercare.entitlements.runs import ledger_item_labels
from eldercare.registry.models import Resident

MOVEMENTS_SHOWN = 10


@dataclass
class ResidentOverview:
    resident: Resident
    on: date
    document: PolicyDocument | None
    evaluation: Evaluation | None
    problem: str  # the governing file cannot be read (it should never happen: checked at upload)
    grants: list[Entitlement]
    balance: ledger.ResidentBalance | None = None  # None: not shown to this user
    movements: list[Transfer] = field(default_factory=list)

    @property
    def month(self) -> date:
        return self.on.replace(day=1)

    def rule_rows(self) -> list[dict[str, Any]]:
        """Every rule of the file: applied or not, the deciding condition and its line."""
        if self.evaluation is None:
            return []
        rows = []
        for outcome in self.evaluation.rules:
            rule = outcome.rule
            rows.append(
                {
                    "key": rule.key,
                    "name": rule.name,
                    "group": rule.group,
                    "benefit": describe_benefit(rule.benefit),
                    "in_effect": outcome.in_effect,
                    "applied": outcome.applied,
                    "reason": outcome.reason,
                    "line": outcome.deciding.line if outcome.deciding is not None else rule.line,
                }
            )
        return rows

    def group_rows(self) -> list[dict[str, Any]]:
        if self.evaluation is None:
            return []
        return [
            {
                "key": group.group.key,
                "name": group.group.name,
                "combine": COMBINE_POLICIES[group.group.combine],
                "reason": group.reason,
                "granted": [describe_benefit(benefit) for benefit in group.granted],
                "conflict": group.conflict,
            }
            for group in self.evaluation.groups
        ]

    def benefit_rows(self) -> list[dict[str, Any]]:
        if self.evaluation is None:
            return []
        return [
            {
                "rule_key": benefit.rule_key,
                "kind": BENEFIT_KINDS[benefit.kind],
                "amount": yuan(benefit.amount_fen),
                "text": describe_benefit(benefit),
            }
            for benefit in self.evaluation.benefits
        ]

    def as_dict(self) -> dict[str, Any]:
        """Plain data for the API."""
        balance = None
        if self.balance is not None:
            balance = {
                "total_fen": self.balance.total_fen,
                "usable_fen": self.balance.usable_fen,
                "by_kind": self.balance.by_kind,
                "open_lots": [
                    {
                        "month": lot.month.isoformat() if lot.month else None,
                        "amount_fen": lot.amount_fen,
                        "remaining_fen": lot.remaining_fen,
                        "items": lot.items,
                        "expires_on": lot.expires_on.isoformat(),
                    }
                    for lot in self.balance.open_lots
                ],
            }
        return {
            "resident": self.resident.pk,
            "on": self.on.isoformat(),
            "document": None
            if self.document is None
            else {
                "id": self.document.pk,
                "region": self.document.region_code,
                "revision": self.document.revision,
                "name": self.document.name,
            },
            "evaluation": None if self.evaluation is None else self.evaluation.as_dict(),
            "problem": self.problem,
            "grants": [grant_data(grant, self.month) for grant in self.grants],
            "balance": balance,
            "movements": None
            if self.balance is None
            else [
                {
                    "id": transfer.pk,
                    "created_at": transfer.created_at.isoformat(),
                    "cause": transfer.cause,
                    "amount_fen": transfer.amount_fen,
                    "incoming": is_incoming(transfer),
                    "reference": transfer.reference,
                    "month": transfer.month.isoformat() if transfer.month else None,
                }
                for transfer in self.movements
            ],
        }


def is_incoming(transfer: Transfer) -> bool:
    """Money that came to the resident (a credit, a refund, an increase) rather than left."""
    return transfer.payee.kind == AccountKind.RESIDENT


def grant_data(grant: Entitlement, month: date) -> dict[str, Any]:
    return {
        "id": grant.pk,
        "kind": grant.kind,
        "amount_fen": grant.amount_fen,
        "items": grant.items,
        "first_month": f"{grant.first_month:%Y-%m}",
        "last_month": f"{grant.last_month:%Y-%m}" if grant.last_month else None,
        "reason": grant.reason,
        "source_reference": grant.source_reference,
        "status": grant.status,
        "in_effect": grant.in_effect(month),
        "granted_by": grant.granted_by_username,
    }


def resident_overview(resident: Resident, *, on: date, with_money: bool) -> ResidentOverview:
    """Today's evaluation under the governing rule file, the grants, and the money if asked."""
    document = governing_document(resident.region_code)
    evaluation = None
    problem = ""
    if document is not None:
        try:
            evaluation = evaluate(policy_of(document), resident_facts(resident, on), on)
        except PolicyError as error:
            problem = str(error)
    grants = list(Entitlement.objects.filter(resident=resident).order_by("-first_month", "-id"))
    overview = ResidentOverview(resident, on, document, evaluation, problem, grants)
    if with_money:
        overview.balance = ledger.balance(resident)
        for lot in overview.balance.open_lots:
            lot.item_labels = ledger_item_labels(lot.items) if lot.items else []  # type: ignore[attr-defined]
        overview.movements = list(
            Transfer.objects.filter(resident=resident)
            .select_related("payee")
            .order_by("-created_at", "-id")[:MOVEMENTS_SHOWN]
        )
    return overview
