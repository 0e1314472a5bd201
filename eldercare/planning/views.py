"""Pages of facility planning: the coverage report and its export, the map, village points,
residential areas against the space standard, and service-circle settings. Each view: parse →
access check → one service call → render."""

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.access import Action, get_scoped_or_404, requires, scoped
from eldercare.core.feedback import show_error, show_form_errors
from eldercare.planning import services
from eldercare.planning.errors import PlanningDataError
from eldercare.planning.exporting import XLSX_CONTENT_TYPE, export_response
from eldercare.planning.forms import AreaForm, CircleForm, GenerateForm, ImportForm, PointForm
from eldercare.planning.importing import Column, write_template
from eldercare.planning.models import CircleSetting, ResidentialArea, VillagePoint
from eldercare.planning.queries import report_region
from eldercare.planning.reports import coverage_report, effective_rule
from eldercare.regions.codes import subtree_range
from eldercare.regions.services import region_names
from eldercare.registry.importing.errors import FileImportError
from eldercare.registry.importing.readers import check_suffix

PAGE_SIZE = 100
UNCOVERED_SHOWN = 200


def _region_context(request: HttpRequest) -> dict[str, Any]:
    region = report_region(request.user, request.GET.get("region"))
    return {"region": region, "region_query": f"?region={region.code}" if region else ""}


# --- coverage ---------------------------------------------------------------------------------


@requires(Action.VIEW_GOVERNANCE)
def home(request: HttpRequest) -> HttpResponse:
    context = _region_context(request)
    if context["region"] is not None:
        report = coverage_report(context["region"])
        context |= {
            "report": report,
            "uncovered": [
                (row, report.village_names.get(row.code, ""))
                for row in report.uncovered[:UNCOVERED_SHOWN]
            ],
            "uncovered_more": max(0, len(report.uncovered) - UNCOVERED_SHOWN),
        }
    return render(request, "planning/home.html", context)


@requires(Action.VIEW_GOVERNANCE)
def export(request: HttpRequest) -> FileResponse | HttpResponse:
    region = report_region(request.user, request.GET.get("region"))
    if region is None:
        return redirect("planning:home")
    return export_response(actor=request.user, report=coverage_report(region))


@requires(Action.VIEW_GOVERNANCE)
def coverage_map(request: HttpRequest) -> HttpResponse:
    return render(request, "planning/map.html", _region_context(request))


# --- village points ---------------------------------------------------------------------------


@requires(Action.VIEW_GOVERNANCE)
def points(request: HttpRequest) -> HttpResponse:
    context = _region_context(request)
    rows = scoped(request.user, VillagePoint.objects.all())
    if context["region"] is not None:
        low, high = subtree_range(context["region"].code)
        rows = rows.filter(region_code__gte=low, region_code__lte=high)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context |= {
        "page": page,
        "names": region_names(p.region_code for p in page),
        "import_form": ImportForm(),
        "point_form": PointForm(),
        "generate_form": GenerateForm(
            initial={"region_code": context["region"].code if context["region"] else ""}
        ),
    }
    return render(request, "planning/points.html", context)


@require_POST
@requires(Action.MANAGE_GOVERNANCE)
def point_save(request: HttpRequest) -> HttpResponse:
    form = PointForm(request.POST)
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect("planning:points")
    try:
        point = services.save_village_point(actor=request.user, **form.cleaned_data)
    except PlanningDataError as error:
        show_error(request, error)
    else:
        messages.success(request, _("已保存 %(code)s 的位置") % {"code": point.region_code})
    return redirect("planning:points")


@require_POST
@requires(Action.MANAGE_GOVERNANCE)
def points_generate(request: HttpRequest) -> HttpResponse:
    form = GenerateForm(request.POST)
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect("planning:points")
    data = form.cleaned_data
    try:
        outcome = services.generate_village_points(
            actor=request.user,
            region_code=data["region_code"],
            centre=(data["latitude"], data["longitude"]),
            spread_km=data["spread_km"],
        )
    except PlanningDataError as error:
        show_error(request, error)
    else:
        messages.success(
            request,
            _("已生成 %(created)s 个示意位置，保留已有位置 %(kept)s 个")
            % {"created": outcome.created, "kept": outcome.unchanged},
        )
    return redirect("planning:points")


def _run_import(request: HttpRequest, importer: Any, back: str) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect(back)
    upload = form.cleaned_data["file"]
    try:
        check_suffix(upload.name)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / Path(upload.name).name
            with path.open("wb") as target:
                for chunk in upload.chunks():
                    target.write(chunk)
            outcome = importer(actor=request.user, path=path, dry_run=form.cleaned_data["dry_run"])
    except FileImportError as error:
        messages.error(request, error.message)
        return redirect(back)
    except PlanningDataError as error:
        show_error(request, error)
        return redirect(back)
    return render(
        request,
        "planning/import_result.html",
        {"outcome": outcome, "back": back, "file": upload.name},
    )


