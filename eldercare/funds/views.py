"""Pages of the pilot funds: execution progress (chart, sub-regions, lottery share), sources,
allocations, projects, expenditure entry with vouchers, corrections, the Excel ledger and the
audited voucher download. Each view: parse → access check → one service call → render."""

from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.access import (
    Action,
    can,
    chosen_region,
    get_scoped_or_404,
    requires,
    scoped,
)
from eldercare.core.feedback import show_error, show_form_errors
from eldercare.core.money import format_fen
from eldercare.funds import execution, services
from eldercare.funds.errors import FundsDataError, FundsLimitError, FundsStateError
from eldercare.funds.exporting import XLSX_CONTENT_TYPE, export_ledger, ledger_filename
from eldercare.funds.forms import (
    AllocationForm,
    ExecutionFilterForm,
    ExpenditureForm,
    ProjectForm,
    ReasonForm,
    SourceForm,
    VoucherForm,
)
from eldercare.funds.models import Allocation, Expenditure, Source, Voucher
from eldercare.funds.queries import (
    allocations_for,
    expenditures_for,
    managed_regions,
    projects_for,
    sources_for,
)
from eldercare.funds.series import share
from eldercare.regions.services import region_names

PAGE_SIZE = 50


def _page(request: HttpRequest, rows: QuerySet[Any]) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _names(*groups: Any) -> dict[str, str]:
    return region_names({row.region_code for group in groups for row in group})


# --- execution --------------------------------------------------------------------------------


@requires(Action.VIEW_FUNDS)
def execution_page(request: HttpRequest) -> HttpResponse:
    form = ExecutionFilterForm(request.GET or None)
    form.is_valid()
    data = form.cleaned_data if form.is_bound else {}
    region = chosen_region(request.user, data.get("region"))
    on: date = data.get("on") or services.today_local()
    kinds = [data["kind"]] if data.get("kind") else None
    children = execution.children_progress(region, on, kinds)
    series = execution.monthly_series(region, on, kinds)
    lottery = execution.lottery_share(region, on)
    path = execution.region_path(region) if region else []
    names = region_names([*path, *(child.code for child, _found in children)])
    chart = {
        "months": [point.on.strftime("%Y-%m") for point in series],
        "received": [point.received_fen / 100 for point in series],
        "spent": [point.spent_fen / 100 for point in series],
        "rate": [float(point.rate * 100) if point.rate is not None else None for point in series],
        "labels": {
            "received": _("到位资金（元）"),
            "spent": _("累计支出（元）"),
            "rate": _("执行进度（%）"),
        },
    }
    return render(
        request,
        "funds/execution.html",
        {
            "form": form,
            "region": region,
            "region_name": names.get(region, _("全国")),
            "path": [(code, names.get(code, code)) for code in path],
            "on": on,
            "kind": data.get("kind") or "",
            "total": execution.progress(region, on, kinds),
            "by_kind": execution.progress_by_kind(region, on),
            "children": [
                (child, names.get(child.code, child.name), found) for child, found in children
            ],
            "lottery": lottery,
            "chart": chart,
        },
    )


# --- sources ----------------------------------------------------------------------------------


@requires(Action.VIEW_FUNDS)
def source_list(request: HttpRequest) -> HttpResponse:
    page = _page(
        request,
        sources_for(request.user).annotate(spent=Coalesce(Sum("allocations__spent_fen"), 0)),
    )
    form = None
    if can(request.user, Action.MANAGE_FUNDS):
        form = SourceForm(
            request.POST or None,
            regions=managed_regions(request.user),
            initial={"year": services.today_local().year},
        )
        if request.method == "POST":
            if not form.is_valid():
                show_form_errors(request, form)
            else:
                try:
                    source = services.create_source(actor=request.user, data=form.to_input())
                except FundsDataError as error:
                    show_error(request, error)
                else:
                    messages.success(request, _("资金来源已登记"))
                    return redirect("funds:source", pk=source.pk)
    return render(
        request,
        "funds/sources.html",
        {"page": page, "form": form, "region_names": _names(page.object_list)},
    )


@requires(Action.VIEW_FUNDS)
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_scoped_or_404(request.user, sources_for(request.user), pk=pk)
    allocations = source.allocations.select_related("project", "reversal").order_by(
        "allocated_on", "id"
    )
    spent_fen = sum(row.spent_fen for row in allocations)
    context: dict[str, Any] = {
        "source": source,
        "allocations": allocations,
        "spent_fen": spent_fen,
        "rate": share(spent_fen, source.net_fen),
        "region_names": _names([source], allocations),
        "corrections": sources_for(request.user).filter(corrects=source),
    }
    if can(request.user, Action.MANAGE_FUNDS) and source.is_live:
        regions = managed_regions(request.user, within=source.region_code)
        context["allocation_form"] = AllocationForm(
            regions=regions,
            projects=projects_for(request.user).filter(region_code__in=regions.values("code")),
            initial={"region_code": source.region_code},
        )
        context["reason_form"] = ReasonForm()
        context["correct_form"] = SourceForm(
            prefix="new",
            regions=managed_regions(request.user),
            initial={
                "region_code": source.region_code,
                "kind": source.kind,
                "year": source.year,
                "name": source.name,
                "amount_yuan": format_fen(source.amount_fen),
                "received_on": source.received_on,
                "document_no": source.document_no,
                "note": source.note,
            },
        )
    return render(request, "funds/source.html", context)


