"""Pages of the catalogue. Each view: parse → access check → one service call → render.

Reading: the list in effect for the user's region (or a region they may look at) on a day,
grouped by category; item details; the versions of the lists. Managing (MANAGE_CATALOGUE, own
subtree only; anything else is a 404): new version, draft header and entries, publish, withdraw.
"""

from collections.abc import Callable
from datetime import date
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.access import Action, can, get_scoped_or_404, in_scope, requires, scope_code
from eldercare.catalogue import queries, services
from eldercare.catalogue.errors import CatalogueDataError, CatalogueStateError
from eldercare.catalogue.exporting import export_response
from eldercare.catalogue.forms import (
    EntryForm,
    InEffectForm,
    ItemForm,
    ListHeaderForm,
    NewEntryForm,
    NewItemForm,
    NewVersionForm,
)
from eldercare.catalogue.models import (
    ListPhase,
    ListStatus,
    ServiceCategory,
    ServiceItem,
    ServiceList,
    ServiceListEntry,
)
from eldercare.catalogue.yuan import format_yuan
from eldercare.regions.services import region_names


def _region_and_day(request: HttpRequest) -> tuple[str, date, InEffectForm]:
    form = InEffectForm(request.GET)
    today = services.today_local()
    if not form.is_valid():
        messages.error(request, _("日期格式不对，已显示今天的清单"))
        return queries.visible_region_or_404(request.user, None), today, InEffectForm()
    region = queries.visible_region_or_404(request.user, form.cleaned_data["region"])
    return region, form.cleaned_data["on"] or today, form


def _category_groups(entries: list[ServiceListEntry]) -> list[dict[str, Any]]:
    labels = dict(ServiceCategory.choices)
    return [
        {"label": labels.get(category, category), "entries": list(group)}
        for category, group in groupby(entries, key=lambda e: e.item.category)
    ]


@requires(Action.VIEW_CATALOGUE)
def in_effect(request: HttpRequest) -> HttpResponse:
    try:
        region, day, form = _region_and_day(request)
    except CatalogueDataError as error:
        messages.error(request, str(error))
        return redirect("catalogue:home")
    entries = queries.items_in_effect(region, day)
    return render(
        request,
        "catalogue/in_effect.html",
        {
            "form": form,
            "region": region,
            "region_name": region_names([region]).get(region, "") if region else _("全国"),
            "day": day,
            "groups": _category_groups(entries),
            "count": len(entries),
            "lists": queries.lists_in_effect(region, day),
            "can_manage": can(request.user, Action.MANAGE_CATALOGUE),
        },
    )


@requires(Action.VIEW_CATALOGUE)
def export(request: HttpRequest) -> HttpResponseBase:
    try:
        region, day, _form = _region_and_day(request)
    except CatalogueDataError as error:
        messages.error(request, str(error))
        return redirect("catalogue:home")
    return export_response(actor=request.user, region_code=region, on=day)


@requires(Action.VIEW_CATALOGUE)
def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    item = queries.get_visible_item_or_404(request.user, code)
    region = scope_code(request.user) or ""
    today = services.today_local()
    return render(
        request,
        "catalogue/item_detail.html",
        {
            "item": item,
            "entry": queries.entry_in_effect(region, item.code, today),
            "region_name": region_names([region]).get(region, "") if region else _("全国"),
            "lists": queries.lists_with_item(request.user, item),
            "today": today,
            "can_edit": can(request.user, Action.MANAGE_CATALOGUE)
            and in_scope(request.user, item.region_code),
        },
    )


@requires(Action.VIEW_CATALOGUE)
def list_index(request: HttpRequest) -> HttpResponse:
    lists = list(queries.visible_lists(request.user).order_by("region_code", "kind", "-version"))
    today = services.today_local()
    names = region_names({s.region_code for s in lists if s.region_code})
    for service_list in lists:
        service_list.phase = service_list.phase_on(today)  # type: ignore[attr-defined]
        service_list.region_name = names.get(service_list.region_code, "")  # type: ignore[attr-defined]
    can_manage = can(request.user, Action.MANAGE_CATALOGUE)
    return render(
        request,
        "catalogue/list_index.html",
        {
            "lists": lists,
            "form": NewVersionForm(initial={"region_code": scope_code(request.user) or ""})
            if can_manage
            else None,
        },
    )


