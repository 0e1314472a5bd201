"""Who gets what this month (the month's credits in the ledger), its Excel export, and the
individual grants of the user's region."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from eldercare.accounts.access import Action, can, requires
from eldercare.core.masking import mask_id_number
from eldercare.entitlements import queries
from eldercare.entitlements.exporting import export_credits, xlsx_response
from eldercare.entitlements.filters import ListFilterError, filter_credits
from eldercare.entitlements.models import CreditKind, EntitlementStatus
from eldercare.entitlements.reports import basis_label, basis_of, rule_names
from eldercare.entitlements.runs import ledger_item_labels
from eldercare.regions.services import region_names

PAGE_SIZE = 50


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@requires(Action.VIEW_ENTITLEMENTS)
def credit_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        credits, applied = filter_credits(
            queries.visible_credits(request.user), request.GET, today=today
        )
    except ListFilterError as error:
        messages.error(request, str(error))
        credits, applied = queries.visible_credits(request.user).none(), {}
    page = _page_number(request)
    window = list(
        credits.select_related("resident", "payee", "created_lot")[
            (page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1
        ]
    )
    names = rule_names()
    regions = region_names({credit.region_code for credit in window})
    rows: list[dict[str, Any]] = []
    for credit in window[:PAGE_SIZE]:
        basis = basis_of(credit.reference)
        lot = credit.created_lot
        rows.append(
            {
                "resident": credit.resident,
                "id_number": mask_id_number(credit.resident.id_number if credit.resident else ""),
                "region_name": regions.get(credit.region_code, credit.region_code),
                "kind": CreditKind(credit.payee.credit_kind).label
                if credit.payee.credit_kind
                else "",
                "basis": basis,
                "basis_label": basis_label(basis, names),
                "amount_fen": credit.amount_fen,
                "items": "、".join(ledger_item_labels(lot.items)) if lot.items else "",
                "expires_on": lot.expires_on,
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "entitlements/credit_list.html",
        {
            "rows": rows,
            "applied": applied,
            "page": page,
            "has_next": len(window) > PAGE_SIZE,
            "query": query.urlencode(),
            "kinds": CreditKind.choices,
            "bases": sorted(names.items()),
        },
    )


@requires(Action.VIEW_ENTITLEMENTS)
def credit_export(request: HttpRequest) -> HttpResponseBase:
    today = timezone.localdate()
    try:
        credits, applied = filter_credits(
            queries.visible_credits(request.user), request.GET, today=today
        )
    except ListFilterError as error:
        messages.error(request, str(error))
        return redirect("entitlements:credits")
    return xlsx_response(
        lambda file: export_credits(
            actor=request.user, queryset=credits, filters=applied, path_or_buffer=file
        ),
        f"补贴发放名单-{applied['month']}.xlsx",
    )


@requires(Action.VIEW_ENTITLEMENTS)
def grant_list(request: HttpRequest) -> HttpResponse:
    grants = queries.visible_grants(request.user).order_by("-created_at", "-id")
    status = request.GET.get("status", "")
    if status in EntitlementStatus.values:
        grants = grants.filter(status=status)
    page = _page_number(request)
    window = list(grants[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    month = timezone.localdate().replace(day=1)
    for grant in window:
        grant.is_in_effect = grant.in_effect(month)  # type: ignore[attr-defined]
    return render(
        request,
        "entitlements/grant_list.html",
        {
            "grants": window[:PAGE_SIZE],
            "page": page,
            "has_next": len(window) > PAGE_SIZE,
            "status": status,
            "statuses": EntitlementStatus.choices,
            "can_see_registry": can(request.user, Action.VIEW_REGISTRY),
        },
    )