@requires(Action.MANAGE_FUNDS)
@require_POST
def source_allocate(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_scoped_or_404(request.user, sources_for(request.user), pk=pk)
    regions = managed_regions(request.user, within=source.region_code)
    form = AllocationForm(request.POST, regions=regions, projects=projects_for(request.user))
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect("funds:source", pk=pk)
    try:
        allocation = services.allocate(actor=request.user, source=source, data=form.to_input())
    except (FundsDataError, FundsLimitError, FundsStateError) as error:
        show_error(request, error)
        return redirect("funds:source", pk=pk)
    messages.success(request, _("资金已下达"))
    return redirect("funds:allocation", pk=allocation.pk)


@requires(Action.MANAGE_FUNDS)
@require_POST
def source_correct(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_scoped_or_404(request.user, sources_for(request.user), pk=pk)
    form = SourceForm(request.POST, prefix="new", regions=managed_regions(request.user))
    return _correct(
        request,
        source,
        form,
        "funds:source",
        lambda reason, replacement: services.correct_source(
            actor=request.user, source=source, reason=reason, replacement=replacement
        ),
    )


# --- allocations and expenditures -------------------------------------------------------------


@requires(Action.VIEW_FUNDS)
def allocation_list(request: HttpRequest) -> HttpResponse:
    page = _page(request, allocations_for(request.user))
    return render(
        request,
        "funds/allocations.html",
        {"page": page, "region_names": _names(page.object_list)},
    )


@requires(Action.VIEW_FUNDS)
def allocation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    allocation = get_scoped_or_404(request.user, allocations_for(request.user), pk=pk)
    expenditures = allocation.expenditures.select_related("reversal").order_by("spent_on", "id")
    context: dict[str, Any] = {
        "allocation": allocation,
        "expenditures": expenditures,
        "region_names": _names([allocation]),
        "corrections": allocations_for(request.user).filter(corrects=allocation),
    }
    if can(request.user, Action.MANAGE_FUNDS) and allocation.is_live:
        regions = managed_regions(request.user, within=allocation.source.region_code)
        context["spend_form"] = ExpenditureForm(initial={"spent_on": services.today_local()})
        context["reason_form"] = ReasonForm()
        context["correct_form"] = AllocationForm(
            prefix="new",
            regions=regions,
            projects=projects_for(request.user).filter(region_code__in=regions.values("code")),
            initial={
                "region_code": allocation.region_code,
                "project": allocation.project_id,
                "use": allocation.use,
                "amount_yuan": format_fen(allocation.amount_fen),
                "allocated_on": allocation.allocated_on,
                "document_no": allocation.document_no,
                "note": allocation.note,
            },
        )
    return render(request, "funds/allocation.html", context)


@requires(Action.MANAGE_FUNDS)
@require_POST
def allocation_spend(request: HttpRequest, pk: int) -> HttpResponse:
    allocation = get_scoped_or_404(request.user, allocations_for(request.user), pk=pk)
    form = ExpenditureForm(request.POST, request.FILES)
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect("funds:allocation", pk=pk)
    try:
        expenditure = services.spend(
            actor=request.user,
            allocation=allocation,
            data=form.to_input(),
            vouchers=request.FILES.getlist("vouchers"),
        )
    except (FundsDataError, FundsLimitError, FundsStateError) as error:
        show_error(request, error)
        return redirect("funds:allocation", pk=pk)
    messages.success(request, _("支出已登记，凭证号 %(no)s") % {"no": expenditure.voucher_no})
    return redirect("funds:allocation", pk=pk)


@requires(Action.MANAGE_FUNDS)
@require_POST
def allocation_correct(request: HttpRequest, pk: int) -> HttpResponse:
    allocation = get_scoped_or_404(request.user, allocations_for(request.user), pk=pk)
    regions = managed_regions(request.user, within=allocation.source.region_code)
    form = AllocationForm(
        request.POST, prefix="new", regions=regions, projects=projects_for(request.user)
    )
    return _correct(
        request,
        allocation,
        form,
        "funds:allocation",
        lambda reason, replacement: services.correct_allocation(
            actor=request.user, allocation=allocation, reason=reason, replacement=replacement
        ),
    )


@requires(Action.VIEW_FUNDS)
def expenditure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    expenditure = get_scoped_or_404(request.user, expenditures_for(request.user), pk=pk)
    chain = services.voucher_chain(expenditure)
    context: dict[str, Any] = {
        "expenditure": expenditure,
        "chain": chain,
        "vouchers": scoped(request.user, Voucher.objects.filter(expenditure__in=chain)),
        "corrections": expenditures_for(request.user).filter(corrects=expenditure),
        "region_names": _names([expenditure]),
    }
    if can(request.user, Action.MANAGE_FUNDS) and expenditure.is_live:
        context["reason_form"] = ReasonForm()
        context["voucher_form"] = VoucherForm()
        context["correct_form"] = ExpenditureForm(
            prefix="new",
            initial={
                "amount_yuan": format_fen(expenditure.amount_fen),
                "spent_on": expenditure.spent_on,
                "payee": expenditure.payee,
                "purpose": expenditure.purpose,
                "voucher_no": expenditure.voucher_no,
            },
        )
    return render(request, "funds/expenditure.html", context)


@requires(Action.MANAGE_FUNDS)
@require_POST
def expenditure_correct(request: HttpRequest, pk: int) -> HttpResponse:
    expenditure = get_scoped_or_404(request.user, expenditures_for(request.user), pk=pk)
    form = ExpenditureForm(request.POST, request.FILES, prefix="new")
    return _correct(
        request,
        expenditure,
        form,
        "funds:expenditure",
        lambda reason, replacement: services.correct_expenditure(
            actor=request.user,
            expenditure=expenditure,
            reason=reason,
            replacement=replacement,
            vouchers=request.FILES.getlist("new-vouchers") if replacement else (),
        ),
    )


def _correct(
    request: HttpRequest,
    entry: Source | Allocation | Expenditure,
    form: Any,
    page: str,
    correct: Callable[[str, Any], Any],
) -> HttpResponse:
    """The frame of the three corrections: a reason, and with "replace" ticked the corrected
    values in `form`; `correct(reason, replacement or None)` reverses (and replaces) the entry."""
    reason = ReasonForm(request.POST)
    replace = request.POST.get("replace") == "on"
    if not reason.is_valid() or (replace and not form.is_valid()):
        show_form_errors(request, reason)
        if replace:  # a plain cancellation does not fill in the corrected values
            show_form_errors(request, form)
        return redirect(page, pk=entry.pk)
    try:
        result = correct(reason.cleaned_data["reason"], form.to_input() if replace else None)
    except (FundsDataError, FundsLimitError, FundsStateError) as error:
        show_error(request, error)
        return redirect(page, pk=entry.pk)
    messages.success(request, _("已冲销原记录") if result.replacement is None else _("已更正"))
    return redirect(page, pk=(result.replacement or entry).pk)


@requires(Action.MANAGE_FUNDS)
@require_POST
def voucher_upload(request: HttpRequest, pk: int) -> HttpResponse:
    expenditure = get_scoped_or_404(request.user, expenditures_for(request.user), pk=pk)
    form = VoucherForm(request.POST, request.FILES)
    if not form.is_valid():
        show_form_errors(request, form)
    else:
        try:
            services.add_voucher(
                actor=request.user, expenditure=expenditure, upload=form.cleaned_data["file"]
            )
        except FundsDataError as error:
            show_error(request, error)
        else:
            messages.success(request, _("凭证已上传"))
    return redirect("funds:expenditure", pk=pk)


@requires(Action.VIEW_FUNDS)
def voucher_download(request: HttpRequest, pk: int) -> FileResponse:
    voucher = get_scoped_or_404(request.user, Voucher.objects.select_related("expenditure"), pk=pk)
    handle = services.open_voucher(actor=request.user, voucher=voucher)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=voucher.original_name,
        content_type=voucher.content_type,
    )


# --- projects and the ledger ------------------------------------------------------------------


@requires(Action.VIEW_FUNDS)
def project_list(request: HttpRequest) -> HttpResponse:
    page = _page(request, projects_for(request.user))
    form = None
    if can(request.user, Action.MANAGE_FUNDS):
        form = ProjectForm(request.POST or None, regions=managed_regions(request.user))
        if request.method == "POST":
            if not form.is_valid():
                show_form_errors(request, form)
            else:
                try:
                    services.create_project(actor=request.user, data=form.to_input())
                except FundsDataError as error:
                    show_error(request, error)
                else:
                    messages.success(request, _("项目已登记"))
                    return redirect("funds:projects")
    return render(
        request,
        "funds/projects.html",
        {"page": page, "form": form, "region_names": _names(page.object_list)},
    )


@requires(Action.VIEW_FUNDS)
def ledger_export(request: HttpRequest) -> HttpResponse:
    source = None
    if request.GET.get("source"):
        source = get_scoped_or_404(
            request.user, sources_for(request.user), pk=request.GET["source"]
        )
        region = None
        label = f"{source.year}-{source.pk}"
    else:
        region = chosen_region(request.user, request.GET.get("region"))
        label = region or "all"
    content, _count = export_ledger(actor=request.user, source=source, region_code=region)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    filename = ledger_filename(label, services.today_local())
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
