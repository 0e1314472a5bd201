"""Pages of care visits: key elderly without an agreement, agreements (list, sign, detail, amend,
end), the phone page to log a contact, my overdue list, the village overdue list, statistics with
Excel export and the region policy. Each view: parse → access check → one service call → render."""

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.access import Action, can, get_scoped_or_404, requires, scope_code, scoped
from eldercare.carevisits import services
from eldercare.carevisits.errors import CareVisitDataError, CareVisitStateError
from eldercare.carevisits.exporting import statistics_xlsx
from eldercare.carevisits.forms import AmendForm, ContactForm, EndForm, PolicyForm, SignForm
from eldercare.carevisits.models import (
    AgreementStatus,
    AgreementVersion,
    CareAgreement,
    CareContact,
    FollowUp,
    FollowUpStatus,
)
from eldercare.carevisits.queries import (
    agreements_for,
    eligible_visitor_users,
    key_without_agreement,
    my_overdue,
    narrowed_code,
    region_overdue,
)
from eldercare.carevisits.rules.compliance import last_complete_week
from eldercare.carevisits.services.compliance import current_week, recent_weeks
from eldercare.carevisits.services.statistics import region_figures
from eldercare.core.feedback import show_error, show_form_errors
from eldercare.regions.services import region_names
from eldercare.registry.models import Resident

PAGE_SIZE = 50
RECENT_WEEKS = 8


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _names(codes: set[str]) -> dict[str, str]:
    return region_names(sorted(codes))


@requires(Action.VIEW_CARE_VISITS)
def home(request: HttpRequest) -> HttpResponse:
    if can(request.user, Action.LOG_CARE_VISITS) and my_overdue(request.user):
        return redirect("carevisits:mine")
    return redirect("carevisits:overdue")


@requires(Action.VIEW_CARE_VISITS)
def key_elderly(request: HttpRequest) -> HttpResponse:
    region = request.GET.get("region") or None
    page = _page(request, key_without_agreement(request.user, services.today_local(), region))
    return render(
        request,
        "carevisits/key_elderly.html",
        {
            "page": page,
            "names": _names({r.region_code for r in page}),
            "can_sign": can(request.user, Action.MANAGE_CARE_AGREEMENTS),
        },
    )


@requires(Action.VIEW_CARE_VISITS)
def agreement_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or AgreementStatus.ACTIVE
    page = _page(request, agreements_for(request.user, request.GET.get("region"), status))
    return render(
        request,
        "carevisits/agreement_list.html",
        {
            "page": page,
            "status": status,
            "statuses": AgreementStatus.choices,
            "names": _names({a.resident.region_code for a in page}),
        },
    )


def _workers(resident: Resident) -> list[tuple[int, str]]:
    return [
        (user.pk, f"{user.display_name}（{user.get_role_display()}）")
        for user in eligible_visitor_users(resident)
    ]


@requires(Action.MANAGE_CARE_AGREEMENTS)
def agreement_new(request: HttpRequest, resident_pk: int) -> HttpResponse:
    resident = get_scoped_or_404(request.user, Resident.objects.all(), pk=resident_pk)
    form = SignForm(request.POST or None, workers=_workers(resident))
    if request.method == "POST":
        if form.is_valid():
            try:
                agreement = services.sign_agreement(
                    actor=request.user,
                    resident=resident,
                    visitors=form.visitors(),
                    starts_on=form.cleaned_data["starts_on"],
                    ends_on=form.cleaned_data["ends_on"],
                )
            except (CareVisitDataError, CareVisitStateError) as error:
                show_error(request, error)
            else:
                messages.success(request, _("关爱服务协议已签订"))
                return redirect("carevisits:agreement", pk=agreement.pk)
        else:
            show_form_errors(request, form)
    policy = services.policy_for(resident.region_code)
    return render(
        request,
        "carevisits/agreement_new.html",
        {"resident": resident, "form": form, "requirement": policy.requirement},
    )


def _agreement(request: HttpRequest, pk: int) -> CareAgreement:
    return get_scoped_or_404(
        request.user, CareAgreement.objects.select_related("resident", "signed_by"), pk=pk
    )


