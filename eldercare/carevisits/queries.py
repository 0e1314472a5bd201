"""Read-side queries of the pages and the API, always inside the user's scope."""

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from eldercare.accounts.access import ROLE_ACTIONS, Action, scope_code, scoped
from eldercare.carevisits.models import AgreementStatus, CareAgreement
from eldercare.carevisits.services.compliance import AgreementWeek, overdue, visitor_agreements
from eldercare.carevisits.services.policy import key_elderly_q
from eldercare.carevisits.services.statistics import has_agreement_on
from eldercare.governance.indicators.computed import in_region
from eldercare.regions.codes import RegionCodeError, ancestor_codes, is_within, subtree_range
from eldercare.registry.models import Resident


def narrowed_code(user: Any, region: str | None) -> str | None:
    """`region` if it is a valid code inside the user's scope, else the user's own scope."""
    own = scope_code(user)
    if own is None:
        return None
    if region:
        try:
            subtree_range(region)
        except RegionCodeError:
            return own
        if own == "" or is_within(region, own):
            return region
    return own


def key_without_agreement(user: Any, on: date, region: str | None = None) -> QuerySet[Resident]:
    code = narrowed_code(user, region)
    if code is None:
        return Resident.objects.none()
    return (
        scoped(user, Resident.objects.all())
        .filter(in_region("region_code", code))
        .filter(key_elderly_q(code, on))
        .exclude(has_agreement_on(on))
        .order_by("region_code", "name", "pk")
    )


def agreements_for(
    user: Any, region: str | None = None, status: str | None = None
) -> QuerySet[CareAgreement]:
    code = narrowed_code(user, region)
    if code is None:
        return CareAgreement.objects.none()
    rows = scoped(user, CareAgreement.objects.select_related("resident")).filter(
        in_region("resident__region_code", code)
    )
    if status in AgreementStatus.values:
        rows = rows.filter(status=status)
    return rows.order_by("resident__region_code", "resident__name", "-pk")


def my_overdue(user: Any) -> list[AgreementWeek]:
    mine = scoped(user, CareAgreement.objects.filter(visitor_agreements(user))).distinct()
    return overdue(CareAgreement.objects.filter(pk__in=mine.values("pk")))


def region_overdue(user: Any, region: str | None = None) -> list[AgreementWeek]:
    return overdue(agreements_for(user, region))


def eligible_visitor_users(resident: Resident) -> QuerySet[Any]:
    """Active platform users who may log visits and whose region contains the resident's."""
    roles = [role for role, actions in ROLE_ACTIONS.items() if Action.LOG_CARE_VISITS in actions]
    return (
        get_user_model()
        .objects.filter(is_active=True, role__in=roles)
        .filter(region_code__in=ancestor_codes(resident.region_code))
        .order_by("-region_code", "username")
    )
