"""Provider pages: list with filters, detail (areas, licences, prices, staff, facilities,
blacklist history), registration and editing, status decisions, prices and licences."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.access import (
    Action,
    can,
    get_scoped_or_404,
    requires,
    scoped,
    staff_member_of,
)
from eldercare.core.feedback import show_error, show_form_errors
from eldercare.providers import services
from eldercare.providers.errors import ProviderDataError, ProviderStateError
from eldercare.providers.forms import (
    DecisionForm,
    LicenceForm,
    PriceForm,
    ProviderFilterForm,
    ProviderForm,
)
from eldercare.providers.models import Facility, Provider, ProviderLicence, StaffMember
from eldercare.providers.queries import prices_in_effect, providers_for
from eldercare.providers.views.common import (
    area_choices,
    page_of,
)
from eldercare.regions.services import region_names


def _provider(request: HttpRequest, pk: int) -> Provider:
    return get_scoped_or_404(request.user, Provider.objects.all(), pk=pk)


def may_keep(user: Any, provider: Provider) -> bool:
    """Whether the user may keep the provider's prices, licences and staff (for the buttons)."""
    if can(user, Action.MANAGE_PROVIDERS):
        return True
    member = staff_member_of(user)
    return (
        can(user, Action.MANAGE_OWN_PROVIDER)
        and member is not None
        and (member.provider_id == provider.pk)
    )


@requires(Action.VIEW_PROVIDERS)
def provider_list(request: HttpRequest) -> HttpResponse:
    form = ProviderFilterForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    providers = providers_for(request.user, params).prefetch_related("areas")
    context = page_of(request, providers)
    context.update(
        form=form,
        can_manage=can(request.user, Action.MANAGE_PROVIDERS),
        region_names=region_names(p.region_code for p in context["rows"]),
    )
    return render(request, "providers/provider_list.html", context)


def _provider_form_page(request: HttpRequest, provider: Provider | None) -> HttpResponse:
    initial: dict[str, Any] = {}
    if provider is not None:
        initial = {
            name: getattr(provider, name)
            for name in ProviderForm.base_fields
            if name not in ("areas",)
        }
        initial["areas"] = list(provider.areas.values_list("region_code", flat=True))
    form = ProviderForm(request.POST or None, initial=initial, regions=area_choices(request.user))
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                if provider is None:
                    provider = services.register_provider(
                        actor=request.user,
                        region_code=data["region_code"],
                        data=data,
                        areas=data["areas"],
                    )
                    messages.success(request, _("服务机构已登记"))
                else:
                    services.update_provider(
                        actor=request.user,
                        provider=provider,
                        data=data,
                        areas=data["areas"] or [provider.region_code],
                    )
                    messages.success(request, _("已保存"))
            except ProviderDataError as error:
                show_error(request, error)
            else:
                return redirect("providers:detail", pk=provider.pk)
        else:
            show_form_errors(request, form)
    return render(request, "providers/provider_form.html", {"form": form, "provider": provider})


@requires(Action.MANAGE_PROVIDERS)
def provider_new(request: HttpRequest) -> HttpResponse:
    return _provider_form_page(request, None)


@requires(Action.MANAGE_PROVIDERS)
def provider_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _provider_form_page(request, _provider(request, pk))


@requires(Action.VIEW_PROVIDERS)
def provider_detail(request: HttpRequest, pk: int) -> HttpResponse:
    provider = _provider(request, pk)
    today = services.today_local()
    areas = list(provider.areas.values_list("region_code", flat=True))
    return render(
        request,
        "providers/provider_detail.html",
        {
            "provider": provider,
            "today": today,
            "areas": areas,
            "region_names": region_names([*areas, provider.region_code]),
            "licences": provider.licences.all(),
            "prices": prices_in_effect([provider.pk], today),
            "price_history": provider.prices.select_related("item"),
            "staff": scoped(request.user, StaffMember.objects.filter(provider=provider)),
            "facilities": scoped(request.user, Facility.objects.filter(operator=provider)),
            "blacklist": provider.blacklist.select_related("decided_by"),
            "can_manage": can(request.user, Action.MANAGE_PROVIDERS),
            "can_blacklist": can(request.user, Action.BLACKLIST),
            "can_keep": may_keep(request.user, provider),
            "decision_form": DecisionForm(initial={"decided_on": today}),
            "price_form": PriceForm(initial={"effective_from": today}),
            "licence_form": LicenceForm(),
        },
    )


TRANSITIONS: dict[str, Callable[..., Provider]] = {
    "suspend": services.suspend_provider,
    "blacklist": services.blacklist_provider,
    "lift": services.lift_provider,
    "exit": services.exit_provider,
}


@require_POST
@requires(Action.MANAGE_PROVIDERS)
def provider_status(request: HttpRequest, pk: int) -> HttpResponse:
    provider = _provider(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect("providers:detail", pk=pk)
    if form.cleaned_data["transition"] not in TRANSITIONS:
        messages.error(request, _("服务机构不能执行该操作"))
        return redirect("providers:detail", pk=pk)
    data = form.cleaned_data
    try:
        TRANSITIONS[data["transition"]](
            actor=request.user,
            provider=provider,
            reason=data["reason"],
            decided_on=data["decided_on"],
            authority=data["authority"],
        )
    except ProviderDataError as error:
        show_error(request, error)
    except ProviderStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("状态已更新"))
    return redirect("providers:detail", pk=pk)


@require_POST
@requires(Action.VIEW_PROVIDERS)
def provider_price(request: HttpRequest, pk: int) -> HttpResponse:
    provider = _provider(request, pk)
    form = PriceForm(request.POST)
    if form.is_valid():
        try:
            services.set_price(
                actor=request.user,
                provider=provider,
                item=form.cleaned_data["item"],
                price_fen=form.cleaned_data["price_yuan"],
                effective_from=form.cleaned_data["effective_from"],
            )
        except ProviderDataError as error:
            show_error(request, error)
        except ProviderStateError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("价格已保存"))
    else:
        show_form_errors(request, form)
    return redirect("providers:detail", pk=pk)


@require_POST
@requires(Action.VIEW_PROVIDERS)
def provider_licence(request: HttpRequest, pk: int) -> HttpResponse:
    provider = _provider(request, pk)
    form = LicenceForm(request.POST)
    if form.is_valid():
        try:
            services.add_licence(actor=request.user, provider=provider, data=form.cleaned_data)
        except ProviderDataError as error:
            show_error(request, error)
        else:
            messages.success(request, _("证照已添加"))
    else:
        show_form_errors(request, form)
    return redirect("providers:detail", pk=pk)


@require_POST
@requires(Action.VIEW_PROVIDERS)
def licence_remove(request: HttpRequest, pk: int, licence_pk: int) -> HttpResponse:
    provider = _provider(request, pk)
    licence = ProviderLicence.objects.filter(provider=provider, pk=licence_pk).first()
    if licence is not None:
        services.remove_licence(actor=request.user, licence=licence)
        messages.success(request, _("证照已删除"))
    return redirect("providers:detail", pk=pk)