@requires(Action.VIEW_CATALOGUE)
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    service_list = queries.get_visible_list_or_404(request.user, pk)
    entries = list(service_list.entries.select_related("item").order_by("position", "id"))
    today = services.today_local()
    phase = service_list.phase_on(today)
    manages = can(request.user, Action.MANAGE_CATALOGUE) and in_scope(
        request.user, service_list.region_code
    )
    return render(
        request,
        "catalogue/list_detail.html",
        {
            "list": service_list,
            "entries": entries,
            "phase": phase,
            "region_name": region_names([service_list.region_code]).get(
                service_list.region_code, ""
            )
            if service_list.region_code
            else _("全国"),
            "can_edit": manages and service_list.status == ListStatus.DRAFT,
            "can_withdraw": manages and phase == ListPhase.SCHEDULED,
            "header_form": ListHeaderForm(
                initial={
                    "name": service_list.name,
                    "basis": service_list.basis,
                    "effective_from": service_list.effective_from,
                    "effective_to": service_list.effective_to,
                }
            ),
        },
    )


def _managed_list(request: HttpRequest, pk: int) -> ServiceList:
    return get_scoped_or_404(request.user, ServiceList.objects.all(), pk=pk)


def _managed_entry(request: HttpRequest, pk: int, entry_pk: int) -> ServiceListEntry:
    return get_scoped_or_404(
        request.user,
        ServiceListEntry.objects.select_related("item", "service_list"),
        pk=entry_pk,
        service_list_id=pk,
    )


def _report(request: HttpRequest, action: Callable[[], object], success: str) -> bool:
    """Run one service call; its refusal becomes an error message. True on success."""
    try:
        action()
    except (CatalogueDataError, CatalogueStateError) as error:
        messages.error(request, str(error))
        return False
    messages.success(request, success)
    return True


@require_POST
@requires(Action.MANAGE_CATALOGUE)
def list_create(request: HttpRequest) -> HttpResponse:
    form = NewVersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择清单类型"))
        return redirect("catalogue:lists")
    try:
        new = services.create_list_version(
            actor=request.user,
            region_code=form.cleaned_data["region_code"],
            kind=form.cleaned_data["kind"],
        )
    except (CatalogueDataError, CatalogueStateError) as error:
        messages.error(request, str(error))
        return redirect("catalogue:lists")
    messages.success(request, _("已新建草稿：%(name)s") % {"name": str(new)})
    return redirect("catalogue:list", pk=new.pk)


@require_POST
@requires(Action.MANAGE_CATALOGUE)
def list_edit(request: HttpRequest, pk: int) -> HttpResponse:
    service_list = _managed_list(request, pk)
    form = ListHeaderForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("未保存：请检查名称和日期"))
        return redirect("catalogue:list", pk=pk)
    _report(
        request,
        lambda: services.update_list(
            actor=request.user, service_list=service_list, data=form.cleaned_data
        ),
        _("已保存"),
    )
    return redirect("catalogue:list", pk=pk)


@require_POST
@requires(Action.MANAGE_CATALOGUE)
def list_publish(request: HttpRequest, pk: int) -> HttpResponse:
    service_list = _managed_list(request, pk)
    _report(
        request,
        lambda: services.publish_list(actor=request.user, service_list=service_list),
        _("已发布"),
    )
    return redirect("catalogue:list", pk=pk)


@require_POST
@requires(Action.MANAGE_CATALOGUE)
def list_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    service_list = _managed_list(request, pk)
    _report(
        request,
        lambda: services.withdraw_list(actor=request.user, service_list=service_list),
        _("已撤回为草稿"),
    )
    return redirect("catalogue:list", pk=pk)


@require_POST
@requires(Action.MANAGE_CATALOGUE)
def list_discard(request: HttpRequest, pk: int) -> HttpResponse:
    service_list = _managed_list(request, pk)
    if _report(
        request,
        lambda: services.discard_draft(actor=request.user, service_list=service_list),
        _("草稿已删除"),
    ):
        return redirect("catalogue:lists")
    return redirect("catalogue:list", pk=pk)


