"""The subsidy ledger's use cases: fund source → resident account → provider settlement.

Every movement is a `Transfer` with entries that sum to zero, idempotent by its `reference`
(the same request again returns the first transfer; the same reference for a different request
is a `ReferenceConflict`). Amounts are integer fen. A resident account never goes negative
(a CHECK constraint, and every debit is a conditional UPDATE under the account's row lock).
See docs/decisions/0007-subsidy-ledger.md.

Money in:   open_fund, load_fund_budget, credit_resident, credit_residents_bulk
Money out:  pay_from_credit, refund_payment, expire_credit
Fixes:      correct (four eyes, with a reason)
Reading:    balance, statement
"""

from eldercare.entitlements.ledger.accounts import (
    load_fund_budget,
    open_fund,
    open_provider_account,
)
from eldercare.entitlements.ledger.batch import (
    BulkCreditResult,
    ExpirySummary,
    credit_residents_bulk,
    expire_credit,
)
from eldercare.entitlements.ledger.corrections import correct
from eldercare.entitlements.ledger.errors import (
    InsufficientBalance,
    InsufficientCredit,
    LedgerError,
    LedgerInputError,
    LedgerStateError,
    ReferenceConflict,
)
from eldercare.entitlements.ledger.posting import SYSTEM, SystemActor, credit_expiry
from eldercare.entitlements.ledger.reports import (
    ResidentBalance,
    Statement,
    StatementLine,
    balance,
    statement,
)
from eldercare.entitlements.ledger.services import credit_resident, pay_from_credit, refund_payment

__all__ = [
    "SYSTEM",
    "BulkCreditResult",
    "ExpirySummary",
    "InsufficientBalance",
    "InsufficientCredit",
    "LedgerError",
    "LedgerInputError",
    "LedgerStateError",
    "ReferenceConflict",
    "ResidentBalance",
    "Statement",
    "StatementLine",
    "SystemActor",
    "balance",
    "correct",
    "credit_expiry",
    "credit_resident",
    "credit_residents_bulk",
    "expire_credit",
    "load_fund_budget",
    "open_fund",
    "open_provider_account",
    "pay_from_credit",
    "refund_payment",
    "statement",
]
