"""Supervision rounds (督查): the list with the schedule check, a new round, a round's findings,
adding a finding and recording its rectification."""

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.access import Action, can, requires, scope_code
from eldercare.governance import queries
from eldercare.governance.errors import GovernanceError
from eldercare.governance.forms import FindingForm, RectifyForm, SupervisionForm
from eldercare.governance.services.common import today_local
from eldercare.governance.services.tasks import add_finding, record_supervision, rectify_finding
from eldercare.governance.views.common import form_error, region_label


def _supervision_form(request: HttpRequest, data: Any = None) -> SupervisionForm:
    return SupervisionForm(
        data,
        task_lists=queries.visible_task_lists(request.user),
        initial={"region_code": scope_code(request.user) or "", "held_on": today_local()},
    )


@requires(Action.VIEW_GOVERNANCE)
def supervision(request: HttpRequest, form: SupervisionForm | None = None) -> HttpResponse:
    today = today_local()
    rounds = list(queries.visible_rounds(request.user).prefetch_related("findings")[:200])
    for round_ in rounds:
        round_.region_name = region_label(round_.region_code)  # type: ignore[attr-defined]
        round_.open_findings = [  # type: ignore[attr-defined]
            f for f in round_.findings.all() if f.rectified_on is None
        ]
    return render(
        request,
        "governance/supervision.html",
        {
            "rounds": rounds,
            "schedule": queries.supervision_schedule(request.user, today),
            "overdue_findings": queries.overdue_findings(request.user, today),
            "form": (form or _supervision_form(request))
            if can(request.user, Action.MANAGE_GOVERNANCE)
            else None,
            "today": today,
        },
        status=400 if form is not None else 200,
    )


@require_POST
@requires(Action.MANAGE_GOVERNANCE)
def supervision_create(request: HttpRequest) -> HttpResponseBase:
    form = _supervision_form(request, request.POST)
    if not form.is_valid():
        return supervision(request, form=form)
    data = form.cleaned_data
    findings: list[tuple[str, date | None]] = (
        [(data["finding"], data["rectification_due_on"])] if data["finding"].strip() else []
    )
    try:
        round_ = record_supervision(
            actor=request.user,
            region_code=data["region_code"],
            level=data["level"],
            held_on=data["held_on"],
            title=data["title"],
            summary=data["summary"],
            task_list=data["task_list"],
            findings=findings,
        )
    except GovernanceError as error:
        form_error(form, error)
        return supervision(request, form=form)
    messages.success(request, _("督查已记录"))
    return redirect("governance:round", pk=round_.pk)


@requires(Action.VIEW_GOVERNANCE)
def round_detail(
    request: HttpRequest, pk: int, form: FindingForm | None = None, status: int = 200
) -> HttpResponse:
    round_ = queries.get_round_or_404(request.user, pk)
    can_manage = can(request.user, Action.MANAGE_GOVERNANCE)
    return render(
        request,
        "governance/round.html",
        {
            "round": round_,
            "region_name": region_label(round_.region_code),
            "findings": round_.findings.select_related("task").order_by("id"),
            "form": (form or FindingForm()) if can_manage else None,
            "rectify_form": RectifyForm(initial={"rectified_on": today_local()})
            if can_manage
            else None,
            "today": today_local(),
        },
        status=status,
    )


@require_POST
@requires(Action.MANAGE_GOVERNANCE)
def finding_add(request: HttpRequest, pk: int) -> HttpResponseBase:
    round_ = queries.get_round_or_404(request.user, pk)
    form = FindingForm(request.POST)
    if form.is_valid():
        try:
            add_finding(
                actor=request.user,
                round_=round_,
                text=form.cleaned_data["text"],
                rectification_due_on=form.cleaned_data["rectification_due_on"],
            )
        except GovernanceError as error:
            form_error(form, error)
        else:
            messages.success(request, _("问题已记录"))
            return redirect("governance:round", pk=round_.pk)
    return round_detail(request, pk, form=form, status=400)


@require_POST
@requires(Action.MANAGE_GOVERNANCE)
def finding_rectify(request: HttpRequest, pk: int) -> HttpResponseBase:
    finding = queries.get_finding_or_404(request.user, pk)
    form = RectifyForm(request.POST)
    if form.is_valid():
        try:
            rectify_finding(
                actor=request.user,
                finding=finding,
                rectified_on=form.cleaned_data["rectified_on"],
                note=form.cleaned_data["note"],
            )
        except GovernanceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("整改情况已记录"))
    else:
        messages.error(
            request, "；".join(str(e) for errors in form.errors.values() for e in errors)
        )
    return redirect("governance:round", pk=finding.round_id)
