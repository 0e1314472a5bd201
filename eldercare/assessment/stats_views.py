"""Pages of assessment reporting: the report PDF of one assessment, and the statistics page.

Each view: parse → access check → one service/query call → render.
"""

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from eldercare.accounts.access import (
    Action,
    chosen_region,
    get_scoped_or_404,
    in_scope,
    requires,
    scope_code,
    scoped,
)
from eldercare.assessment.errors import AssessmentStateError
from eldercare.assessment.models import Assessment, CurrentAssessment
from eldercare.assessment.report import assessment_report_pdf, report_filename
from eldercare.assessment.scoring import GBT42195, LEVEL_NAMES, MZT039
from eldercare.assessment.statistics import in_region, level_comparison, region_overview
from eldercare.core.pdf import pdf_response
from eldercare.regions.codes import ancestor_codes
from eldercare.regions.services import region_names
from eldercare.registry.models import Resident


@requires(Action.VIEW_ASSESSMENTS)
def report(request: HttpRequest, pk: int) -> HttpResponseBase:
    assessment = get_scoped_or_404(
        request.user, Assessment.objects.select_related("resident", "supersedes"), pk=pk
    )
    try:
        pdf = assessment_report_pdf(actor=request.user, assessment=assessment)
    except AssessmentStateError as error:
        return HttpResponse(str(error), status=409, content_type="text/plain; charset=utf-8")
    return pdf_response(pdf, report_filename(assessment))


@requires(Action.VIEW_ASSESSMENTS)
def statistics(request: HttpRequest) -> HttpResponse:
    code = chosen_region(request.user, request.GET.get("region"))
    residents = in_region(scoped(request.user, Resident.objects.all()), code)
    current = in_region(scoped(request.user, CurrentAssessment.objects.all()), code)
    overview = region_overview(residents, code)
    comparison = level_comparison(current)
    return render(
        request,
        "assessment/statistics.html",
        {
            "region_code": code,
            "scope_name": overview.total.name if code else _("全国"),
            "trail": _trail(request, code),
            "overview": overview,
            "mzt039_levels": list(enumerate(LEVEL_NAMES[MZT039])),
            "gbt42195_levels": list(enumerate(LEVEL_NAMES[GBT42195])),
            "comparison": comparison,
        },
    )


def _trail(request: HttpRequest, code: str) -> list[tuple[str, str]]:
    """The regions from the user's own scope down to the chosen one, for the breadcrumb."""
    own = scope_code(request.user) or ""
    if not code or code == own:
        return []
    codes = [c for c in ancestor_codes(code) if in_scope(request.user, c)]
    names = region_names(codes)
    return [(c, names.get(c, c)) for c in codes]
