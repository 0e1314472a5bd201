"""What a user may see of the entitlements app, through accounts.access: the pages and the API
find documents, runs, grants, credits and accounts only here.

Rule files: those of the user's own subtree (every revision) and the active files of the regions
above it, which may govern their residents. Runs, grants, credits and accounts: the user's
subtree (a run of a wider region than the user's is not theirs to see).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from eldercare.accounts.access import get_scoped_or_404, scope_code, scoped
from eldercare.entitlements.models import (
    CREDIT_CAUSES,
    DocumentStatus,
    Entitlement,
    EntitlementRun,
    LedgerAccount,
    PolicyDocument,
    Transfer,
)
from eldercare.regions.codes import ancestor_codes


def visible_documents(user: Any) -> QuerySet[PolicyDocument]:
    code = scope_code(user)
    if code is None:
        return PolicyDocument.objects.none()
    own = scoped(user, PolicyDocument.objects.all())
    if code == "":
        return own
    above = [c for c in ancestor_codes(code) if c != code]
    governing = PolicyDocument.objects.filter(status=DocumentStatus.ACTIVE, region_code__in=above)
    return PolicyDocument.objects.filter(Q(pk__in=own.values("pk")) | Q(pk__in=governing))


def get_visible_document_or_404(user: Any, pk: Any) -> PolicyDocument:
    try:
        return visible_documents(user).get(pk=pk)
    except (PolicyDocument.DoesNotExist, ValueError) as error:
        raise Http404("记录不存在") from error


def get_managed_document_or_404(user: Any, pk: Any) -> PolicyDocument:
    """A document of the user's own subtree (the ones they may activate or retire)."""
    return get_scoped_or_404(user, PolicyDocument.objects.all(), pk=pk)


def visible_runs(user: Any) -> QuerySet[EntitlementRun]:
    return scoped(user, EntitlementRun.objects.all())


def get_visible_run_or_404(user: Any, pk: Any) -> EntitlementRun:
    return get_scoped_or_404(user, EntitlementRun.objects.all(), pk=pk)


def visible_grants(user: Any) -> QuerySet[Entitlement]:
    return scoped(user, Entitlement.objects.select_related("resident"))


def visible_credits(user: Any) -> QuerySet[Transfer]:
    """The month credits (monthly and one-off) of residents in the user's subtree."""
    return scoped(user, Transfer.objects.filter(cause__in=CREDIT_CAUSES))


def visible_accounts(user: Any) -> QuerySet[LedgerAccount]:
    return scoped(user, LedgerAccount.objects.all())


def get_visible_account_or_404(user: Any, pk: Any) -> LedgerAccount:
    return get_scoped_or_404(user, LedgerAccount.objects.select_related("resident"), pk=pk)
