"""/api/v1/governance/…: task lists and tasks, progress reports, scoring runs and indicators.

Reading needs VIEW_GOVERNANCE, writing MANAGE_GOVERNANCE; everything is reached through the
governance queries, which apply accounts.access (lists and sheets of the user's region and above,
runs and rounds of their subtree). Writes call the same services as the pages.
"""

from datetime import date
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from eldercare.accounts.access import Action, in_scope, scope_code
from eldercare.accounts.api_permissions import ActionPermission
from eldercare.core.pagination import CappedCountPagination
from eldercare.governance import queries
from eldercare.governance.errors import GovernanceError
from eldercare.governance.indicators.values import indicator_row
from eldercare.governance.rules.indicator_catalogue import CATALOGUE
from eldercare.governance.serializers import (
    ErrorSerializer,
    IndicatorSerializer,
    ReportInputSerializer,
    ReportSerializer,
    RunDetailSerializer,
    RunInputSerializer,
    RunSerializer,
    TaskListDetailSerializer,
    TaskListSerializer,
    TaskSerializer,
    indicator_data,
    report_data,
    run_summary,
    task_data,
    task_list_data,
)
from eldercare.governance.services.common import today_local
from eldercare.governance.services.scoring import run_scoring
from eldercare.governance.services.tasks import report_progress, reporting_units
from eldercare.regions.codes import RegionCodeError, normalize_code

ERRORS = {400: ErrorSerializer}


class _GovernanceViewSet(viewsets.GenericViewSet):
    permission_classes = [ActionPermission]
    pagination_class: type[BasePagination] | None = CappedCountPagination

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, GovernanceError):
            return Response(exc.as_dict(), status=status.HTTP_400_BAD_REQUEST)
        return super().handle_exception(exc)


@extend_schema_view(
    list=extend_schema(
        summary="可见的任务清单及各状态任务数", responses=TaskListSerializer(many=True)
    ),
    retrieve=extend_schema(summary="任务清单（含任务）", responses=TaskListDetailSerializer),
)
class TaskListViewSet(_GovernanceViewSet):
    required_actions = {"list": Action.VIEW_GOVERNANCE, "retrieve": Action.VIEW_GOVERNANCE}
    serializer_class = TaskListSerializer

    def get_queryset(self) -> Any:
        return queries.visible_task_lists(self.request.user).order_by("region_code", "key")

    def list(self, request: Request) -> Response:
        today = today_local()
        page = self.paginate_queryset(self.get_queryset()) or []
        return self.get_paginated_response(
            [task_list_data(t, queries.status_counts(t.tasks.all(), today)) for t in page]
        )

    def retrieve(self, request: Request, pk: str) -> Response:
        task_list = queries.get_task_list_or_404(request.user, int(pk))
        tasks = task_list.tasks.prefetch_related("lead_units", "co_units").order_by("position")
        counts = queries.status_counts(task_list.tasks.all(), today_local())
        return Response(
            {**task_list_data(task_list, counts), "tasks": [task_data(t) for t in tasks]}
        )


@extend_schema_view(
    retrieve=extend_schema(summary="任务", responses=TaskSerializer),
    reports=extend_schema(
        summary="报告任务进展",
        request=ReportInputSerializer,
        responses={201: ReportSerializer, **ERRORS},
        description="organisation 为任务的牵头或共同责任单位名称；任务未列单位时不填。",
    ),
)
class TaskViewSet(_GovernanceViewSet):
    required_actions = {"retrieve": Action.VIEW_GOVERNANCE, "reports": Action.MANAGE_GOVERNANCE}
    serializer_class = TaskSerializer

    def get_queryset(self) -> Any:
        return queries.visible_tasks(self.request.user)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(task_data(queries.get_task_or_404(request.user, int(pk))))

    @action(detail=True, methods=["post"])
    def reports(self, request: Request, pk: str) -> Response:
        task = queries.get_task_or_404(request.user, int(pk))
        data = ReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        name = values.get("organisation") or ""
        organisation = None
        if name:
            organisation = next(
                (u for u in reporting_units(request.user, task) if u.name == name), None
            )
            if organisation is None:
                raise GovernanceError(
                    "organisation", "unit_not_allowed", f"不能代表 {name} 报告该任务"
                )
        report = report_progress(
            actor=request.user,
            task=task,
            organisation=organisation,
            reported_on=values["reported_on"],
            percent=values["percent"],
            text=values["text"],
        )
        return Response(report_data(report), status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="考核评分记录", responses=RunSerializer(many=True)),
    retrieve=extend_schema(
        summary="考核评分结果（含每项得分和所用指标值）", responses=RunDetailSerializer
    ),
    create=extend_schema(
        summary="按现有数据评分",
        request=RunInputSerializer,
        responses={201: RunDetailSerializer, **ERRORS},
    ),
)
class ScoringRunViewSet(_GovernanceViewSet):
    required_actions = {
        "list": Action.VIEW_GOVERNANCE,
        "retrieve": Action.VIEW_GOVERNANCE,
        "create": Action.MANAGE_GOVERNANCE,
    }
    serializer_class = RunSerializer

    def get_queryset(self) -> Any:
        return queries.visible_runs(self.request.user)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        return self.get_paginated_response([run_summary(run) for run in page])

    def retrieve(self, request: Request, pk: str) -> Response:
        run = queries.get_run_or_404(request.user, int(pk))
        return Response({**run_summary(run), "report": run.report})

    def create(self, request: Request) -> Response:
        data = RunInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        sheet = queries.get_sheet_or_404(request.user, values["sheet"])
        run = run_scoring(
            actor=request.user,
            sheet=sheet,
            region_code=values["region_code"],
            as_of=values["as_of"],
        )
        return Response({**run_summary(run), "report": run.report}, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="某区划某日的全部指标：数值、目标和差距",
        parameters=[
            OpenApiParameter("region", str, description="区划代码，默认本人所属区划"),
            OpenApiParameter("on", OpenApiTypes.DATE, description="日期，默认今天"),
        ],
        responses={200: IndicatorSerializer(many=True), **ERRORS},
    ),
)
class IndicatorViewSet(_GovernanceViewSet):
    required_actions = {"list": Action.VIEW_GOVERNANCE}
    serializer_class = IndicatorSerializer
    pagination_class = None

    def list(self, request: Request) -> Response:
        region = self._region(request)
        day = self._day(request)
        return Response([indicator_data(indicator_row(code, region, day)) for code in CATALOGUE])

    def _region(self, request: Request) -> str:
        raw = request.query_params.get("region") or ""
        own = scope_code(request.user)
        if own is None:
            raise NotFound("记录不存在")
        if not raw:
            return own
        try:
            code = normalize_code(raw)
        except RegionCodeError as error:
            raise NotFound("记录不存在") from error
        if not in_scope(request.user, code):
            raise NotFound("记录不存在")
        return code

    def _day(self, request: Request) -> date:
        raw = request.query_params.get("on")
        if not raw:
            return today_local()
        try:
            return date.fromisoformat(raw)
        except ValueError as error:
            raise GovernanceError(
                "on", "date_invalid", f"日期格式应为 2021-03-01：{raw}"
            ) from error


router = SimpleRouter()
router.register("governance/task-lists", TaskListViewSet, basename="governance-task-list")
router.register("governance/tasks", TaskViewSet, basename="governance-task")
router.register("governance/runs", ScoringRunViewSet, basename="governance-run")
router.register("governance/indicators", IndicatorViewSet, basename="governance-indicator")
urlpatterns = router.urls