@requires(Action.MANAGE_CATALOGUE)
def entry_add(request: HttpRequest, pk: int) -> HttpResponse:
    service_list = _managed_list(request, pk)
    choices = [
        (item.code, f"{item.code} {item.name}") for item in queries.items_for_list(service_list)
    ]
    form = NewEntryForm(request.POST or None, item_choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_entry(
                actor=request.user,
                service_list=service_list,
                item_code=form.cleaned_data["item_code"],
                data=form.entry_data(adding=True),
            )
        except CatalogueDataError as error:
            form.add_problems(error.problems)
        except CatalogueStateError as error:
            messages.error(request, str(error))
            return redirect("catalogue:list", pk=pk)
        else:
            messages.success(request, _("已加入清单"))
            return redirect("catalogue:list", pk=pk)
    return render(
        request, "catalogue/entry_form.html", {"form": form, "list": service_list, "entry": None}
    )


@requires(Action.MANAGE_CATALOGUE)
def entry_edit(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    entry = _managed_entry(request, pk, entry_pk)
    if request.method == "POST":
        form = EntryForm(request.POST)
        if form.is_valid():
            try:
                services.update_entry(
                    actor=request.user, entry=entry, data=form.entry_data(adding=False)
                )
            except CatalogueDataError as error:
                form.add_problems(error.problems)
            except CatalogueStateError as error:
                messages.error(request, str(error))
                return redirect("catalogue:list", pk=pk)
            else:
                messages.success(request, _("已保存"))
                return redirect("catalogue:list", pk=pk)
    else:
        form = EntryForm(
            initial={
                "local_price": format_yuan(entry.local_price_fen),
                "is_price_example": "true" if entry.is_price_example else "false",
                "is_basic": "true" if entry.is_basic else "false",
                "eligibility": entry.eligibility,
                "funding": entry.funding,
                "frequency_limit": entry.frequency_limit,
                "lead_agency": entry.lead_agency,
            }
        )
    return render(
        request,
        "catalogue/entry_form.html",
        {"form": form, "list": entry.service_list, "entry": entry},
    )


@require_POST
@requires(Action.MANAGE_CATALOGUE)
def entry_remove(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    entry = _managed_entry(request, pk, entry_pk)
    _report(
        request,
        lambda: services.remove_entry(actor=request.user, entry=entry),
        _("已从清单移除"),
    )
    return redirect("catalogue:list", pk=pk)


@requires(Action.MANAGE_CATALOGUE)
def item_create(request: HttpRequest) -> HttpResponse:
    form = NewItemForm(
        request.POST or None, initial={"region_code": scope_code(request.user) or ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.create_item(
                actor=request.user,
                region_code=form.cleaned_data["region_code"],
                data=form.item_data(),
            )
        except CatalogueDataError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, _("已新增服务项目：%(name)s") % {"name": str(item)})
            return redirect("catalogue:item", code=item.code)
    return render(request, "catalogue/item_form.html", {"form": form, "item": None})


@requires(Action.MANAGE_CATALOGUE)
def item_edit(request: HttpRequest, code: str) -> HttpResponse:
    item = get_scoped_or_404(request.user, ServiceItem.objects.all(), code=code.upper())
    if request.method == "POST":
        form = ItemForm(request.POST, editing=True, initial={"code": item.code})
        if form.is_valid():
            try:
                services.update_item(
                    actor=request.user,
                    item=item,
                    data=form.item_data(),
                    reason=form.cleaned_data.get("reason", ""),
                )
            except CatalogueDataError as error:
                form.add_problems(error.problems)
            else:
                messages.success(request, _("已保存"))
                return redirect("catalogue:item", code=item.code)
    else:
        form = ItemForm(
            editing=True,
            initial={
                "code": item.code,
                "name": item.name,
                "category": item.category,
                "unit": item.unit,
                "standard_price": format_yuan(item.standard_price_fen),
                "is_price_example": "true" if item.is_price_example else "false",
                "service_standard": item.service_standard,
                "minimum_minutes": item.minimum_minutes or "",
                "is_basic": "true" if item.is_basic else "false",
                "is_active": "true" if item.is_active else "false",
                "source": item.source,
            },
        )
    return render(request, "catalogue/item_form.html", {"form": form, "item": item})
