"""The section "补贴与服务资格" of the registry's resident page (settings.RESIDENT_PANELS)."""

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from eldercare.accounts.access import Action, can
from eldercare.entitlements.overview import resident_overview
from eldercare.registry.models import Resident


def resident_panel(request: HttpRequest, resident: Resident) -> str:
    """Today's evaluation with the deciding conditions, grants, and (VIEW_ACCOUNTS) the money.

    `resident` was fetched through accounts.access by the registry's view.
    """
    if not can(request.user, Action.VIEW_ENTITLEMENTS):
        return ""
    with_money = can(request.user, Action.VIEW_ACCOUNTS)
    overview = resident_overview(resident, on=timezone.localdate(), with_money=with_money)
    return render_to_string(
        "entitlements/resident_panel.html",
        {"overview": overview, "with_money": with_money},
        request=request,
    )