@require_POST
@requires(Action.MANAGE_GOVERNANCE)
def points_import(request: HttpRequest) -> HttpResponse:
    return _run_import(request, services.import_village_points, "planning:points")


def _template_response(
    columns: tuple[Column, ...], notes: tuple[str, ...], name: str
) -> FileResponse:
    file = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it once sent
    write_template(file, columns, notes)
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)


@requires(Action.MANAGE_GOVERNANCE)
def points_template(request: HttpRequest) -> FileResponse:
    return _template_response(
        services.POINT_COLUMNS, services.POINT_NOTES, "村（社区）位置导入模板.xlsx"
    )


# --- residential areas ------------------------------------------------------------------------


@requires(Action.VIEW_GOVERNANCE)
def areas(request: HttpRequest) -> HttpResponse:
    context = _region_context(request)
    rows = scoped(request.user, ResidentialArea.objects.all())
    if context["region"] is not None:
        low, high = subtree_range(context["region"].code)
        rows = rows.filter(region_code__gte=low, region_code__lte=high)
    if request.GET.get("below") == "1":
        rows_list = [a for a in rows if a.space_check.status == "below"]
    else:
        rows_list = list(rows)
    page = Paginator(rows_list, PAGE_SIZE).get_page(request.GET.get("page"))
    context |= {
        "page": page,
        "names": region_names(a.region_code for a in page),
        "only_below": request.GET.get("below") == "1",
        "import_form": ImportForm(),
    }
    return render(request, "planning/areas.html", context)


def _area_form_page(request: HttpRequest, area: ResidentialArea | None) -> HttpResponse:
    if request.method == "POST":
        form = AreaForm(request.POST)
        if form.is_valid():
            try:
                saved = services.save_residential_area(
                    actor=request.user, area=area, **form.cleaned_data
                )
            except PlanningDataError as error:
                show_error(request, error)
            else:
                messages.success(request, _("已保存小区“%(name)s”") % {"name": saved.name})
                return redirect("planning:areas")
        else:
            show_form_errors(request, form)
    elif area is not None:
        form = AreaForm(
            initial={
                field: getattr(area, field)
                for field in (
                    "region_code",
                    "name",
                    "kind",
                    "households",
                    "service_floor_area_m2",
                    "note",
                )
            }
        )
    else:
        form = AreaForm()
    return render(request, "planning/area_form.html", {"form": form, "area": area})


@requires(Action.MANAGE_GOVERNANCE)
def area_new(request: HttpRequest) -> HttpResponse:
    return _area_form_page(request, None)


@requires(Action.MANAGE_GOVERNANCE)
def area_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _area_form_page(
        request, get_scoped_or_404(request.user, ResidentialArea.objects.all(), pk=pk)
    )


@require_POST
@requires(Action.MANAGE_GOVERNANCE)
def area_delete(request: HttpRequest, pk: int) -> HttpResponse:
    area = get_scoped_or_404(request.user, ResidentialArea.objects.all(), pk=pk)
    services.delete_residential_area(actor=request.user, area=area)
    messages.success(request, _("已删除小区“%(name)s”") % {"name": area.name})
    return redirect("planning:areas")


@require_POST
@requires(Action.MANAGE_GOVERNANCE)
def areas_import(request: HttpRequest) -> HttpResponse:
    return _run_import(request, services.import_residential_areas, "planning:areas")


@requires(Action.MANAGE_GOVERNANCE)
def areas_template(request: HttpRequest) -> FileResponse:
    return _template_response(services.AREA_COLUMNS, services.AREA_NOTES, "居住小区导入模板.xlsx")


# --- service-circle settings ------------------------------------------------------------------


@requires(Action.VIEW_GOVERNANCE)
def circles(request: HttpRequest) -> HttpResponse:
    form = CircleForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            show_form_errors(request, form)
        else:
            try:
                services.save_circle_setting(actor=request.user, **form.cleaned_data)
            except PlanningDataError as error:
                show_error(request, error)
            else:
                messages.success(request, _("已保存服务圈设置"))
                return redirect("planning:circles")
    rows = list(scoped(request.user, CircleSetting.objects.all()))
    region = report_region(request.user, request.GET.get("region"))
    effective = effective_rule(region.code) if region is not None else None
    codes = [r.region_code for r in rows] + [effective.region_code if effective else ""]
    return render(
        request,
        "planning/circles.html",
        {
            "rows": rows,
            "names": region_names(codes),
            "form": form,
            "region": region,
            "effective": effective,
        },
    )


@require_POST
@requires(Action.MANAGE_GOVERNANCE)
def circle_delete(request: HttpRequest, pk: int) -> HttpResponse:
    setting = get_scoped_or_404(request.user, CircleSetting.objects.all(), pk=pk)
    services.delete_circle_setting(actor=request.user, setting=setting)
    messages.success(request, _("已删除服务圈设置"))
    return redirect("planning:circles")
