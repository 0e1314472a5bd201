"""Models of the entitlements app, one module per part (the ledger now; policies and applications
later)."""

from eldercare.entitlements.models.ledger import (
    CREDIT_CAUSES,
    SYSTEM_KINDS,
    AccountKind,
    Cause,
    CreditKind,
    CreditLot,
    FundSource,
    LedgerAccount,
    LedgerEntry,
    Transfer,
)

__all__ = [
    "CREDIT_CAUSES",
    "SYSTEM_KINDS",
    "AccountKind",
    "Cause",
    "CreditKind",
    "CreditLot",
    "FundSource",
    "LedgerAccount",
    "LedgerEntry",
    "Transfer",
]
