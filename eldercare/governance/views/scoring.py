"""Scoring sheets: a sheet with its items, rules and load warnings; the manual scores of a region;
scoring runs, their report with the indicator values behind each point, and its exports."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.access import Action, can, requires
from eldercare.governance import queries
from eldercare.governance.errors import GovernanceError
from eldercare.governance.exporting import run_pdf_response, run_xlsx_response
from eldercare.governance.forms import ManualScoreForm, RunForm
from eldercare.governance.indicators.computed import is_computed
from eldercare.governance.rules.scoring import Rule, RuleKind
from eldercare.governance.services.common import today_local, within
from eldercare.governance.services.scoring import (
    enter_manual_score,
    latest_manual_scores,
    run_scoring,
)
from eldercare.governance.views.common import form_error, region_and_day, region_label


@requires(Action.VIEW_GOVERNANCE)
def sheet_detail(
    request: HttpRequest,
    pk: int,
    score_form: ManualScoreForm | None = None,
    run_form: RunForm | None = None,
) -> HttpResponse:
    sheet = queries.get_sheet_or_404(request.user, pk)
    region, day, region_form = region_and_day(request)
    if not within(region, sheet.region_code):
        region = sheet.region_code if within(sheet.region_code, region) else region
    scores = latest_manual_scores(sheet, region, day) if within(region, sheet.region_code) else {}
    items = list(sheet.items.prefetch_related("sub_items").order_by("position"))
    for item in items:
        item.subs = []  # type: ignore[attr-defined]
        for sub in item.sub_items.all():
            rule = Rule.from_dict(sub.rule)
            item.subs.append(  # type: ignore[attr-defined]
                {
                    "row": sub,
                    "rule": rule.describe(),
                    "is_manual": rule.kind == RuleKind.MANUAL,
                    "score": scores.get(sub.key),
                }
            )
    can_manage = can(request.user, Action.MANAGE_GOVERNANCE)
    return render(
        request,
        "governance/sheet.html",
        {
            "sheet": sheet,
            "items": items,
            "region": region,
            "region_name": region_label(region),
            "day": day,
            "region_form": region_form,
            "runs": queries.visible_runs(request.user).filter(sheet=sheet)[:20],
            "score_form": (
                score_form or ManualScoreForm(initial={"region_code": region, "as_of": day})
            )
            if can_manage
            else None,
            "run_form": (run_form or RunForm(initial={"region_code": region, "as_of": day}))
            if can_manage
            else None,
        },
        status=400 if score_form is not None or run_form is not None else 200,
    )


@require_POST
@requires(Action.MANAGE_GOVERNANCE)
def manual_score(request: HttpRequest, pk: int) -> HttpResponseBase:
    sheet = queries.get_sheet_or_404(request.user, pk)
    form = ManualScoreForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        sub_item = queries.sub_item_of(sheet, data["sub_item"])
        try:
            if sub_item is None:
                raise GovernanceError(
                    "sub_item", "not_found", _("没有第%(key)s项") % {"key": data["sub_item"]}
                )
            enter_manual_score(
                actor=request.user,
                sub_item=sub_item,
                region_code=data["region_code"],
                as_of=data["as_of"],
                points=data["points"],
                evidence=data["evidence"],
            )
        except GovernanceError as error:
            form_error(form, error)
        else:
            messages.success(request, _("第%(key)s项评分已保存") % {"key": data["sub_item"]})
            query = urlencode({"region": data["region_code"], "on": data["as_of"].isoformat()})
            return redirect(f"{reverse('governance:sheet', args=[sheet.pk])}?{query}")
    return sheet_detail(request, pk, score_form=form)


@require_POST
@requires(Action.MANAGE_GOVERNANCE)
def run_create(request: HttpRequest, pk: int) -> HttpResponseBase:
    sheet = queries.get_sheet_or_404(request.user, pk)
    form = RunForm(request.POST)
    if form.is_valid():
        try:
            run = run_scoring(
                actor=request.user,
                sheet=sheet,
                region_code=form.cleaned_data["region_code"],
                as_of=form.cleaned_data["as_of"],
            )
        except GovernanceError as error:
            form_error(form, error)
        else:
            messages.success(request, _("评分完成：%(total)s 分") % {"total": run.total})
            return redirect("governance:run", pk=run.pk)
    return sheet_detail(request, pk, run_form=form)


def _drill_url(indicator: dict[str, Any] | None, region: str) -> str:
    if not indicator or not is_computed(indicator["code"]):
        return ""
    query = urlencode({"region": region, "on": indicator["as_of"]})
    return f"{reverse('governance:indicator', args=[indicator['code']])}?{query}"


@requires(Action.VIEW_GOVERNANCE)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = queries.get_run_or_404(request.user, pk)
    items = run.report.get("items", [])
    for item in items:
        for sub in item["sub_items"]:
            sub["drill_url"] = _drill_url(sub.get("indicator"), run.region_code)
            sub["target_drill_url"] = _drill_url(sub.get("target"), run.region_code)
    return render(
        request,
        "governance/run.html",
        {
            "run": run,
            "sheet": run.sheet,
            "report": run.report,
            "items": items,
            "region_name": region_label(run.region_code),
            "today": today_local(),
        },
    )


@requires(Action.VIEW_GOVERNANCE)
def run_xlsx(request: HttpRequest, pk: int) -> HttpResponseBase:
    run = queries.get_run_or_404(request.user, pk)
    return run_xlsx_response(actor=request.user, run=run)


@requires(Action.VIEW_GOVERNANCE)
def run_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    run = queries.get_run_or_404(request.user, pk)
    return run_pdf_response(actor=request.user, run=run)
