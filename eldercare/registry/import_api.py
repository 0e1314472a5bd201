"""/api/v1/imports/: the screening-sheet import for field apps and other systems.

The same jobs as the import page (tasks.py): upload → dry run in the worker → poll → confirm →
real import. Jobs outside the caller's region are 404, like every scoped object.
"""

from typing import cast

from django.http import FileResponse, Http404, QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from eldercare.accounts.access import Action, get_scoped_or_404, require
from eldercare.accounts.api_permissions import ActionPermission
from eldercare.registry.exporting import XLSX_CONTENT_TYPE
from eldercare.registry.importing.errors import FileImportError
from eldercare.registry.importing.kinds import import_kind, import_kinds
from eldercare.registry.models import ImportJob
from eldercare.registry.tasks import (
    ImportJobError,
    confirm_import_job,
    import_job_state,
    start_import_job,
)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}

JOB_STATE = inline_serializer(
    "ImportJobState",
    {
        "id": serializers.IntegerField(),
        "file_name": serializers.CharField(),
        "dry_run": serializers.BooleanField(),
        "valid_only": serializers.BooleanField(),
        "status": serializers.ChoiceField(["queued", "running", "done", "refused", "failed"]),
        "status_label": serializers.CharField(),
        "rows_done": serializers.IntegerField(),
        "rows_total": serializers.IntegerField(allow_null=True),
        "finished": serializers.BooleanField(),
        "result": serializers.JSONField(allow_null=True),
        "has_error_report": serializers.BooleanField(),
    },
)
UPLOAD = inline_serializer(
    "ImportUpload",
    {
        "file": serializers.FileField(),
        "dry_run": serializers.BooleanField(default=True),
        "valid_only": serializers.BooleanField(default=False),
        "kind": serializers.ChoiceField(["residents", "assessments"], default="residents"),
        "standard": serializers.CharField(required=False),
    },
)
JOB_ID = OpenApiParameter("id", int, OpenApiParameter.PATH)
PROBLEM = inline_serializer("ImportProblem", {"detail": serializers.CharField()})


def _flag(request: Request, name: str, *, default: bool) -> bool:
    # MultiPartParser is the only parser here, so the data is always a QueryDict.
    value = cast(QueryDict, request.data).get(name)
    if value is None:
        return default
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ParseError(f"{name} 应为 true 或 false，实为“{value}”")


@extend_schema_view(
    create=extend_schema(
        summary="上传筛查摸底表（默认先预检）",
        request={"multipart/form-data": UPLOAD},
        responses={202: JOB_STATE, 400: PROBLEM},
    ),
    retrieve=extend_schema(
        summary="导入任务的状态、进度和结果", responses=JOB_STATE, parameters=[JOB_ID]
    ),
    confirm=extend_schema(
        summary="确认已完成的预检，正式导入同一文件",
        parameters=[JOB_ID],
        request=None,
        responses={202: JOB_STATE, 409: PROBLEM},
    ),
    error_report=extend_schema(
        summary="下载错误报告（Excel）",
        parameters=[JOB_ID],
        responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY},
    ),
)
class ImportJobViewSet(viewsets.GenericViewSet):
    permission_classes = [ActionPermission]
    required_actions = {
        "create": Action.IMPORT_REGISTRY,
        "retrieve": Action.IMPORT_REGISTRY,
        "confirm": Action.IMPORT_REGISTRY,
        "error_report": Action.IMPORT_REGISTRY,
    }
    parser_classes = [MultiPartParser]

    def get_object(self) -> ImportJob:
        job = get_scoped_or_404(self.request.user, ImportJob.objects.all(), pk=self.kwargs["pk"])
        require(self.request.user, import_kind(job.kind).action)
        return job

    def create(self, request: Request) -> Response:
        kind = str(cast(QueryDict, request.data).get("kind") or "residents")
        if kind not in import_kinds():
            raise ParseError(f"kind 应为 {'、'.join(import_kinds())}，实为“{kind}”")
        uploaded = request.FILES.get("file")
        if uploaded is None:
            raise ParseError("缺少文件：请以 multipart/form-data 的 file 字段上传")
        try:
            job = start_import_job(
                actor=request.user,
                uploaded_file=uploaded,
                is_dry_run=_flag(request, "dry_run", default=True),
                is_valid_only=_flag(request, "valid_only", default=False),
                kind=kind,
                option=str(cast(QueryDict, request.data).get("standard") or ""),
            )
        except FileImportError as error:
            raise ParseError(error.message) from error
        return Response(import_job_state(job), status=status.HTTP_202_ACCEPTED)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(import_job_state(self.get_object()))

    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        try:
            job = confirm_import_job(actor=request.user, job=self.get_object())
        except ImportJobError as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        return Response(import_job_state(job), status=status.HTTP_202_ACCEPTED)

    @action(detail=True, methods=["get"], url_path="errors")
    def error_report(self, request: Request, pk: str) -> FileResponse:
        job = self.get_object()
        if not job.error_report:
            raise Http404("没有错误报告")
        return FileResponse(
            job.error_report.open("rb"),
            as_attachment=True,
            filename=f"import-{job.pk}-errors.xlsx",
            content_type=XLSX_CONTENT_TYPE,
        )


router = SimpleRouter()
router.register("imports", ImportJobViewSet, basename="import-job")
urlpatterns = router.urls