@requires(Action.VIEW_CARE_VISITS)
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    weeks = recent_weeks(agreement, RECENT_WEEKS)
    contacts = scoped(
        request.user, CareContact.objects.filter(resident=agreement.resident)
    ).prefetch_related("follow_ups")[:30]
    versions = scoped(request.user, AgreementVersion.objects.filter(agreement=agreement))
    manage = can(request.user, Action.MANAGE_CARE_AGREEMENTS)
    current = [v for v in agreement.visitors.all() if v.removed_at is None]
    worker = next((v for v in current if v.user_id), None)
    initial = {"worker": worker.user_id, "worker_kind": worker.kind} if worker else {}
    # Phones are not put back into the form (they would be shown unmasked): an empty phone
    # keeps the current one, see agreement_amend.
    for visitor in current:
        if visitor.user_id is None:
            initial[f"{visitor.kind}_name"] = visitor.name
    return render(
        request,
        "carevisits/agreement_detail.html",
        {
            "agreement": agreement,
            "visitors": agreement.visitors.select_related("user"),
            "weeks": weeks,
            "contacts": contacts,
            "versions": versions,
            "region_name": _names({agreement.resident.region_code}).get(
                agreement.resident.region_code, ""
            ),
            "is_active": agreement.status == AgreementStatus.ACTIVE,
            "amend_form": AmendForm(initial=initial, workers=_workers(agreement.resident))
            if manage
            else None,
            "end_form": EndForm() if manage else None,
            "can_log": can(request.user, Action.LOG_CARE_VISITS),
        },
    )


