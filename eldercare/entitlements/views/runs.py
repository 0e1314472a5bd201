"""The monthly runs: list, start, a run's report per region, resume a failed one."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.access import Action, can, requires, scope_code
from eldercare.entitlements import queries
from eldercare.entitlements.errors import EntitlementError
from eldercare.entitlements.filters import ListFilterError, filter_runs, parse_month
from eldercare.entitlements.forms import RunForm
from eldercare.entitlements.models import ACTIVE_RUN_STATUSES, RunStatus
from eldercare.entitlements.reports import basis_rows, run_rows
from eldercare.entitlements.runs import resume_monthly_run, start_monthly_run
from eldercare.regions.services import region_names

PAGE_SIZE = 50


@requires(Action.VIEW_ENTITLEMENTS)
def run_list(request: HttpRequest) -> HttpResponse:
    try:
        runs, applied = filter_runs(queries.visible_runs(request.user), request.GET)
    except ListFilterError as error:
        messages.error(request, str(error))
        runs, applied = queries.visible_runs(request.user).none(), {}
    rows = list(runs[:PAGE_SIZE])
    names = region_names({run.region_code for run in rows})
    for run in rows:
        run.region_name = names.get(run.region_code, "")  # type: ignore[attr-defined]
        run.amount_fen = sum(  # type: ignore[attr-defined]
            figures.get("amount_fen", 0)
            for figures in (run.report or {}).get("townships", {}).values()
        )
    today = timezone.localdate()
    form = None
    if can(request.user, Action.RUN_ENTITLEMENTS):
        form = RunForm(
            initial={"region_code": scope_code(request.user) or "", "month": f"{today:%Y-%m}"}
        )
    return render(
        request,
        "entitlements/run_list.html",
        {"runs": rows, "applied": applied, "form": form, "statuses": RunStatus.choices},
    )


@require_POST
@requires(Action.RUN_ENTITLEMENTS)
def run_start(request: HttpRequest) -> HttpResponse:
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写区划代码和补贴月份"))
        return redirect("entitlements:runs")
    try:
        month = parse_month(form.cleaned_data["month"])
        run = start_monthly_run(
            actor=request.user, region_code=form.cleaned_data["region_code"].strip(), month=month
        )
    except (EntitlementError, ListFilterError) as error:
        messages.error(request, str(error))
        return redirect("entitlements:runs")
    messages.success(request, _("已发起，后台发放中"))
    return redirect("entitlements:run", pk=run.pk)


@requires(Action.VIEW_ENTITLEMENTS)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = queries.get_visible_run_or_404(request.user, pk)
    context: dict[str, Any] = {
        "run": run,
        "rows": run_rows(run),
        "bases": basis_rows(run),
        "region_name": region_names([run.region_code]).get(run.region_code, ""),
        "is_going": run.status in ACTIVE_RUN_STATUSES and not run.is_stale,
        "can_resume": can(request.user, Action.RUN_ENTITLEMENTS)
        and (run.status == RunStatus.FAILED or run.is_stale),
    }
    return render(request, "entitlements/run_detail.html", context)


@require_POST
@requires(Action.RUN_ENTITLEMENTS)
def run_resume(request: HttpRequest, pk: int) -> HttpResponse:
    run = queries.get_visible_run_or_404(request.user, pk)
    try:
        resume_monthly_run(actor=request.user, run=run)
    except EntitlementError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已重新排队，从中断处继续发放"))
    return redirect("entitlements:run", pk=pk)
