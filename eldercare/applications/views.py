"""Pages of online applications: apply on a resident's behalf, the region's list, the detail with
its timeline, review decisions, attachments, the overdue list for supervisors, the chain
settings, the public status page and the section of the resident page. Each view: parse →
access check → one service call → render."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.access import Action, can, get_scoped_or_404, requires, scope_code, scoped
from eldercare.applications import services
from eldercare.applications.chain import DEFAULT_CHAIN, LEVEL_NAMES
from eldercare.applications.downloads import attachment_response
from eldercare.applications.errors import ApplicationDataError, ApplicationStateError
from eldercare.applications.forms import (
    ApplicationForm,
    AttachmentForm,
    ChainForm,
    DecisionForm,
    FilterForm,
    ReasonForm,
)
from eldercare.applications.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Attachment,
    ReviewChain,
    ReviewStep,
)
from eldercare.applications.queries import (
    applications_for,
    is_supervisor,
    overdue_steps,
    public_status,
)
from eldercare.applications.throttling import allow_status_lookup
from eldercare.catalogue.queries import items_in_effect
from eldercare.core.feedback import show_error, show_form_errors
from eldercare.regions.codes import Level, RegionCodeError, level_of
from eldercare.regions.services import region_names
from eldercare.registry.models import Resident

PAGE_SIZE = 50


def _application(request: HttpRequest, pk: int) -> Application:
    return get_scoped_or_404(
        request.user,
        Application.objects.select_related("resident", "service_item", "entered_by"),
        pk=pk,
    )


def _service_items(resident: Resident) -> list[tuple[str, str]]:
    entries = items_in_effect(resident.region_code, services.today_local())
    return [(entry.item.code, f"{entry.item.code} {entry.item.name}") for entry in entries]


# --- applying ---------------------------------------------------------------------------------


@requires(Action.APPLY_ON_BEHALF)
def application_new(request: HttpRequest, resident_pk: int) -> HttpResponse:
    resident = get_scoped_or_404(request.user, Resident.objects.all(), pk=resident_pk)
    form = ApplicationForm(
        request.POST or None,
        service_items=_service_items(resident),
        initial={"kind": "benefit", "applicant_kind": "resident"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.submit_application(
                actor=request.user,
                resident=resident,
                data=form.to_data(),
                attachments=request.FILES.getlist("attachments"),
            )
        except ApplicationDataError as error:
            show_error(request, error)
        else:
            messages.success(
                request, _("申请已提交，申请编号 %(number)s") % {"number": application.number}
            )
            return redirect("applications:detail", pk=application.pk)
    return render(
        request,
        "applications/new.html",
        {
            "resident": resident,
            "form": form,
            "chain": [
                (LEVEL_NAMES[step.level], step.working_days)
                for step in services.chain_for(resident.region_code)
            ],
        },
    )


# --- lists ------------------------------------------------------------------------------------


@requires(Action.VIEW_ENTITLEMENTS)
def application_list(request: HttpRequest) -> HttpResponse:
    today = services.today_local()
    form = FilterForm(request.GET or None)
    try:
        applications = applications_for(request.user, request.GET, today=today)
    except ApplicationDataError as error:
        show_error(request, error)
        applications = scoped(request.user, Application.objects.none())
    page = _page_number(request)
    window = list(applications[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    rows = window[:PAGE_SIZE]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "applications/list.html",
        {
            "form": form,
            "rows": rows,
            "page": page,
            "has_next": len(window) > PAGE_SIZE,
            "query": query.urlencode(),
            "today": today,
            "region_names": region_names({row.resident.region_code for row in rows}),
            "is_supervisor": is_supervisor(request.user),
        },
    )


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@requires(Action.REVIEW_APPLICATIONS)
def overdue_list(request: HttpRequest) -> HttpResponse:
    if not is_supervisor(request.user):
        raise PermissionDenied(_("逾期督办清单供乡镇（街道）及以上审核人员查看"))
    today = services.today_local()
    return render(
        request,
        "applications/overdue.html",
        {"overdue": overdue_steps(request.user, today=today), "today": today},
    )


# --- one application --------------------------------------------------------------------------


@requires(Action.VIEW_ENTITLEMENTS)
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    user = request.user
    steps = list(
        scoped(user, ReviewStep.objects.filter(application=application)).order_by(
            "round", "position"
        )
    )
    open_step = next((step for step in steps if step.is_open), None)
    may_apply = can(user, Action.APPLY_ON_BEHALF)
    values = services.application_values(application)
    values["amount_yuan"] = (
        f"{application.amount_fen / 100:.2f}" if application.amount_fen is not None else ""
    )
    is_returned = application.status == ApplicationStatus.RETURNED
    return render(
        request,
        "applications/detail.html",
        {
            "application": application,
            "steps": steps,
            "open_step": open_step,
            "events": scoped(user, ApplicationEvent.objects.filter(application=application)),
            "attachments": scoped(user, Attachment.objects.filter(application=application)),
            "unit_names": region_names({step.region_code for step in steps}),
            "can_decide": open_step is not None and services.is_reviewer_for(user, open_step),
            "is_last_step": open_step is not None and open_step.position == application.step_count,
            "decision_form": DecisionForm(initial={"step": application.current_step}),
            "can_attach": may_apply
            and application.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED),
            "attachment_form": AttachmentForm(),
            "can_withdraw": may_apply and not application.is_final,
            "withdraw_form": ReasonForm(),
            "can_resubmit": may_apply and is_returned,
            "correction_form": ApplicationForm(
                initial=values, service_items=_service_items(application.resident)
            )
            if may_apply and is_returned
            else None,
            "today": services.today_local(),
        },
    )


@require_POST
@requires(Action.REVIEW_APPLICATIONS)
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    form = DecisionForm(request.POST)
    decision = request.POST.get("decision", "")
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect("applications:detail", pk=pk)
    data = form.cleaned_data
    try:
        if decision == "approve":
            services.approve_step(
                actor=request.user,
                application=application,
                step=data["step"],
                comment=data["comment"],
                approved_amount_fen=data["approved_amount_yuan"],
                first_month=data["first_month"],
            )
            messages.success(request, _("已同意"))
        elif decision in ("return", "reject"):
            decide = (
                services.return_application if decision == "return" else services.reject_application
            )
            decide(
                actor=request.user,
                application=application,
                reason=data["comment"],
                step=data["step"],
            )
            messages.success(request, _("已退回补正") if decision == "return" else _("已不予批准"))
        else:
            messages.error(request, _("请选择同意、退回补正或不予批准"))
    except ApplicationDataError as error:
        show_error(request, error)
    except ApplicationStateError as error:
        messages.error(request, str(error))
    return redirect("applications:detail", pk=pk)


@require_POST
@requires(Action.APPLY_ON_BEHALF)
def application_resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    form = ApplicationForm(request.POST, service_items=_service_items(application.resident))
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect("applications:detail", pk=pk)
    try:
        services.resubmit_application(
            actor=request.user,
            application=application,
            changes=form.to_data(),
            comment=request.POST.get("comment", ""),
        )
    except ApplicationDataError as error:
        show_error(request, error)
    except ApplicationStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已重新提交"))
    return redirect("applications:detail", pk=pk)


@require_POST
@requires(Action.APPLY_ON_BEHALF)
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.withdraw_application(actor=request.user, application=application, reason=reason)
    except ApplicationStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("申请已撤回"))
    return redirect("applications:detail", pk=pk)


@require_POST
@requires(Action.APPLY_ON_BEHALF)
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的文件"))
        return redirect("applications:detail", pk=pk)
    try:
        services.add_attachment(
            actor=request.user,
            application=application,
            upload=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
        )
    except ApplicationDataError as error:
        show_error(request, error)
    except ApplicationStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("材料已上传"))
    return redirect("applications:detail", pk=pk)


@requires(Action.VIEW_ENTITLEMENTS)
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    return attachment_response(request.user, pk, attachment_pk)


# --- settings ---------------------------------------------------------------------------------


@requires(Action.MANAGE_ENTITLEMENT_POLICY)
def chain_settings(request: HttpRequest) -> HttpResponse:
    region = scope_code(request.user) or ""
    try:
        can_set = bool(region) and level_of(region) in (Level.COUNTY, Level.CITY)
    except RegionCodeError:
        can_set = False
    own = scoped(request.user, ReviewChain.objects.filter(region_code=region)).first()
    effective = services.chain_for(region) if region else DEFAULT_CHAIN
    form = ChainForm(
        request.POST or None,
        initial=ChainForm.initial_from([step.as_dict() for step in effective]),
    )
    if request.method == "POST" and can_set:
        try:
            if "remove" in request.POST:
                services.remove_review_chain(actor=request.user, region_code=region)
                messages.success(request, _("已恢复为上级区划（或默认）的审核流程"))
                return redirect("applications:chain")
            if form.is_valid():
                services.set_review_chain(
                    actor=request.user, region_code=region, steps=form.to_steps()
                )
                messages.success(request, _("审核流程已保存，此后提交的申请按新流程审核"))
                return redirect("applications:chain")
        except ApplicationDataError as error:
            show_error(request, error)
    return render(
        request,
        "applications/chain.html",
        {
            "form": form,
            "own": own,
            "can_set": can_set,
            "effective": [(LEVEL_NAMES[s.level], s.working_days) for s in effective],
            "region_name": region_names([region]).get(region, _("全国")) if region else _("全国"),
        },
    )


# --- public -----------------------------------------------------------------------------------


def status_lookup(request: HttpRequest) -> HttpResponse:
    """No login: the status of an application by its number and the last four ID characters."""
    context: dict[str, Any] = {"searched": False, "result": None}
    if request.method == "POST":
        if not allow_status_lookup(request):
            return render(request, "applications/status.html", {"throttled": True}, status=429)
        context["searched"] = True
        context["number"] = request.POST.get("number", "").strip()[:20]
        context["result"] = public_status(
            request.POST.get("number", ""), request.POST.get("id_last_four", "")
        )
    return render(request, "applications/status.html", context)


# --- the section on the resident page ---------------------------------------------------------


def resident_panel(request: HttpRequest, resident: Resident) -> str:
    """The resident's applications with their status, and the link to apply on their behalf."""
    if not can(request.user, Action.VIEW_ENTITLEMENTS):
        return ""
    applications = list(
        scoped(request.user, Application.objects.filter(resident=resident))
        .select_related("service_item")
        .order_by("-submitted_at", "-id")[:20]
    )
    return render_to_string(
        "applications/resident_panel.html",
        {
            "resident": resident,
            "applications": applications,
            "can_apply": can(request.user, Action.APPLY_ON_BEHALF) and resident.status == "active",
            "today": services.today_local(),
        },
        request=request,
    )