@require_POST
@requires(Action.MANAGE_CARE_AGREEMENTS)
def agreement_amend(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    form = AmendForm(request.POST, workers=_workers(agreement.resident))
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect("carevisits:agreement", pk=pk)
    phones = {
        (v.kind, v.name): v.phone
        for v in agreement.visitors.filter(removed_at__isnull=True, user__isnull=True)
    }
    visitors = [
        {**v, "phone": v.get("phone") or phones.get((str(v["kind"]), str(v.get("name"))), "")}
        if "name" in v
        else v
        for v in form.visitors()
    ]
    try:
        services.amend_agreement(
            actor=request.user,
            agreement=agreement,
            reason=form.cleaned_data["reason"],
            visitors=visitors,
            ends_on=form.cleaned_data["ends_on"],
            clear_end=form.cleaned_data["ends_on"] is None,
        )
    except (CareVisitDataError, CareVisitStateError) as error:
        show_error(request, error)
    else:
        messages.success(request, _("协议已变更"))
    return redirect("carevisits:agreement", pk=pk)


@require_POST
@requires(Action.MANAGE_CARE_AGREEMENTS)
def agreement_end(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    form = EndForm(request.POST)
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect("carevisits:agreement", pk=pk)
    try:
        services.end_agreement(
            actor=request.user,
            agreement=agreement,
            reason=form.cleaned_data["reason"],
            ends_on=form.cleaned_data["ends_on"],
        )
    except (CareVisitDataError, CareVisitStateError) as error:
        show_error(request, error)
    else:
        messages.success(request, _("协议已终止"))
    return redirect("carevisits:agreement", pk=pk)


@requires(Action.LOG_CARE_VISITS)
def log_contact(request: HttpRequest, resident_pk: int) -> HttpResponse:
    resident = get_scoped_or_404(request.user, Resident.objects.all(), pk=resident_pk)
    form = ContactForm(request.POST or None, initial=ContactForm.initial_values())
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                _contact, created = services.log_contact(
                    actor=request.user,
                    resident=resident,
                    kind=data["kind"],
                    occurred_at=data["occurred_at"],
                    idempotency_key=data["idempotency_key"],
                    health=data["health"],
                    living_conditions=data["living_conditions"],
                    needs=data["needs"],
                    findings=data["findings"],
                    follow_ups=form.follow_ups(),
                )
            except (CareVisitDataError, CareVisitStateError) as error:
                show_error(request, error)
            else:
                messages.success(
                    request, _("已登记") if created else _("该记录已登记过，未重复保存")
                )
                return redirect("carevisits:mine")
        else:
            show_form_errors(request, form)
    return render(request, "carevisits/log_contact.html", {"resident": resident, "form": form})


@requires(Action.LOG_CARE_VISITS)
def mine(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "carevisits/mine.html",
        {"rows": my_overdue(request.user), "week": current_week()},
    )


@requires(Action.VIEW_CARE_VISITS)
def overdue(request: HttpRequest) -> HttpResponse:
    rows = region_overdue(request.user, request.GET.get("region"))
    return render(
        request,
        "carevisits/overdue.html",
        {
            "rows": rows,
            "week": current_week(),
            "names": _names({r.agreement.resident.region_code for r in rows}),
            "can_log": can(request.user, Action.LOG_CARE_VISITS),
        },
    )


@requires(Action.LOG_CARE_VISITS)
def follow_ups(request: HttpRequest) -> HttpResponse:
    rows = scoped(
        request.user,
        FollowUp.objects.filter(status__in=[FollowUpStatus.OPEN, FollowUpStatus.HANDED_OVER]),
    ).select_related("contact__resident")
    return render(request, "carevisits/follow_ups.html", {"page": _page(request, rows)})


@require_POST
@requires(Action.LOG_CARE_VISITS)
def follow_up_action(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = get_scoped_or_404(
        request.user, FollowUp.objects.select_related("contact__resident"), pk=pk
    )
    text = request.POST.get("text", "")
    operations = {
        "hand_over": lambda: services.record_hand_over(
            actor=request.user, follow_up=follow_up, target_ref=text
        ),
        "close": lambda: services.close_follow_up(
            actor=request.user, follow_up=follow_up, outcome=text
        ),
        "cancel": lambda: services.cancel_follow_up(
            actor=request.user, follow_up=follow_up, reason=text
        ),
    }
    operation = operations.get(request.POST.get("operation", ""))
    if operation is None:
        messages.error(request, _("未知的操作"))
        return redirect("carevisits:follow_ups")
    try:
        operation()
    except (CareVisitDataError, CareVisitStateError) as error:
        show_error(request, error)
    else:
        messages.success(request, _("已更新"))
    return redirect("carevisits:follow_ups")


def _as_of(request: HttpRequest) -> date:
    parsed = parse_date(request.GET.get("on") or "")
    today = services.today_local()
    return parsed if parsed is not None and parsed <= today else today


@requires(Action.VIEW_CARE_VISITS)
def statistics(request: HttpRequest) -> HttpResponse:
    code = narrowed_code(request.user, request.GET.get("region"))
    if code is None:
        return render(request, "carevisits/statistics.html", {"rows": []})
    on = _as_of(request)
    rows = region_figures(code, on)
    if request.GET.get("export") == "xlsx":
        response = HttpResponse(
            statistics_xlsx(request.user, code, on, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="care-visits-{code}-{on}.xlsx"'
        return response
    return render(
        request,
        "carevisits/statistics.html",
        {"rows": rows, "on": on, "week": last_complete_week(on), "region": code},
    )


@requires(Action.MANAGE_CARE_AGREEMENTS)
def policy(request: HttpRequest) -> HttpResponse:
    code = scope_code(request.user) or ""
    current = services.policy_for(code)
    initial = {
        **current.key_rule.as_dict(),
        "min_contacts": current.requirement.min_contacts,
        "min_visits": current.requirement.min_visits,
    }
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.set_policy(
                    actor=request.user,
                    region_code=code,
                    key_rule={
                        "arrangements": data["arrangements"],
                        "difficulties": data["difficulties"],
                    },
                    min_contacts=data["min_contacts"],
                    min_visits=data["min_visits"],
                )
            except CareVisitDataError as error:
                show_error(request, error)
            else:
                messages.success(request, _("设置已保存"))
                return redirect("carevisits:policy")
        else:
            show_form_errors(request, form)
    return render(
        request,
        "carevisits/policy.html",
        {
            "form": form,
            "source": current.region_code,
            "own_code": code,
            "source_name": _names({current.region_code}).get(current.region_code, "")
            if current.region_code
            else "",
        },
    )


def resident_panel(request: HttpRequest, resident: Resident) -> str:
    """The resident page section: the agreement in force with this week's progress, and the
    links to log a contact or sign an agreement (settings.RESIDENT_PANELS)."""
    if not can(request.user, Action.VIEW_CARE_VISITS):
        return ""
    agreement = (
        scoped(request.user, CareAgreement.objects.filter(resident=resident))
        .filter(status=AgreementStatus.ACTIVE)
        .first()
    )
    return render_to_string(
        "carevisits/resident_panel.html",
        {
            "resident": resident,
            "agreement": agreement,
            "week": next(iter(recent_weeks(agreement, 1)), None) if agreement else None,
            "can_log": can(request.user, Action.LOG_CARE_VISITS),
            "can_sign": can(request.user, Action.MANAGE_CARE_AGREEMENTS)
            and resident.status == "active",
        },
        request=request,
    )
