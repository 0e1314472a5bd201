"""Use cases of the pilot funds. Pages, API, the demo and commands all call these; each checks
the actor's permission (MANAGE_FUNDS) and scope, locks what it draws on, writes the entry and the
maintained totals, and audits, in one transaction.

    Source ──allocate──→ Allocation (region, project) ──spend──→ Expenditure (+ vouchers)

No allocation beyond its source's unallocated amount, no expenditure beyond its allocation's
unspent amount (FundsLimitError). Corrections never edit: see corrections.py.
"""

from eldercare.funds.services.common import today_local
from eldercare.funds.services.corrections import (
    Correction,
    correct_allocation,
    correct_expenditure,
    correct_source,
    live,
    voucher_chain,
)
from eldercare.funds.services.entries import allocate, create_project, create_source, spend
from eldercare.funds.services.vouchers import add_voucher, open_voucher

__all__ = [
    "Correction",
    "add_voucher",
    "allocate",
    "correct_allocation",
    "correct_expenditure",
    "correct_source",
    "create_project",
    "create_source",
    "live",
    "open_voucher",
    "spend",
    "today_local",
    "voucher_chain",
]
