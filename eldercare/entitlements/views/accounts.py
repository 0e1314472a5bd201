"""Subsidy accounts with their balances, and one account's monthly statement; both exportable."""

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from eldercare.accounts.access import Action, requires
from eldercare.entitlements import ledger, queries
from eldercare.entitlements.exporting import export_accounts, export_statement, xlsx_response
from eldercare.entitlements.filters import (
    ListFilterError,
    filter_accounts,
    parse_month,
    previous_months,
)
from eldercare.entitlements.models import AccountKind
from eldercare.regions.services import region_names

PAGE_SIZE = 50


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@requires(Action.VIEW_ACCOUNTS)
def account_list(request: HttpRequest) -> HttpResponse:
    try:
        accounts, applied = filter_accounts(queries.visible_accounts(request.user), request.GET)
    except ListFilterError as error:
        messages.error(request, str(error))
        accounts, applied = queries.visible_accounts(request.user).none(), {}
    page = _page_number(request)
    window = list(accounts[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    names = region_names({account.region_code for account in window})
    for account in window:
        account.region_name = names.get(account.region_code, "")  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "entitlements/account_list.html",
        {
            "accounts": window[:PAGE_SIZE],
            "applied": applied,
            "page": page,
            "has_next": len(window) > PAGE_SIZE,
            "query": query.urlencode(),
            "kinds": AccountKind.choices,
        },
    )


@requires(Action.VIEW_ACCOUNTS)
def account_export(request: HttpRequest) -> HttpResponseBase:
    try:
        accounts, applied = filter_accounts(queries.visible_accounts(request.user), request.GET)
    except ListFilterError as error:
        messages.error(request, str(error))
        return redirect("entitlements:accounts")
    return xlsx_response(
        lambda file: export_accounts(
            actor=request.user, queryset=accounts, filters=applied, path_or_buffer=file
        ),
        f"补贴账户-{timezone.localdate():%Y%m%d}.xlsx",
    )


def _month(request: HttpRequest) -> tuple[str, date]:
    raw = request.GET.get("month", "").strip()
    try:
        return "", parse_month(raw) if raw else timezone.localdate().replace(day=1)
    except ListFilterError as error:
        return str(error), timezone.localdate().replace(day=1)


@requires(Action.VIEW_ACCOUNTS)
def statement(request: HttpRequest, pk: int) -> HttpResponse:
    account = queries.get_visible_account_or_404(request.user, pk)
    error, month = _month(request)
    if error:
        messages.error(request, error)
    result = ledger.statement(account, month)
    return render(
        request,
        "entitlements/statement.html",
        {
            "account": account,
            "statement": result,
            "months": previous_months(timezone.localdate(), 12),
            "region_name": region_names([account.region_code]).get(account.region_code, ""),
        },
    )


@requires(Action.VIEW_ACCOUNTS)
def statement_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    account = queries.get_visible_account_or_404(request.user, pk)
    error, month = _month(request)
    if error:
        messages.error(request, error)
        return redirect("entitlements:statement", pk=pk)
    return xlsx_response(
        lambda file: export_statement(
            actor=request.user,
            account=account,
            month=month,
            path_or_buffer=file,
        ),
        f"对账单-{account.pk}-{month:%Y-%m}.xlsx",
    )
