"""Pages of capability assessment. Entry is a tablet wizard: the header, then one first-level
indicator per step with every option's full text and a live subtotal, then the conditions and
basic information, then a review that shows the result before it is made final."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.access import Action, can, get_scoped_or_404, requires, scope_code, scoped
from eldercare.accounts.models import Role
from eldercare.assessment import services
from eldercare.assessment.errors import AssessmentDataError, AssessmentStateError
from eldercare.assessment.forms import (
    ConditionsForm,
    DueFilterForm,
    HeaderForm,
    PolicyForm,
    ReasonForm,
)
from eldercare.assessment.models import (
    Assessment,
    AssessmentPolicy,
    AssessmentStatus,
    CurrentAssessment,
    Reason,
    ReassessmentRequest,
    Standard,
)
from eldercare.assessment.schedule import assessors_in, due_assessments
from eldercare.assessment.scoring import catalogue
from eldercare.core.feedback import show_error
from eldercare.regions.services import region_names
from eldercare.registry.models import Resident

DUE_PAGE_SIZE = 100


def _draft(request: HttpRequest, pk: int) -> Assessment:
    return get_scoped_or_404(
        request.user,
        Assessment.objects.select_related("resident").filter(status=AssessmentStatus.DRAFT),
        pk=pk,
    )


def _resident(request: HttpRequest, pk: int) -> Resident:
    return get_scoped_or_404(request.user, Resident.objects.all(), pk=pk)


# --- entry wizard ----------------------------------------------------------------------------


@requires(Action.PERFORM_ASSESSMENT)
def assessment_new(request: HttpRequest, resident_pk: int) -> HttpResponse:
    resident = _resident(request, resident_pk)
    has_any = scoped(
        request.user,
        Assessment.objects.filter(resident=resident, status=AssessmentStatus.FINISHED),
    ).exists()
    initial = {
        "standard": Standard.GBT42195,
        "assessed_on": services.today_local(),
        "place": "home",
        "reason": Reason.PERIODIC if has_any else Reason.FIRST,
        "first_assessor": request.user
        if getattr(request.user, "role", "") == Role.ASSESSOR
        else None,
    }
    form = HeaderForm(request.POST or None, initial=initial, region_code=resident.region_code)
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.start_assessment(
                actor=request.user, resident=resident, data=form.cleaned_data
            )
        except AssessmentDataError as error:
            show_error(request, error)
        else:
            return redirect("assessment:step", pk=draft.pk, step=1)
    return render(request, "assessment/new.html", {"resident": resident, "form": form})


@requires(Action.PERFORM_ASSESSMENT)
def assessment_step(request: HttpRequest, pk: int, step: int) -> HttpResponse:
    draft = _draft(request, pk)
    indicators = catalogue(draft.standard)
    if not 1 <= step <= len(indicators):
        raise Http404("没有这一步")
    indicator = indicators[step - 1]
    if request.method == "POST":
        answers = {}
        for item in indicator.items:
            value = request.POST.get(item.key, "")
            answers[item.key] = int(value) if value.lstrip("-").isdigit() else None
        try:
            services.save_draft(actor=request.user, assessment=draft, data={"answers": answers})
        except AssessmentDataError as error:
            show_error(request, error)
        else:
            if "back" in request.POST and step > 1:
                return redirect("assessment:step", pk=pk, step=step - 1)
            if step < len(indicators):
                return redirect("assessment:step", pk=pk, step=step + 1)
            return redirect("assessment:conditions", pk=pk)
    return render(
        request,
        "assessment/step.html",
        {
            "assessment": draft,
            "indicator": indicator,
            "step": step,
            "steps": len(indicators) + 2,
            "answers": draft.answers,
        },
    )


@requires(Action.PERFORM_ASSESSMENT)
def assessment_conditions(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    steps = len(catalogue(draft.standard))
    form = ConditionsForm(
        request.POST or None,
        initial=ConditionsForm.initial_from(draft.conditions, draft.basic_info),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_draft(actor=request.user, assessment=draft, data=form.to_data())
        except AssessmentDataError as error:
            show_error(request, error)
        else:
            if "back" in request.POST:
                return redirect("assessment:step", pk=pk, step=steps)
            return redirect("assessment:review", pk=pk)
    return render(
        request,
        "assessment/conditions.html",
        {"assessment": draft, "form": form, "step": steps + 1, "steps": steps + 2},
    )


@requires(Action.PERFORM_ASSESSMENT)
def assessment_review(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    if request.method == "POST":
        try:
            finished = services.finish_assessment(actor=request.user, assessment=draft)
        except AssessmentDataError as error:
            show_error(request, error)
        else:
            messages.success(request, _("评估已完成"))
            return redirect("assessment:detail", pk=finished.pk)
    result, problems = services.preview_result(draft)
    steps = len(catalogue(draft.standard))
    return render(
        request,
        "assessment/review.html",
        {
            "assessment": draft,
            "result": result,
            "problems": problems,
            "missing_steps": _steps_with_problems(draft, problems),
            "step": steps + 2,
            "steps": steps + 2,
        },
    )


def _steps_with_problems(draft: Assessment, problems: list[Any]) -> list[tuple[int, str]]:
    fields = {p.field for p in problems}
    return [
        (number, indicator.name)
        for number, indicator in enumerate(catalogue(draft.standard), start=1)
        if any(item.key in fields for item in indicator.items)
    ]


@require_POST
@requires(Action.PERFORM_ASSESSMENT)
def assessment_discard(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    services.discard_draft(actor=request.user, assessment=draft)
    messages.success(request, _("已放弃这份评估草稿"))
    return redirect("registry:detail", pk=draft.resident_id)


# --- finished assessments --------------------------------------------------------------------


@requires(Action.VIEW_ASSESSMENTS)
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_scoped_or_404(
        request.user, Assessment.objects.select_related("resident", "supersedes"), pk=pk
    )
    if assessment.status == AssessmentStatus.DRAFT:
        return redirect("assessment:review", pk=pk)
    successor = scoped(request.user, Assessment.objects.filter(supersedes=assessment)).first()
    return render(
        request,
        "assessment/detail.html",
        {
            "assessment": assessment,
            "items": _answered_items(assessment),
            "successor": successor,
            "can_correct": can(request.user, Action.PERFORM_ASSESSMENT)
            and (successor is None or successor.status == AssessmentStatus.DRAFT),
            "correction_form": ReasonForm(),
        },
    )


def _answered_items(assessment: Assessment) -> list[dict[str, Any]]:
    rows = []
    for indicator in catalogue(assessment.standard):
        for item in indicator.items:
            score = assessment.answers.get(item.key)
            option = item.option(score) if score is not None else None
            rows.append(
                {
                    "indicator": indicator.name,
                    "name": item.name,
                    "score": score,
                    "text": option.text if option else "",
                }
            )
    return rows


@require_POST
@requires(Action.PERFORM_ASSESSMENT)
def assessment_correct(request: HttpRequest, pk: int) -> HttpResponse:
    original = get_scoped_or_404(request.user, Assessment.objects.all(), pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写更正原因"))
        return redirect("assessment:detail", pk=pk)
    try:
        draft = services.start_correction(
            actor=request.user, original=original, reason=form.cleaned_data["reason"]
        )
    except AssessmentStateError as error:
        messages.error(request, str(error))
        return redirect("assessment:detail", pk=pk)
    return redirect("assessment:step", pk=draft.pk, step=1)


@require_POST
@requires(Action.REQUEST_REASSESSMENT)
def reassessment_request(request: HttpRequest, resident_pk: int) -> HttpResponse:
    resident = _resident(request, resident_pk)
    try:
        services.request_reassessment(
            actor=request.user, resident=resident, reason=request.POST.get("reason", "")
        )
    except AssessmentDataError as error:
        show_error(request, error)
    else:
        messages.success(request, _("已登记状况变化，该老人需要即时评估"))
    return redirect("registry:detail", pk=resident.pk)


# --- schedule and settings -------------------------------------------------------------------


@requires(Action.VIEW_ASSESSMENTS)
def due_list(request: HttpRequest) -> HttpResponse:
    form = DueFilterForm(request.GET or None)
    form.fields["assessor"].queryset = assessors_in(  # type: ignore[attr-defined]
        scope_code(request.user) or ""
    )
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "window": form.cleaned_data["window"] or "30",
            "region": form.cleaned_data["region"],
            "assessor": form.cleaned_data["assessor"],
        }
    today = services.today_local()
    due = due_assessments(request.user, today=today, **filters)
    rows = list(due.current[:DUE_PAGE_SIZE])
    return render(
        request,
        "assessment/due.html",
        {
            "form": form,
            "rows": rows,
            "total": due.current.count(),
            "overdue": due.current.filter(due_on__lt=today).count(),
            "never_assessed": due.never_assessed[:DUE_PAGE_SIZE],
            "region_names": region_names({row.resident.region_code for row in rows}),
            "today": today,
            "page_size": DUE_PAGE_SIZE,
        },
    )


@requires(Action.MANAGE_ASSESSMENT_POLICY)
def policy(request: HttpRequest) -> HttpResponse:
    region = scope_code(request.user) or ""
    existing = scoped(request.user, AssessmentPolicy.objects.filter(region_code=region)).first()
    months, settings = services.policy_for(region)
    form = PolicyForm(
        request.POST or None,
        instance=existing,
        initial={
            "reassessment_months": months,
            "clause_stacking": settings.clause_stacking.value,
            "event_counting": settings.event_counting.value,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_policy(actor=request.user, region_code=region, **form.cleaned_data)
        except AssessmentDataError as error:
            show_error(request, error)
        else:
            messages.success(request, _("评估设置已保存，到期日期将在后台重新计算"))
            return redirect("assessment:policy")
    return render(
        request,
        "assessment/policy.html",
        {"form": form, "region_name": region_names([region]).get(region, _("全国"))},
    )


# --- the section on the resident page --------------------------------------------------------


def resident_panel(request: HttpRequest, resident: Resident) -> str:
    """Current level, due date, history and actions, on the registry's resident page."""
    if not can(request.user, Action.VIEW_ASSESSMENTS):
        return ""
    user = request.user
    current = scoped(user, CurrentAssessment.objects.filter(resident=resident)).first()
    history = list(
        scoped(user, Assessment.objects.filter(resident=resident))
        .select_related("supersedes")
        .order_by("-assessed_on", "-id")[:20]
    )
    superseded = set(
        scoped(
            user,
            Assessment.objects.filter(supersedes__in=history, status=AssessmentStatus.FINISHED),
        ).values_list("supersedes_id", flat=True)
    )
    return render_to_string(
        "assessment/resident_panel.html",
        {
            "resident": resident,
            "current": current,
            "history": history,
            "superseded": superseded,
            "open_requests": scoped(
                user,
                ReassessmentRequest.objects.filter(resident=resident, resolved_by__isnull=True),
            ),
            "today": services.today_local(),
            "can_assess": can(request.user, Action.PERFORM_ASSESSMENT),
            "can_request": can(request.user, Action.REQUEST_REASSESSMENT),
        },
        request=request,
    )
