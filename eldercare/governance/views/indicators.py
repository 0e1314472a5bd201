"""Indicators: every catalogue indicator for a region and day with its value, the targets the
loaded lists and sheets set and the gap; one indicator's definition and breakdown by sub-region;
the residents behind a registry indicator; and entering a manual value."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from eldercare.accounts.access import Action, can, requires, scoped
from eldercare.governance.errors import GovernanceError
from eldercare.governance.forms import IndicatorValueForm
from eldercare.governance.indicators.computed import REGISTRY_INDICATORS, breakdown, is_computed
from eldercare.governance.indicators.values import indicator_row
from eldercare.governance.rules.indicator_catalogue import CATALOGUE, Source
from eldercare.governance.services.indicators import enter_indicator_value
from eldercare.governance.views.common import form_error, region_and_day, region_label
from eldercare.regions.services import region_names

ROWS_PER_PAGE = 50


@requires(Action.VIEW_GOVERNANCE)
def indicators(request: HttpRequest, form: IndicatorValueForm | None = None) -> HttpResponse:
    region, day, region_form = region_and_day(request)
    rows = [indicator_row(code, region, day) for code in CATALOGUE]
    return render(
        request,
        "governance/indicators.html",
        {
            "rows": rows,
            "region": region,
            "region_name": region_label(region),
            "day": day,
            "region_form": region_form,
            "form": (form or IndicatorValueForm(initial={"region_code": region, "as_of": day}))
            if can(request.user, Action.MANAGE_GOVERNANCE)
            else None,
        },
        status=400 if form is not None else 200,
    )


@require_POST
@requires(Action.MANAGE_GOVERNANCE)
def indicator_value(request: HttpRequest) -> HttpResponseBase:
    form = IndicatorValueForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            entry = enter_indicator_value(
                actor=request.user,
                code=data["code"],
                region_code=data["region_code"],
                as_of=data["as_of"],
                evidence=data["evidence"],
                value=data["value"],
                numerator=data["numerator"],
                denominator=data["denominator"],
            )
        except GovernanceError as error:
            form_error(form, error)
        else:
            messages.success(request, _("%(name)s：已填报") % {"name": CATALOGUE[entry.code].name})
            query = urlencode({"region": entry.region_code, "on": entry.as_of.isoformat()})
            return redirect(f"{reverse('governance:indicators')}?{query}")
    return indicators(request, form=form)


@requires(Action.VIEW_GOVERNANCE)
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    if code not in CATALOGUE:
        raise Http404("没有这个指标")
    region, day, region_form = region_and_day(request)
    rows = breakdown(code, region, day)
    names = region_names(row.code for row in rows)
    return render(
        request,
        "governance/indicator.html",
        {
            "row": indicator_row(code, region, day),
            "definition": CATALOGUE[code],
            "breakdown": [(row, names.get(row.code, row.code)) for row in rows],
            "region": region,
            "region_name": region_label(region),
            "day": day,
            "region_form": region_form,
            "has_rows": code in REGISTRY_INDICATORS and can(request.user, Action.VIEW_REGISTRY),
            "is_manual": CATALOGUE[code].source == Source.MANUAL and not is_computed(code),
            "is_computed": is_computed(code),
        },
    )


PARTS = {
    "numerator": gettext_lazy("计入分子的人"),
    "missing": gettext_lazy("在分母中、未计入分子的人"),
    "denominator": gettext_lazy("分母（全部）"),
}


@requires(Action.VIEW_REGISTRY)
def indicator_rows(request: HttpRequest, code: str) -> HttpResponse:
    """The residents behind a registry indicator: who counts, who is still missing."""
    if not can(request.user, Action.VIEW_GOVERNANCE):
        raise Http404("记录不存在")
    indicator = REGISTRY_INDICATORS.get(code)
    if indicator is None:
        raise Http404("该指标没有明细")
    region, day, region_form = region_and_day(request)
    part = request.GET.get("part") or "missing"
    if part not in PARTS:
        part = "missing"
    residents = scoped(request.user, indicator.residents(region, day))
    if part == "numerator":
        residents = residents.filter(indicator.numerator(day))
    elif part == "missing":
        residents = residents.exclude(indicator.numerator(day))
    page = Paginator(residents.order_by("region_code", "id"), ROWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    names = region_names(r.region_code for r in page.object_list)
    for resident in page.object_list:
        resident.village_name = names.get(resident.region_code, "")  # type: ignore[attr-defined]
    return render(
        request,
        "governance/indicator_rows.html",
        {
            "definition": CATALOGUE[code],
            "page": page,
            "part": part,
            "part_label": PARTS[part],
            "parts": PARTS,
            "region": region,
            "region_name": region_label(region),
            "day": day,
            "region_form": region_form,
            "query": urlencode({"region": region, "on": day.isoformat(), "part": part}),
        },
    )
