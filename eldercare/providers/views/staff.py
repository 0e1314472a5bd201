"""Staff pages: the list (ID numbers masked; unmasking is a POST and audited), health
certificates running out, the detail with trainings and availability, and their forms."""

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.access import Action, can, get_scoped_or_404, requires, scoped
from eldercare.accounts.models import User
from eldercare.core.feedback import show_error, show_form_errors
from eldercare.providers import services
from eldercare.providers.errors import Problem, ProviderDataError, ProviderStateError
from eldercare.providers.forms import (
    AvailabilityForm,
    DecisionForm,
    LoginForm,
    StaffForm,
    TrainingForm,
)
from eldercare.providers.models import Provider, StaffMember, StaffStatus
from eldercare.providers.queries import health_certificates_due, region_filter
from eldercare.providers.rules.schedule import ScheduleError, Window, format_windows, parse_windows
from eldercare.providers.views.common import page_of, within_areas
from eldercare.providers.views.providers import may_keep
from eldercare.regions.services import region_names


def _member(request: HttpRequest, pk: int) -> StaffMember:
    return get_scoped_or_404(request.user, StaffMember.objects.select_related("provider"), pk=pk)


def may_unmask(user: Any) -> bool:
    return can(user, Action.VIEW_UNMASKED) or can(user, Action.MANAGE_OWN_PROVIDER)


@requires(Action.VIEW_PROVIDERS)
def staff_list(request: HttpRequest) -> HttpResponse:
    members = scoped(request.user, StaffMember.objects.select_related("provider"))
    if request.GET.get("status"):
        members = members.filter(status=request.GET["status"])
    if request.GET.get("q"):
        members = members.filter(name__icontains=request.GET["q"])
    region = region_filter("region_code", request.GET.get("region"))
    if region is not None:
        members = members.filter(region)
    expired, expiring = health_certificates_due(request.user, services.today_local())
    context = page_of(request, members)
    context.update(
        statuses=StaffStatus.choices,
        expired=expired[:100],
        expiring=expiring[:100],
        today=services.today_local(),
        region_names=region_names(m.region_code for m in context["rows"]),
    )
    return render(request, "providers/staff_list.html", context)


def _staff_form_page(
    request: HttpRequest, provider: Provider, member: StaffMember | None
) -> HttpResponse:
    initial: dict[str, Any] = {}
    if member is not None:
        initial = {
            name: getattr(member, name) for name in StaffForm.base_fields if name != "skills"
        }
        initial["skills"] = list(member.skill_rows.values_list("item_id", flat=True))
    areas = list(provider.areas.values_list("region_code", flat=True)) or [provider.region_code]
    form = StaffForm(request.POST or None, initial=initial, regions=within_areas(areas))
    if request.method == "POST":
        if form.is_valid():
            try:
                # Member and skills together: a refused skill leaves the member as it was.
                with transaction.atomic():
                    if member is None:
                        saved = services.register_staff(
                            actor=request.user, provider=provider, data=form.cleaned_data
                        )
                    else:
                        saved = services.update_staff(
                            actor=request.user, member=member, data=form.cleaned_data
                        )
                    services.set_skills(
                        actor=request.user, member=saved, items=list(form.cleaned_data["skills"])
                    )
            except ProviderDataError as error:
                show_error(request, error)
            else:
                messages.success(request, _("已保存"))
                return redirect("providers:staff_detail", pk=saved.pk)
        else:
            show_form_errors(request, form)
    return render(
        request,
        "providers/staff_form.html",
        {"form": form, "provider": provider, "member": member},
    )


@requires(Action.VIEW_PROVIDERS)
def staff_new(request: HttpRequest, provider_pk: int) -> HttpResponse:
    provider = get_scoped_or_404(request.user, Provider.objects.all(), pk=provider_pk)
    return _staff_form_page(request, provider, None)


@requires(Action.VIEW_PROVIDERS)
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    return _staff_form_page(request, member.provider, member)


def _render_detail(
    request: HttpRequest, member: StaffMember, revealed: dict[str, str] | None = None
) -> HttpResponse:
    windows = [Window(w.weekday, w.starts_at, w.ends_at) for w in member.availability.all()]
    return render(
        request,
        "providers/staff_detail.html",
        {
            "member": member,
            "revealed": revealed,
            "region_name": region_names([member.region_code]).get(member.region_code, ""),
            "skills": [row.item for row in member.skill_rows.select_related("item")],
            "windows": windows,
            "trainings": member.trainings.all(),
            "blacklist": member.blacklist.all(),
            "can_keep": may_keep(request.user, member.provider),
            "can_blacklist": can(request.user, Action.BLACKLIST),
            "can_unmask": may_unmask(request.user),
            "training_form": TrainingForm(initial={"trained_on": services.today_local()}),
            "availability_form": AvailabilityForm(initial={"windows": format_windows(windows)}),
            "decision_form": DecisionForm(initial={"decided_on": services.today_local()}),
            "login_form": LoginForm(),
            "today": services.today_local(),
        },
    )


@requires(Action.VIEW_PROVIDERS)
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _member(request, pk))


@require_POST
@requires(Action.VIEW_PROVIDERS)
def staff_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    revealed = services.reveal_staff(actor=request.user, member=member, purpose="页面查看")
    return _render_detail(request, member, revealed)


@require_POST
@requires(Action.VIEW_PROVIDERS)
def staff_training(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    form = TrainingForm(request.POST)
    if form.is_valid():
        try:
            services.add_training(actor=request.user, member=member, data=form.cleaned_data)
        except ProviderDataError as error:
            show_error(request, error)
        else:
            messages.success(request, _("培训记录已添加"))
    else:
        show_form_errors(request, form)
    return redirect("providers:staff_detail", pk=pk)


@require_POST
@requires(Action.VIEW_PROVIDERS)
def staff_availability(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    text = request.POST.get("windows", "")
    try:
        windows = parse_windows(text)
        services.set_availability(actor=request.user, member=member, windows=windows)
    except ScheduleError as error:
        show_error(request, ProviderDataError([Problem("availability", error.code, error.message)]))
    except ProviderDataError as error:
        show_error(request, error)
    else:
        messages.success(request, _("可服务时段已保存"))
    return redirect("providers:staff_detail", pk=pk)


@require_POST
@requires(Action.VIEW_PROVIDERS)
def staff_status(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect("providers:staff_detail", pk=pk)
    data = form.cleaned_data
    decision = {"reason": data["reason"], "decided_on": data["decided_on"]}
    try:
        if data["transition"] == "blacklist":
            services.blacklist_staff(
                actor=request.user, member=member, authority=data["authority"], **decision
            )
        elif data["transition"] == "lift":
            services.lift_staff(
                actor=request.user, member=member, authority=data["authority"], **decision
            )
        elif data["transition"] == "leave":
            services.staff_leaves(actor=request.user, member=member, **decision)
        else:
            raise ProviderStateError(_("人员不能执行该操作"))
    except ProviderDataError as error:
        show_error(request, error)
    except ProviderStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("状态已更新"))
    return redirect("providers:staff_detail", pk=pk)


@require_POST
@requires(Action.VIEW_PROVIDERS)
def staff_login(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    user = User.objects.filter(username=request.POST.get("username", "").strip()).first()
    try:
        if user is None:
            raise ProviderDataError([Problem("user", "unknown", _("账号不存在"))])
        services.link_login(actor=request.user, member=member, user=user)
    except ProviderDataError as error:
        show_error(request, error)
    else:
        messages.success(request, _("登录账号已关联"))
    return redirect("providers:staff_detail", pk=pk)
