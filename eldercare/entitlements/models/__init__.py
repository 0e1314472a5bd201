"""Models of the entitlements app, one module per part: the ledger, the rule files stored per
region, individual grants, and the monthly run."""

from eldercare.entitlements.models.documents import (
    DocumentOrigin,
    DocumentStatus,
    PolicyDocument,
)
from eldercare.entitlements.models.grants import BenefitKind, Entitlement, EntitlementStatus
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
from eldercare.entitlements.models.runs import (
    ACTIVE_RUN_STATUSES,
    STALE_AFTER,
    EntitlementRun,
    RunStatus,
)

__all__ = [
    "ACTIVE_RUN_STATUSES",
    "CREDIT_CAUSES",
    "STALE_AFTER",
    "SYSTEM_KINDS",
    "AccountKind",
    "BenefitKind",
    "Cause",
    "CreditKind",
    "CreditLot",
    "DocumentOrigin",
    "DocumentStatus",
    "Entitlement",
    "EntitlementRun",
    "EntitlementStatus",
    "FundSource",
    "LedgerAccount",
    "LedgerEntry",
    "PolicyDocument",
    "RunStatus",
    "Transfer",
]
