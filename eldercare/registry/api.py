"""/api/v1/residents/: the register over HTTP. Each handler parses, finds the resident through
accounts.access (outside the scope = 404), calls one service and renders the result."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from eldercare.accounts.access import Action, get_scoped_or_404, scoped
from eldercare.accounts.api_permissions import ActionPermission
from eldercare.core.api_problems import ProblemResponses, json_body
from eldercare.core.normalize import ValueFormatError, parse_date
from eldercare.core.pagination import CappedCountPagination
from eldercare.registry.exporting import XLSX_CONTENT_TYPE, export_response
from eldercare.registry.filters import FilterError, filter_residents
from eldercare.registry.models import Resident
from eldercare.registry.serializers import (
    SCREENING_FIELDS,
    SUMMARY_COLUMNS,
    ContactListSerializer,
    ProblemListSerializer,
    ResidentChangeSerializer,
    ResidentDetailSerializer,
    ResidentInputSerializer,
    ResidentSummarySerializer,
    ScreeningSerializer,
    StatusChangeSerializer,
    resident_detail,
    resident_rows,
    screening_detail,
)
from eldercare.registry.services import (
    change_resident_status,
    record_screening,
    register_resident,
    replace_contacts,
    reveal_resident,
    today_local,
    update_resident,
)
from eldercare.registry.validation import FIELD_LABELS, FieldProblem, ResidentDataError

RESIDENT_FIELDS = tuple(FIELD_LABELS)
STATUS_FIELDS = ("status", "status_date", "moved_to", "reason")
SCREENING_INPUT_FIELDS = tuple(field for field in SCREENING_FIELDS if field != "id")

FILTER_PARAMETERS = [
    OpenApiParameter("q", str, description="姓名、拼音或首字母、身份证号末几位、电话号码"),
    OpenApiParameter("region", str, description="区划代码：只含该区划及其下级"),
    OpenApiParameter(
        "category", str, many=True, description="类别（可重复或逗号分隔，须同时满足）"
    ),
    OpenApiParameter("status", str, description="active（默认）、moved_out、deceased 或 all"),
    OpenApiParameter("sex", str, enum=["M", "F"]),
    OpenApiParameter("age_min", int),
    OpenApiParameter("age_max", int),
    OpenApiParameter("living_arrangement", str),
    OpenApiParameter("economic_status", str),
    OpenApiParameter(
        "ordering", str, enum=["name", "-name", "birth_date", "-birth_date", "region_code"]
    ),
]
PROBLEMS = {400: ProblemListSerializer}


@extend_schema_view(
    list=extend_schema(
        summary="老年人名册",
        parameters=FILTER_PARAMETERS,
        responses={200: ResidentSummarySerializer(many=True), **PROBLEMS},
    ),
    retrieve=extend_schema(
        summary="老年人详情",
        parameters=[
            OpenApiParameter("unmasked", bool, description="显示完整身份证号和电话（记入审计）"),
            OpenApiParameter("purpose", str, description="查看完整信息的用途，记入审计"),
        ],
        responses=ResidentDetailSerializer,
    ),
    create=extend_schema(
        summary="登记老年人",
        request=ResidentInputSerializer,
        responses={201: ResidentDetailSerializer, **PROBLEMS},
    ),
    partial_update=extend_schema(
        summary="修改登记信息",
        request=ResidentChangeSerializer,
        responses={200: ResidentDetailSerializer, **PROBLEMS},
    ),
    set_status=extend_schema(
        summary="迁出、死亡或恢复在册",
        request=StatusChangeSerializer,
        responses={200: ResidentDetailSerializer, **PROBLEMS},
    ),
    set_contacts=extend_schema(
        summary="设置紧急联系人（按呼叫顺序）",
        request=ContactListSerializer,
        responses={200: ResidentDetailSerializer, **PROBLEMS},
    ),
    add_screening=extend_schema(
        summary="记录筛查（同一天再次记录为修改）",
        request=ScreeningSerializer,
        responses={201: ScreeningSerializer, **PROBLEMS},
    ),
    export=extend_schema(
        summary="导出 Excel（与导入模板同列，记入审计）",
        parameters=FILTER_PARAMETERS,
        responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY, **PROBLEMS},
    ),
)
class ResidentViewSet(ProblemResponses, viewsets.GenericViewSet):
    permission_classes = [ActionPermission]
    required_actions = {
        "list": Action.VIEW_REGISTRY,
        "retrieve": Action.VIEW_REGISTRY,
        "create": Action.EDIT_REGISTRY,
        "partial_update": Action.EDIT_REGISTRY,
        "set_status": Action.EDIT_REGISTRY,
        "set_contacts": Action.EDIT_REGISTRY,
        "add_screening": Action.EDIT_REGISTRY,
        "export": Action.EXPORT_REGISTRY,
    }
    parser_classes = [JSONParser]
    pagination_class = CappedCountPagination
    serializer_class = ResidentSummarySerializer
    labelled_problems = False  # ProblemListSerializer: field, code and message only

    def get_queryset(self) -> QuerySet[Resident]:
        return scoped(self.request.user, Resident.objects.all())

    def get_object(self) -> Resident:
        return get_scoped_or_404(self.request.user, Resident.objects.all(), pk=self.kwargs["pk"])

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, FilterError):
            return self.problems_response([FieldProblem(exc.param, "filter_invalid", str(exc))])
        return super().handle_exception(exc)

    def _filtered(self, request: Request) -> tuple[QuerySet[Resident], dict[str, str]]:
        return filter_residents(self.get_queryset(), request.query_params, today=today_local())

    def list(self, request: Request) -> Response:
        queryset, _ = self._filtered(request)
        page = self.paginate_queryset(queryset.values(*SUMMARY_COLUMNS)) or []
        return self.get_paginated_response(resident_rows(request.user, page, today=today_local()))

    def retrieve(self, request: Request, pk: str) -> Response:
        resident = self.get_object()
        revealed = None
        if request.query_params.get("unmasked", "").lower() in ("1", "true"):
            revealed = reveal_resident(
                actor=request.user,
                resident=resident,
                purpose=request.query_params.get("purpose", ""),
            )
        return Response(resident_detail(resident, today=today_local(), revealed=revealed))

    def create(self, request: Request) -> Response:
        resident = register_resident(actor=request.user, data=json_body(request, RESIDENT_FIELDS))
        return Response(
            resident_detail(resident, today=today_local()), status=status.HTTP_201_CREATED
        )

    def partial_update(self, request: Request, pk: str) -> Response:
        resident = self.get_object()
        data = json_body(request, (*RESIDENT_FIELDS, "reason"))
        reason = str(data.pop("reason", "") or "")
        resident = update_resident(actor=request.user, resident=resident, data=data, reason=reason)
        return Response(resident_detail(resident, today=today_local()))

    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request: Request, pk: str) -> Response:
        resident = self.get_object()
        data = json_body(request, STATUS_FIELDS)
        resident = change_resident_status(
            actor=request.user,
            resident=resident,
            status=str(data.get("status") or ""),
            status_date=_optional_date(data, "status_date"),
            moved_to=str(data.get("moved_to") or ""),
            reason=str(data.get("reason") or ""),
        )
        return Response(resident_detail(resident, today=today_local()))

    @action(detail=True, methods=["put"], url_path="contacts")
    def set_contacts(self, request: Request, pk: str) -> Response:
        resident = self.get_object()
        contacts = json_body(request, ("contacts",)).get("contacts")
        if not isinstance(contacts, list) or not all(isinstance(c, Mapping) for c in contacts):
            raise ResidentDataError(
                [FieldProblem("contacts", "body_invalid", "contacts 应为联系人对象的列表")]
            )
        replace_contacts(actor=request.user, resident=resident, contacts=contacts)
        return Response(resident_detail(resident, today=today_local()))

    @action(detail=True, methods=["post"], url_path="screenings")
    def add_screening(self, request: Request, pk: str) -> Response:
        resident = self.get_object()
        screening = record_screening(
            actor=request.user, resident=resident, data=json_body(request, SCREENING_INPUT_FIELDS)
        )
        return Response(screening_detail(screening), status=status.HTTP_201_CREATED)

    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> FileResponse:
        queryset, applied = self._filtered(request)
        return export_response(actor=request.user, queryset=queryset, filters=applied)


def _optional_date(data: Mapping[str, Any], field: str) -> date | None:
    value = data.get(field)
    if value is None or value == "":
        return None
    try:
        return parse_date(value)
    except ValueFormatError as error:
        raise ResidentDataError([FieldProblem(field, error.code, str(error))]) from error


router = SimpleRouter()
router.register("residents", ResidentViewSet, basename="resident")
urlpatterns = router.urls
