"""/api/v1/entitlements/: monthly runs, a resident's entitlements, rule files, credits.

- runs/ (list, retrieve: VIEW_ENTITLEMENTS; create: RUN_ENTITLEMENTS; runs/<id>/resume/);
- residents/<id>/: today's evaluation with every rule's deciding condition, the grants, and the
  balance and last movements (null without VIEW_ACCOUNTS);
- documents/ (list, retrieve with the YAML text): the rule files the user may see;
- credits/ (list, export): who gets what in a month.
Objects are found through accounts.access (outside the scope = 404); each handler parses, calls
one service and renders. Errors: {"errors": [{"field", "code", "message"}]} with 400 (input) or
409 (state: another run going on, a document already active).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from eldercare.accounts.access import Action, can, get_scoped_or_404
from eldercare.accounts.api_permissions import ActionPermission
from eldercare.core.masking import mask_id_number
from eldercare.core.pagination import CappedCountPagination
from eldercare.entitlements import queries
from eldercare.entitlements.errors import (
    EntitlementError,
    EntitlementInputError,
    EntitlementStateError,
    RunConflict,
)
from eldercare.entitlements.exporting import XLSX_CONTENT_TYPE, export_credits, xlsx_response
from eldercare.entitlements.filters import (
    ListFilterError,
    filter_credits,
    filter_runs,
    parse_month,
)
from eldercare.entitlements.models import EntitlementRun, PolicyDocument, RunStatus, Transfer
from eldercare.entitlements.overview import resident_overview
from eldercare.entitlements.reports import basis_label, basis_of, basis_rows, rule_names, run_rows
from eldercare.entitlements.runs import resume_monthly_run, start_monthly_run
from eldercare.registry.models import Resident

ERRORS = {400: OpenApiTypes.OBJECT}


def _errors(field: str, code: str, message: str, status_code: int = 400) -> Response:
    return Response(
        {"errors": [{"field": field, "code": code, "message": message}]}, status=status_code
    )


class _EntitlementViewSet(viewsets.GenericViewSet):
    permission_classes = [ActionPermission]
    pagination_class = CappedCountPagination
    parser_classes = [JSONParser]

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, EntitlementInputError):
            return _errors(exc.field, exc.code, exc.message)
        if isinstance(exc, RunConflict):
            response = _errors("", exc.code, exc.message, status.HTTP_409_CONFLICT)
            response.data["run"] = exc.run_id  # type: ignore[index]
            return response
        if isinstance(exc, EntitlementStateError | EntitlementError):
            return _errors("", exc.code, exc.message, status.HTTP_409_CONFLICT)
        if isinstance(exc, ListFilterError):
            return _errors(exc.param, "filter_invalid", str(exc))
        if isinstance(exc, ParseError):
            return _errors("", "body_invalid", str(exc.detail))
        return super().handle_exception(exc)


# --- runs ---------------------------------------------------------------------------------------


def run_data(run: EntitlementRun, *, detail: bool = False) -> dict[str, Any]:
    townships = (run.report or {}).get("townships", {})
    data: dict[str, Any] = {
        "id": run.pk,
        "month": f"{run.month:%Y-%m}",
        "region": run.region_code,
        "status": run.status,
        "status_label": str(run.get_status_display()),
        "evaluated_on": run.evaluated_on.isoformat(),
        "started_by": run.started_by_username,
        "created_at": run.created_at.isoformat(),
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "is_stale": run.is_stale,
        "attempts": run.attempts,
        "residents_total": run.residents_total,
        "residents_done": run.residents_done,
        "written": (run.report or {}).get("written", 0),
        "skipped": (run.report or {}).get("skipped", 0),
        "amount_fen": sum(figures.get("amount_fen", 0) for figures in townships.values()),
        "error": run.error,
    }
    if detail:
        data["regions"] = [row.as_dict() for row in run_rows(run)]
        data["by_basis"] = [
            {"key": b.key, "name": b.name, "count": b.count, "amount_fen": b.amount_fen}
            for b in basis_rows(run)
        ]
        data["documents"] = run.documents
        data["expiry"] = run.expiry
        data["cursor"] = {"region": run.cursor_region_code, "resident": run.cursor_resident_id}
    return data


def _body(request: Request, allowed: tuple[str, ...]) -> dict[str, Any]:
    body = request.data
    if not isinstance(body, Mapping):
        raise EntitlementInputError("", "body_invalid", "请求体应为 JSON 对象")
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise EntitlementInputError(unknown[0], "field_unknown", f"无法识别的字段：{unknown[0]}")
    return dict(body)


@extend_schema_view(
    list=extend_schema(
        operation_id="entitlement_runs_list",
        summary="月度补贴发放任务",
        parameters=[
            OpenApiParameter("month", str, description="YYYY-MM"),
            OpenApiParameter("status", str, enum=RunStatus.values),
            OpenApiParameter("region", str),
        ],
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
    ),
    retrieve=extend_schema(
        operation_id="entitlement_runs_retrieve",
        summary="发放任务及分区统计",
        responses=OpenApiTypes.OBJECT,
    ),
    create=extend_schema(
        operation_id="entitlement_runs_create",
        summary="发起月度发放（后台执行；同月重叠区划的任务进行中时 409）",
        request=OpenApiTypes.OBJECT,
        responses={201: OpenApiTypes.OBJECT, **ERRORS, 409: OpenApiTypes.OBJECT},
        description='请求体：{"region": "431102000000", "month": "2026-11"}',
    ),
    resume=extend_schema(
        operation_id="entitlement_runs_resume",
        summary="继续失败或中断的发放任务",
        request=None,
        responses={200: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT},
    ),
)
class RunViewSet(_EntitlementViewSet):
    required_actions = {
        "list": Action.VIEW_ENTITLEMENTS,
        "retrieve": Action.VIEW_ENTITLEMENTS,
        "create": Action.RUN_ENTITLEMENTS,
        "resume": Action.RUN_ENTITLEMENTS,
    }

    def get_queryset(self) -> QuerySet[EntitlementRun]:
        return queries.visible_runs(self.request.user)

    def list(self, request: Request) -> Response:
        runs, _applied = filter_runs(self.get_queryset(), request.query_params)
        page = self.paginate_queryset(runs) or []
        return self.get_paginated_response([run_data(run) for run in page])

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(run_data(queries.get_visible_run_or_404(request.user, pk), detail=True))

    def create(self, request: Request) -> Response:
        body = _body(request, ("region", "month"))
        region, month = body.get("region"), body.get("month")
        if not isinstance(region, str) or not region.strip():
            raise EntitlementInputError("region_code", "required", "须填写12位区划代码")
        if not isinstance(month, str):
            raise EntitlementInputError("month", "required", "须填写补贴月份，如 2026-11")
        try:
            first = parse_month(month)
        except ListFilterError as error:
            raise EntitlementInputError("month", "month_invalid", str(error)) from error
        run = start_monthly_run(actor=request.user, region_code=region.strip(), month=first)
        return Response(run_data(run, detail=True), status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk: str) -> Response:
        run = queries.get_visible_run_or_404(request.user, pk)
        run = resume_monthly_run(actor=request.user, run=run)
        return Response(run_data(run, detail=True))


# --- a resident ---------------------------------------------------------------------------------


@extend_schema_view(
    retrieve=extend_schema(
        operation_id="entitlement_resident",
        summary="某老年人今日的补贴资格（逐条规则及判定条件）、个人补贴资格和账户余额",
        parameters=[OpenApiParameter("on", OpenApiTypes.DATE, description="评估日期，默认今天")],
        responses=OpenApiTypes.OBJECT,
    )
)
class ResidentEntitlementViewSet(_EntitlementViewSet):
    required_actions = {"retrieve": Action.VIEW_ENTITLEMENTS}

    def retrieve(self, request: Request, pk: str) -> Response:
        resident = get_scoped_or_404(request.user, Resident.objects.all(), pk=pk)
        raw = request.query_params.get("on", "").strip()
        try:
            on = date.fromisoformat(raw) if raw else timezone.localdate()
        except ValueError as error:
            raise EntitlementInputError(
                "on", "date_invalid", f"应为日期 YYYY-MM-DD：{raw!r}"
            ) from error
        overview = resident_overview(
            resident, on=on, with_money=can(request.user, Action.VIEW_ACCOUNTS)
        )
        return Response(overview.as_dict())


# --- rule files ---------------------------------------------------------------------------------


def document_data(document: PolicyDocument, *, detail: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": document.pk,
        "region": document.region_code,
        "revision": document.revision,
        "name": document.name,
        "version": document.policy_version,
        "source_name": document.source_name,
        "sha256": document.sha256,
        "origin": document.origin,
        "status": document.status,
        "uploaded_by": document.uploaded_by_username,
        "uploaded_at": document.uploaded_at.isoformat(),
        "activated_at": document.activated_at.isoformat() if document.activated_at else None,
        "retired_at": document.retired_at.isoformat() if document.retired_at else None,
    }
    if detail:
        data["text"] = document.text
    return data


@extend_schema_view(
    list=extend_schema(
        operation_id="entitlement_documents_list",
        summary="补贴规则文件（本辖区各版本及上级现行文件）",
        responses=OpenApiTypes.OBJECT,
    ),
    retrieve=extend_schema(
        operation_id="entitlement_documents_retrieve",
        summary="补贴规则文件（含 YAML 原文）",
        responses=OpenApiTypes.OBJECT,
    ),
)
class DocumentViewSet(_EntitlementViewSet):
    required_actions = {"list": Action.VIEW_ENTITLEMENTS, "retrieve": Action.VIEW_ENTITLEMENTS}

    def get_queryset(self) -> QuerySet[PolicyDocument]:
        return queries.visible_documents(self.request.user)

    def list(self, request: Request) -> Response:
        documents = self.get_queryset().order_by("region_code", "-revision")
        page = self.paginate_queryset(documents) or []
        return self.get_paginated_response([document_data(d) for d in page])

    def retrieve(self, request: Request, pk: str) -> Response:
        document = queries.get_visible_document_or_404(request.user, pk)
        return Response(document_data(document, detail=True))


# --- credits ------------------------------------------------------------------------------------

CREDIT_FILTERS = [
    OpenApiParameter("month", str, description="YYYY-MM，默认本月"),
    OpenApiParameter("region", str),
    OpenApiParameter("kind", str, enum=["service", "care"]),
    OpenApiParameter("basis", str, description="规则编号，或 grant 表示个人补贴资格"),
    OpenApiParameter("q", str, description="姓名（前缀）"),
]


@extend_schema_view(
    list=extend_schema(
        operation_id="entitlement_credits_list",
        summary="某月补贴发放名单（身份证号脱敏）",
        parameters=CREDIT_FILTERS,
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
    ),
    export=extend_schema(
        operation_id="entitlement_credits_export",
        summary="导出某月补贴发放名单（Excel，记入审计）",
        parameters=CREDIT_FILTERS,
        responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY, **ERRORS},
    ),
)
class CreditViewSet(_EntitlementViewSet):
    required_actions = {"list": Action.VIEW_ENTITLEMENTS, "export": Action.VIEW_ENTITLEMENTS}

    def get_queryset(self) -> QuerySet[Transfer]:
        return queries.visible_credits(self.request.user)

    def list(self, request: Request) -> Response:
        credits, _applied = filter_credits(
            self.get_queryset(), request.query_params, today=timezone.localdate()
        )
        page = self.paginate_queryset(credits.select_related("resident", "payee", "created_lot"))
        names = rule_names()
        return self.get_paginated_response([credit_data(c, names) for c in page or []])

    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> FileResponse:
        credits, applied = filter_credits(
            self.get_queryset(), request.query_params, today=timezone.localdate()
        )
        return xlsx_response(
            lambda file: export_credits(
                actor=request.user, queryset=credits, filters=applied, path_or_buffer=file
            ),
            f"补贴发放名单-{applied['month']}.xlsx",
        )


def credit_data(credit: Transfer, names: dict[str, str]) -> dict[str, Any]:
    basis = basis_of(credit.reference)
    resident = credit.resident
    lot = credit.created_lot
    return {
        "id": credit.pk,
        "month": f"{credit.month:%Y-%m}" if credit.month else None,
        "resident": resident.pk if resident else None,
        "name": resident.name if resident else "",
        "id_number": mask_id_number(resident.id_number) if resident else "",
        "region": credit.region_code,
        "kind": credit.payee.credit_kind,
        "cause": credit.cause,
        "basis": basis,
        "basis_name": basis_label(basis, names),
        "amount_fen": credit.amount_fen,
        "items": lot.items,
        "expires_on": lot.expires_on.isoformat(),
        "reference": credit.reference,
    }


router = SimpleRouter()
router.register("entitlements/runs", RunViewSet, basename="entitlement-run")
router.register(
    "entitlements/residents", ResidentEntitlementViewSet, basename="entitlement-resident"
)
router.register("entitlements/documents", DocumentViewSet, basename="entitlement-document")
router.register("entitlements/credits", CreditViewSet, basename="entitlement-credit")
urlpatterns = router.urls
