"""The entitlements app's use cases, in one place for the pages, the API, commands and other apps.

Rule files (documents.py): upload_policy_document, activate_policy_document,
    retire_policy_document, load_shipped_policies, preview_document.
Individual grants (grants.py), e.g. on an approved application:
    grant_entitlement(*, actor, resident, kind, amount_fen, items, first_month, last_month,
                      reason, source_reference) -> Entitlement
    end_entitlement(*, actor, entitlement, last_month, reason) -> Entitlement
The monthly run (runs.py): start_monthly_run, resume_monthly_run, execute_run.
Today's evaluation of one resident (panel.py): evaluate_resident.
The ledger's own use cases live in eldercare.entitlements.ledger.
"""

from eldercare.entitlements.documents import (
    activate_policy_document,
    load_shipped_policies,
    preview_document,
    retire_policy_document,
    upload_policy_document,
)
from eldercare.entitlements.grants import end_entitlement, grant_entitlement
from eldercare.entitlements.runs import execute_run, resume_monthly_run, start_monthly_run

__all__ = [
    "activate_policy_document",
    "end_entitlement",
    "execute_run",
    "grant_entitlement",
    "load_shipped_policies",
    "preview_document",
    "resume_monthly_run",
    "retire_policy_document",
    "start_monthly_run",
    "upload_policy_document",
]
