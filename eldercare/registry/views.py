"""Pages of the registry. Each view: parse → access check → one service call → render."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.access import Action, can, get_scoped_or_404, requires, scope_code, scoped
from eldercare.core.models import AuditEvent
from eldercare.regions.services import region_names
from eldercare.registry import services
from eldercare.registry.choices import CATEGORY_LABELS, ResidentStatus
from eldercare.registry.exporting import export_response
from eldercare.registry.filters import FilterError, filter_residents
from eldercare.registry.forms import ContactFormSet, ResidentForm, ScreeningForm, StatusForm
from eldercare.registry.models import Resident, ScreeningRecord
from eldercare.registry.panels import resident_panels
from eldercare.registry.rules import Category, ResidentFacts, age_on, categories
from eldercare.registry.serializers import SUMMARY_COLUMNS, resident_rows
from eldercare.registry.statistics import category_counts, sub_region_counts
from eldercare.registry.validation import ResidentDataError

PAGE_SIZE = 50


def _residents(request: HttpRequest) -> Any:
    return scoped(request.user, Resident.objects.all())


@requires(Action.VIEW_REGISTRY)
def dashboard(request: HttpRequest) -> HttpResponse:
    today = services.today_local()
    residents = _residents(request).filter(status="active")
    total, by_category = category_counts(residents, today)
    code = scope_code(request.user) or ""
    return render(
        request,
        "registry/dashboard.html",
        {
            "total": total,
            "by_category": by_category,
            "by_region": sub_region_counts(residents, code, today),
            "scope_name": region_names([code]).get(code, _("全国")),
        },
    )


@requires(Action.VIEW_REGISTRY)
def resident_list(request: HttpRequest) -> HttpResponse:
    today = services.today_local()
    try:
        residents, applied = filter_residents(_residents(request), request.GET, today=today)
    except FilterError as error:
        messages.error(request, str(error))
        residents, applied = _residents(request).none(), {}
    page = _page_number(request)
    window = list(residents.values(*SUMMARY_COLUMNS)[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    has_next = len(window) > PAGE_SIZE
    rows = resident_rows(request.user, window[:PAGE_SIZE], today=today)
    for row in rows:
        row["status_label"] = ResidentStatus(row["status"]).label
        row["category_labels"] = [CATEGORY_LABELS[Category(c)] for c in row["categories"]]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "registry/resident_list.html",
        {
            "rows": rows,
            "applied": applied,
            "page": page,
            "has_next": has_next,
            "query": query.urlencode(),
            "categories": [(c.value, CATEGORY_LABELS[c]) for c in Category],
            "can_edit": can(request.user, Action.EDIT_REGISTRY),
            "can_export": can(request.user, Action.EXPORT_REGISTRY),
            "can_import": can(request.user, Action.IMPORT_REGISTRY),
        },
    )


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@requires(Action.EXPORT_REGISTRY)
def resident_export(request: HttpRequest) -> HttpResponseBase:
    try:
        residents, applied = filter_residents(
            _residents(request), request.GET, today=services.today_local()
        )
    except FilterError as error:
        messages.error(request, str(error))
        return redirect("registry:list")
    return export_response(actor=request.user, queryset=residents, filters=applied)


@requires(Action.VIEW_REGISTRY)
def resident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resident = get_scoped_or_404(
        request.user,
        Resident.objects.prefetch_related(
            "phones",
            "contacts",
            Prefetch("screenings", queryset=ScreeningRecord.objects.order_by("-screened_on")),
        ),
        pk=pk,
    )
    return _render_detail(request, resident, revealed=None)


def _render_detail(
    request: HttpRequest, resident: Resident, revealed: dict[str, Any] | None
) -> HttpResponse:
    today = services.today_local()
    facts = ResidentFacts(
        birth_date=resident.birth_date,
        economic_status=resident.economic_status,
        living_arrangement=resident.living_arrangement,
        family_planning_status=resident.family_planning_status,
        disability_grade=resident.disability_grade,
    )
    history = list(
        AuditEvent.objects.filter(
            object_type="registry.resident", object_id=str(resident.pk)
        ).order_by("-created_at", "-id")[:50]
    )
    for event in history:
        event.field_changes = _field_changes(event)  # type: ignore[attr-defined]
    return render(
        request,
        "registry/resident_detail.html",
        {
            "resident": resident,
            "age": age_on(resident.birth_date, today),
            "categories": [CATEGORY_LABELS[c] for c in sorted(categories(facts, today))],
            "region_name": region_names([resident.region_code]).get(resident.region_code, ""),
            "revealed": revealed,
            "history": history
            if can(request.user, Action.VIEW_AUDIT) or can(request.user, Action.EDIT_REGISTRY)
            else [],
            "can_edit": can(request.user, Action.EDIT_REGISTRY),
            "can_reveal": can(request.user, Action.VIEW_UNMASKED),
            "status_form": StatusForm(initial={"status": resident.status}),
            "screening_form": ScreeningForm(initial={"screened_on": today}),
            "panels": resident_panels(request, resident),
        },
    )


def _field_changes(event: AuditEvent) -> list[dict[str, Any]]:
    """An update's {field: [before, after]} with the field's label, for the history table."""
    if event.action != "update":
        return []
    changes = []
    for name, (before, after) in event.changes.items():
        try:
            label = getattr(Resident._meta.get_field(name), "verbose_name", name)
        except FieldDoesNotExist:
            label = _("联系电话") if name == "phones" else name
        changes.append({"label": label, "before": before, "after": after})
    return changes


@require_POST
@requires(Action.VIEW_UNMASKED)
def resident_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    resident = get_scoped_or_404(request.user, Resident.objects.all(), pk=pk)
    revealed = services.reveal_resident(actor=request.user, resident=resident, purpose="页面查看")
    return _render_detail(request, resident, revealed=revealed)


def _form_data(form: ResidentForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data.pop("reason", None)
    return data


@requires(Action.EDIT_REGISTRY)
def resident_create(request: HttpRequest) -> HttpResponse:
    form = ResidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            resident = services.register_resident(actor=request.user, data=_form_data(form))
        except ResidentDataError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, _("已登记：%(name)s") % {"name": resident.name})
            return redirect("registry:detail", pk=resident.pk)
    return render(request, "registry/resident_form.html", {"form": form, "resident": None})


@requires(Action.EDIT_REGISTRY)
def resident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    resident = get_scoped_or_404(request.user, Resident.objects.all(), pk=pk)
    if request.method == "POST":
        form = ResidentForm(request.POST)
        if form.is_valid():
            try:
                services.update_resident(
                    actor=request.user,
                    resident=resident,
                    data=_form_data(form),
                    reason=form.cleaned_data["reason"],
                )
            except ResidentDataError as error:
                form.add_problems(error.problems)
            else:
                messages.success(request, _("已保存"))
                return redirect("registry:detail", pk=resident.pk)
    else:
        initial = {
            field: getattr(resident, field)
            for field in ResidentForm.base_fields
            if hasattr(resident, field)
        }
        initial["phones"] = "、".join(resident.phones.values_list("number", flat=True))
        form = ResidentForm(initial=initial)
    return render(request, "registry/resident_form.html", {"form": form, "resident": resident})


@require_POST
@requires(Action.EDIT_REGISTRY)
def resident_status(request: HttpRequest, pk: int) -> HttpResponse:
    resident = get_scoped_or_404(request.user, Resident.objects.all(), pk=pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("状态变更未保存：请检查日期"))
        return redirect("registry:detail", pk=pk)
    try:
        services.change_resident_status(actor=request.user, resident=resident, **form.cleaned_data)
    except ResidentDataError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("状态已更新"))
    return redirect("registry:detail", pk=pk)


@requires(Action.EDIT_REGISTRY)
def resident_contacts(request: HttpRequest, pk: int) -> HttpResponse:
    resident = get_scoped_or_404(request.user, Resident.objects.all(), pk=pk)
    if request.method == "POST":
        formset = ContactFormSet(request.POST)
        if formset.is_valid():
            contacts = [form.cleaned_data for form in formset if form.cleaned_data.get("name")]
            try:
                services.replace_contacts(actor=request.user, resident=resident, contacts=contacts)
            except ResidentDataError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("紧急联系人已保存"))
                return redirect("registry:detail", pk=pk)
    else:
        formset = ContactFormSet(
            initial=list(resident.contacts.values("name", "relation", "phone"))
        )
    return render(
        request, "registry/resident_contacts.html", {"resident": resident, "formset": formset}
    )


@require_POST
@requires(Action.EDIT_REGISTRY)
def resident_screening(request: HttpRequest, pk: int) -> HttpResponse:
    resident = get_scoped_or_404(request.user, Resident.objects.all(), pk=pk)
    form = ScreeningForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("筛查记录未保存：请检查日期"))
        return redirect("registry:detail", pk=pk)
    try:
        services.record_screening(actor=request.user, resident=resident, data=form.cleaned_data)
    except ResidentDataError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("筛查记录已保存"))
    return redirect("registry:detail", pk=pk)
