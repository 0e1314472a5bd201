"""/api/v1/assessments/: capability assessment for field apps (tablets, other systems).

A field app fetches the item catalogue of a standard, posts a complete assessment (scored on the
server with the region's settings, stored finished), downloads the report, and lists who is due.
Each handler parses, finds objects through accounts.access (outside the scope = 404), calls one
service and renders the result.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from eldercare.accounts.access import Action, get_scoped_or_404, scope_code, scoped
from eldercare.accounts.api_permissions import ActionPermission
from eldercare.assessment import services
from eldercare.assessment.errors import AssessmentDataError, Problem
from eldercare.assessment.models import Assessment, AssessmentStatus, Source, Standard
from eldercare.assessment.report import assessment_report_pdf, report_filename
from eldercare.assessment.schedule import WINDOWS, assessors_in, due_assessments
from eldercare.assessment.scoring import catalogue_as_data
from eldercare.core.api_problems import ProblemResponses, json_body
from eldercare.core.normalize import ValueFormatError, parse_date
from eldercare.core.pagination import CappedCountPagination
from eldercare.core.pdf import pdf_response
from eldercare.registry.models import Resident

INPUT_FIELDS = ("resident", *services.DATA_FIELDS)
CORRECTION_FIELDS = (*services.DATA_FIELDS, "correction_reason")


def assessment_data(assessment: Assessment) -> dict[str, Any]:
    return {
        "id": assessment.pk,
        "resident": assessment.resident_id,
        "standard": assessment.standard,
        "status": assessment.status,
        "assessed_on": assessment.assessed_on.isoformat(),
        "place": assessment.place,
        "place_detail": assessment.place_detail,
        "reason": assessment.reason,
        "assessors": [assessment.first_assessor_name, assessment.second_assessor_name],
        "level": assessment.level,
        "level_name": assessment.level_name,
        "preliminary_level": assessment.preliminary_level,
        "total_score": assessment.total_score,
        "result": assessment.result,
        "answers": assessment.answers,
        "conditions": assessment.conditions,
        "basic_info": assessment.basic_info,
        "supersedes": assessment.supersedes_id,
        "correction_reason": assessment.correction_reason,
        "source": assessment.source,
        "finished_at": assessment.finished_at.isoformat() if assessment.finished_at else None,
    }


@extend_schema_view(
    list=extend_schema(
        operation_id="assessments_list",
        summary="能力评估记录",
        parameters=[
            OpenApiParameter("resident", int),
            OpenApiParameter("standard", str, enum=Standard.values),
            OpenApiParameter("level", int),
        ],
    ),
    retrieve=extend_schema(summary="一份能力评估"),
    create=extend_schema(
        summary="提交一份完整的能力评估（服务器评分，提交后不可修改）",
        request=OpenApiTypes.OBJECT,
        responses={201: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    ),
    correct=extend_schema(
        summary="更正评估：生成新评估取代原评估，原评估保留",
        request=OpenApiTypes.OBJECT,
        responses={201: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT},
    ),
    report=extend_schema(
        summary="评估报告 PDF（记入审计）",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    ),
    catalogue=extend_schema(
        operation_id="assessment_catalogue",
        summary="评估标准的指标、项目和选项全文",
        parameters=[OpenApiParameter("standard", str, enum=Standard.values, required=True)],
    ),
    request_reassessment=extend_schema(
        summary="报告状况变化：该老人需要即时评估",
        request=OpenApiTypes.OBJECT,
        responses={201: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    ),
    due=extend_schema(
        operation_id="assessments_due",
        summary="到期和逾期的评估",
        parameters=[
            OpenApiParameter("window", str, enum=list(WINDOWS)),
            OpenApiParameter("region", str),
            OpenApiParameter("assessor", int),
        ],
    ),
)
class AssessmentViewSet(ProblemResponses, viewsets.GenericViewSet):
    permission_classes = [ActionPermission]
    required_actions = {
        "list": Action.VIEW_ASSESSMENTS,
        "retrieve": Action.VIEW_ASSESSMENTS,
        "create": Action.PERFORM_ASSESSMENT,
        "correct": Action.PERFORM_ASSESSMENT,
        "report": Action.VIEW_ASSESSMENTS,
        "catalogue": Action.VIEW_ASSESSMENTS,
        "due": Action.VIEW_ASSESSMENTS,
        "request_reassessment": Action.REQUEST_REASSESSMENT,
    }
    parser_classes = [JSONParser]
    pagination_class = CappedCountPagination

    def get_queryset(self) -> QuerySet[Assessment]:
        return scoped(
            self.request.user,
            Assessment.objects.filter(status=AssessmentStatus.FINISHED).select_related("resident"),
        )

    def get_object(self) -> Assessment:
        return get_scoped_or_404(self.request.user, self.get_queryset(), pk=self.kwargs["pk"])

    def list(self, request: Request) -> Response:
        queryset = self.get_queryset().order_by("-assessed_on", "-id")
        params = request.query_params
        for name in ("resident", "level"):
            if params.get(name):
                if not params[name].isdigit():
                    raise AssessmentDataError([Problem(name, "filter_invalid", "应为整数")])
                queryset = queryset.filter(**{name: int(params[name])})
        if params.get("standard"):
            if params["standard"] not in Standard.values:
                raise AssessmentDataError(
                    [Problem("standard", "filter_invalid", "、".join(Standard.values))]
                )
            queryset = queryset.filter(standard=params["standard"])
        page = self.paginate_queryset(queryset) or []
        return self.get_paginated_response([assessment_data(a) for a in page])

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(assessment_data(self.get_object()))

    def create(self, request: Request) -> Response:
        data = json_body(request, INPUT_FIELDS)
        resident_id = data.pop("resident", None)
        if not isinstance(resident_id, int) or isinstance(resident_id, bool):
            raise AssessmentDataError([Problem("resident", "required", "应为老年人的编号")])
        resident = get_scoped_or_404(request.user, Resident.objects.all(), pk=resident_id)
        assessment = services.record_assessment(
            actor=request.user, resident=resident, data=data, source=Source.API
        )
        return Response(assessment_data(assessment), status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str) -> Response:
        data = json_body(request, CORRECTION_FIELDS)
        reason = str(data.pop("correction_reason", "") or "")
        assessment = services.correct_assessment(
            actor=request.user,
            original=self.get_object(),
            data=data,
            reason=reason,
            source=Source.API,
        )
        return Response(assessment_data(assessment), status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"])
    def report(self, request: Request, pk: str) -> HttpResponse:
        assessment = self.get_object()
        pdf = assessment_report_pdf(actor=request.user, assessment=assessment)
        return pdf_response(pdf, report_filename(assessment))

    @action(detail=False, methods=["get"])
    def catalogue(self, request: Request) -> Response:
        standard = request.query_params.get("standard", "")
        if standard not in Standard.values:
            raise AssessmentDataError(
                [Problem("standard", "choice_unknown", "、".join(Standard.values))]
            )
        return Response({"standard": standard, "indicators": catalogue_as_data(standard)})

    @action(detail=False, methods=["post"], url_path="reassessment-requests")
    def request_reassessment(self, request: Request) -> Response:
        data = json_body(request, ("resident", "reason", "reported_on"))
        resident_id = data.get("resident")
        if not isinstance(resident_id, int) or isinstance(resident_id, bool):
            raise AssessmentDataError([Problem("resident", "required", "应为老年人的编号")])
        resident = get_scoped_or_404(request.user, Resident.objects.all(), pk=resident_id)
        reported_on = None
        if data.get("reported_on"):
            try:
                reported_on = parse_date(data["reported_on"])
            except ValueFormatError as error:
                raise AssessmentDataError(
                    [Problem("reported_on", error.code, str(error))]
                ) from error
        created = services.request_reassessment(
            actor=request.user,
            resident=resident,
            reason=str(data.get("reason") or ""),
            reported_on=reported_on,
        )
        return Response(
            {
                "id": created.pk,
                "resident": resident.pk,
                "reported_on": created.reported_on.isoformat(),
                "reason": created.reason,
            },
            status=status.HTTP_201_CREATED,
        )

    @action(detail=False, methods=["get"])
    def due(self, request: Request) -> Response:
        params = request.query_params
        window = params.get("window", "30")
        if window not in WINDOWS:
            raise AssessmentDataError([Problem("window", "filter_invalid", "、".join(WINDOWS))])
        assessor = None
        if params.get("assessor"):
            if params["assessor"].isdigit():
                assessor = (
                    assessors_in(scope_code(request.user) or "")
                    .filter(pk=int(params["assessor"]))
                    .first()
                )
            if assessor is None:
                raise AssessmentDataError([Problem("assessor", "filter_invalid", "找不到评估员")])
        due = due_assessments(
            request.user,
            today=services.today_local(),
            window=window,
            region=params.get("region", ""),
            assessor=assessor,
        )
        page = self.paginate_queryset(due.current) or []
        return self.get_paginated_response(
            [
                {
                    "resident": row.resident_id,
                    "name": row.resident.name,
                    "region_code": row.resident.region_code,
                    "standard": row.standard,
                    "level": row.level,
                    "assessed_on": row.assessed_on.isoformat(),
                    "due_on": row.due_on.isoformat(),
                    "assessor": row.assessor.username if row.assessor else None,
                }
                for row in page
            ]
        )


router = SimpleRouter()
router.register("assessments", AssessmentViewSet, basename="assessment")
urlpatterns = router.urls
