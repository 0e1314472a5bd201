"""Facility pages: the survey list with filters and Excel export, detail and forms."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from eldercare.accounts.access import Action, can, get_scoped_or_404, requires, scope_code, scoped
from eldercare.core.feedback import show_error, show_form_errors
from eldercare.providers import services
from eldercare.providers.directory import map_data, township_of
from eldercare.providers.errors import ProviderDataError
from eldercare.providers.exporting import export_facilities
from eldercare.providers.forms import FacilityFilterForm, FacilityForm
from eldercare.providers.importing import import_facilities
from eldercare.providers.models import Facility, Provider
from eldercare.providers.queries import region_filter
from eldercare.providers.views.common import (
    page_of,
    village_choices,
)
from eldercare.regions.services import region_names

MAP_LIMIT = 2000


def _filtered(request: HttpRequest) -> tuple[FacilityFilterForm, QuerySet[Facility]]:
    form = FacilityFilterForm(request.GET or None)
    facilities = scoped(request.user, Facility.objects.select_related("operator"))
    params: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    if params.get("q"):
        facilities = facilities.filter(
            Q(name__icontains=params["q"]) | Q(address__icontains=params["q"])
        )
    if params.get("kind"):
        facilities = facilities.filter(kind=params["kind"])
    if params.get("operating"):
        facilities = facilities.filter(is_operating=params["operating"] == "yes")
    region = region_filter("region_code", params.get("region"))
    if region is not None:
        facilities = facilities.filter(region)
    return form, facilities


@requires(Action.VIEW_PROVIDERS)
def facility_list(request: HttpRequest) -> HttpResponse:
    form, facilities = _filtered(request)
    context = page_of(request, facilities)
    mapped = list(facilities.exclude(latitude=None)[:MAP_LIMIT])
    names = region_names({township_of(f.region_code) for f in mapped})
    context.update(
        form=form,
        can_manage=can(request.user, Action.MANAGE_PROVIDERS),
        region_names=region_names(f.region_code for f in context["rows"]),
        map=map_data(mapped, names),
        tile_url=settings.MAP_TILE_URL,
        tile_attribution=settings.MAP_TILE_ATTRIBUTION,
    )
    return render(request, "providers/facility_list.html", context)


@requires(Action.VIEW_PROVIDERS)
def facility_export(request: HttpRequest) -> HttpResponseBase:
    form, facilities = _filtered(request)
    filters = {k: str(v) for k, v in (form.cleaned_data if form.is_valid() else {}).items() if v}
    return export_facilities(
        actor=request.user,
        facilities=facilities,
        region_code=scope_code(request.user) or "",
        filters=filters,
    )


@requires(Action.VIEW_PROVIDERS)
def facility_detail(request: HttpRequest, pk: int) -> HttpResponse:
    facility = get_scoped_or_404(request.user, Facility.objects.select_related("operator"), pk=pk)
    return render(
        request,
        "providers/facility_detail.html",
        {
            "facility": facility,
            "region_name": region_names([facility.region_code]).get(facility.region_code, ""),
            "services": facility.services.all(),
            "can_manage": can(request.user, Action.MANAGE_PROVIDERS),
        },
    )


def _facility_form_page(request: HttpRequest, facility: Facility | None) -> HttpResponse:
    initial: dict[str, Any] = {"is_operating": True}
    if facility is not None:
        initial = {
            name: getattr(facility, name) for name in FacilityForm.base_fields if name != "services"
        }
        initial["services"] = list(facility.services.values_list("pk", flat=True))
    form = FacilityForm(
        request.POST or None,
        initial=initial,
        villages=village_choices(request.user),
        operators=scoped(request.user, Provider.objects.all()),
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                if facility is None:
                    facility = services.register_facility(
                        actor=request.user, data=data, services=list(data["services"])
                    )
                else:
                    services.update_facility(
                        actor=request.user,
                        facility=facility,
                        data=data,
                        services=list(data["services"]),
                    )
            except ProviderDataError as error:
                show_error(request, error)
            else:
                messages.success(request, _("已保存"))
                return redirect("providers:facility_detail", pk=facility.pk)
        else:
            show_form_errors(request, form)
    return render(request, "providers/facility_form.html", {"form": form, "facility": facility})


@requires(Action.MANAGE_PROVIDERS)
def facility_import(request: HttpRequest) -> HttpResponse:
    """Upload the survey workbook; "check only" reports the row errors without writing."""
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("请选择要导入的文件"))
        else:
            try:
                result = import_facilities(
                    actor=request.user, file=upload, dry_run=bool(request.POST.get("dry_run"))
                )
            except ProviderDataError as error:
                show_error(request, error)
    return render(request, "providers/facility_import.html", {"result": result})


@requires(Action.MANAGE_PROVIDERS)
def facility_new(request: HttpRequest) -> HttpResponse:
    return _facility_form_page(request, None)


@requires(Action.MANAGE_PROVIDERS)
def facility_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _facility_form_page(
        request, get_scoped_or_404(request.user, Facility.objects.all(), pk=pk)
    )
