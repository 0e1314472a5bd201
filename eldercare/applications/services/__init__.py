"""Use cases of online applications and their review. Pages, API and commands all call these; each
checks the actor's permission and scope, locks the application, checks its state (an illegal
transition is an ApplicationStateError), writes, records the timeline and the audit, in one
transaction.

Life of an application:

    submit ─→ SUBMITTED (step 1) ─approve→ UNDER_REVIEW (step 2 … n) ─approve at n→ APPROVED
                 │  ╲                         │   ╲
                 │   return → RETURNED ←──────┘    reject → REJECTED   (reason required)
                 │              │ resubmit (corrected) → SUBMITTED (step 1, next round)
                 └─ withdraw (any time before a decision, also when returned) → WITHDRAWN

Each step is decided by a reviewer with REVIEW_APPLICATIONS bound to exactly the region the step
belongs to (the resident's village, township, county or city at that level): someone in scope
at another level is refused (403); someone out of scope never sees the application (404).
"""

from eldercare.applications.services.applying import (
    add_attachment,
    open_attachment,
    resubmit_application,
    submit_application,
    withdraw_application,
)
from eldercare.applications.services.chains import chain_for, remove_review_chain, set_review_chain
from eldercare.applications.services.common import today_local
from eldercare.applications.services.granting import grant_pending_entitlements
from eldercare.applications.services.reviewing import (
    approve_step,
    is_reviewer_for,
    reject_application,
    return_application,
)
from eldercare.applications.services.validation import (
    APPLICATION_FIELDS,
    application_values,
    clean_application,
)

__all__ = [
    "APPLICATION_FIELDS",
    "add_attachment",
    "application_values",
    "approve_step",
    "chain_for",
    "clean_application",
    "grant_pending_entitlements",
    "is_reviewer_for",
    "open_attachment",
    "reject_application",
    "remove_review_chain",
    "resubmit_application",
    "return_application",
    "set_review_chain",
    "submit_application",
    "today_local",
    "withdraw_application",
]
