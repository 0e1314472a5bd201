"""/api/v1/applications/: online applications for field apps and other government systems.

list (filters status, step, kind, overdue, mine, number, resident), detail with steps, timeline and
attachments, create (JSON), the actions approve / return / reject / resubmit / withdraw, attachment
upload (multipart) and download, and the overdue list for supervisors. Each handler parses, finds
objects through accounts.access (outside the scope = 404), calls one service and renders.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from eldercare.accounts.access import Action, get_scoped_or_404, scoped
from eldercare.accounts.api_permissions import ActionPermission
from eldercare.applications import services
from eldercare.applications.downloads import attachment_response
from eldercare.applications.errors import ApplicationDataError, Problem
from eldercare.applications.models import (
    Application,
    ApplicationEvent,
    ApplicationKind,
    ApplicationStatus,
    Attachment,
    ReviewLevel,
    ReviewStep,
)
from eldercare.applications.queries import applications_for, is_supervisor, overdue_steps
from eldercare.core.api_problems import ProblemResponses, json_body
from eldercare.core.normalize import ValueFormatError, parse_date
from eldercare.core.pagination import CappedCountPagination
from eldercare.registry.models import Resident


def application_data(application: Application) -> dict[str, Any]:
    return {
        "id": application.pk,
        "number": application.number,
        "resident": application.resident_id,
        "resident_name": application.resident.name,
        "kind": application.kind,
        "benefit_kind": application.benefit_kind,
        "amount_fen": application.amount_fen,
        "service_item": application.service_item.code if application.service_item else None,
        "subject": application.subject,
        "applicant_kind": application.applicant_kind,
        "applicant_name": application.applicant_name,
        "applicant_relation": application.applicant_relation,
        "reason": application.reason,
        "status": application.status,
        "round": application.round,
        "step": application.current_step,
        "step_count": application.step_count,
        "step_level": application.current_level,
        "due_on": _iso(application.current_due_on),
        "submitted_at": application.submitted_at.isoformat(),
        "decided_at": application.decided_at.isoformat() if application.decided_at else None,
        "approved_amount_fen": application.approved_amount_fen,
        "approved_first_month": _iso(application.approved_first_month),
        "is_grant_pending": application.is_grant_pending,
        "entitlement": application.entitlement_id,
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def step_data(step: ReviewStep) -> dict[str, Any]:
    return {
        "round": step.round,
        "position": step.position,
        "level": step.level,
        "region_code": step.region_code,
        "working_days": step.working_days,
        "started_at": step.started_at.isoformat(),
        "due_on": step.due_on.isoformat(),
        "is_due_provisional": step.is_due_provisional,
        "decision": step.decision,
        "decided_at": step.decided_at.isoformat() if step.decided_at else None,
        "reviewer": step.reviewer_name,
        "comment": step.comment,
    }


def event_data(event: ApplicationEvent) -> dict[str, Any]:
    return {
        "at": event.created_at.isoformat(),
        "kind": event.kind,
        "actor": event.actor_name,
        "round": event.round,
        "step": event.step,
        "level": event.level,
        "comment": event.comment,
    }


def attachment_data(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "description": attachment.description,
        "uploaded_at": attachment.uploaded_at.isoformat(),
    }


def _optional_int(data: Mapping[str, Any], name: str) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApplicationDataError([Problem(name, "wrong_type", "应为整数")])
    return value


def _month(data: Mapping[str, Any], name: str) -> date | None:
    value = data.get(name)
    if value in (None, ""):
        return None
    text = str(value)
    try:
        return parse_date(f"{text}-01" if len(text) == 7 else text)
    except ValueFormatError as error:
        raise ApplicationDataError([Problem(name, error.code, "应为月份，如 2026-12")]) from error


_ACTION_BODY = OpenApiTypes.OBJECT
_ACTION_RESPONSES = {
    200: OpenApiTypes.OBJECT,
    400: OpenApiTypes.OBJECT,
    403: OpenApiTypes.OBJECT,
    404: OpenApiTypes.OBJECT,
    409: OpenApiTypes.OBJECT,
}


@extend_schema_view(
    list=extend_schema(
        operation_id="applications_list",
        summary="在线申请（按区划范围）",
        parameters=[
            OpenApiParameter("status", str, enum=ApplicationStatus.values),
            OpenApiParameter("step", str, enum=ReviewLevel.values, description="当前审核环节"),
            OpenApiParameter("kind", str, enum=ApplicationKind.values),
            OpenApiParameter("overdue", bool),
            OpenApiParameter("mine", str, enum=["to_review", "entered"]),
            OpenApiParameter("number", str),
            OpenApiParameter("resident", int),
        ],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    ),
    retrieve=extend_schema(
        summary="一份申请：审核步骤、办理记录和材料", responses={200: OpenApiTypes.OBJECT}
    ),
    create=extend_schema(
        summary="代老人提交申请（材料另行上传）",
        request=OpenApiTypes.OBJECT,
        responses={201: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    ),
    approve=extend_schema(
        summary="同意当前步骤（最后一步即批准）",
        request=_ACTION_BODY,
        responses=_ACTION_RESPONSES,
    ),
    return_for_correction=extend_schema(
        summary="退回补正（须写明理由）", request=_ACTION_BODY, responses=_ACTION_RESPONSES
    ),
    reject=extend_schema(
        summary="不予批准（须写明理由）", request=_ACTION_BODY, responses=_ACTION_RESPONSES
    ),
    resubmit=extend_schema(
        summary="补正后重新提交", request=_ACTION_BODY, responses=_ACTION_RESPONSES
    ),
    withdraw=extend_schema(summary="撤回申请", request=_ACTION_BODY, responses=_ACTION_RESPONSES),
    attachments=extend_schema(
        summary="上传申请材料（multipart，字段 file，可选 description）",
        request={"multipart/form-data": OpenApiTypes.OBJECT},
        responses={201: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT},
    ),
    download=extend_schema(
        summary="下载申请材料（记入审计）", responses={(200, "*/*"): OpenApiTypes.BINARY}
    ),
    overdue=extend_schema(
        operation_id="applications_overdue",
        summary="逾期未办的审核步骤",
        responses={200: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT},
    ),
)
class ApplicationViewSet(ProblemResponses, viewsets.GenericViewSet):
    permission_classes = [ActionPermission]
    required_actions = {
        "list": Action.VIEW_ENTITLEMENTS,
        "retrieve": Action.VIEW_ENTITLEMENTS,
        "create": Action.APPLY_ON_BEHALF,
        "approve": Action.REVIEW_APPLICATIONS,
        "return_for_correction": Action.REVIEW_APPLICATIONS,
        "reject": Action.REVIEW_APPLICATIONS,
        "resubmit": Action.APPLY_ON_BEHALF,
        "withdraw": Action.APPLY_ON_BEHALF,
        "attachments": Action.APPLY_ON_BEHALF,
        "download": Action.VIEW_ENTITLEMENTS,
        "overdue": Action.REVIEW_APPLICATIONS,
    }
    parser_classes = [JSONParser]
    pagination_class = CappedCountPagination

    def get_queryset(self) -> QuerySet[Application]:
        return scoped(
            self.request.user, Application.objects.select_related("resident", "service_item")
        )

    def get_object(self) -> Application:
        return get_scoped_or_404(self.request.user, self.get_queryset(), pk=self.kwargs["pk"])

    def list(self, request: Request) -> Response:
        applications = applications_for(
            request.user, request.query_params, today=services.today_local()
        )
        page = self.paginate_queryset(applications) or []
        return self.get_paginated_response([application_data(a) for a in page])

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self._detail(self.get_object()))

    def _detail(self, application: Application) -> dict[str, Any]:
        user = self.request.user
        steps = scoped(user, ReviewStep.objects.filter(application=application))
        events = scoped(user, ApplicationEvent.objects.filter(application=application))
        attachments = scoped(user, Attachment.objects.filter(application=application))
        return {
            **application_data(application),
            "steps": [step_data(s) for s in steps.order_by("round", "position")],
            "timeline": [event_data(e) for e in events],
            "attachments": [attachment_data(a) for a in attachments],
        }

    def create(self, request: Request) -> Response:
        data = json_body(request, ("resident", *services.APPLICATION_FIELDS))
        resident_id = data.pop("resident", None)
        if not isinstance(resident_id, int) or isinstance(resident_id, bool):
            raise ApplicationDataError([Problem("resident", "required", "应为老年人的编号")])
        resident = get_scoped_or_404(request.user, Resident.objects.all(), pk=resident_id)
        application = services.submit_application(actor=request.user, resident=resident, data=data)
        return Response(self._detail(application), status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        data = json_body(request, ("step", "comment", "approved_amount_fen", "first_month"))
        application = services.approve_step(
            actor=request.user,
            application=self.get_object(),
            step=_optional_int(data, "step"),
            comment=str(data.get("comment") or ""),
            approved_amount_fen=_optional_int(data, "approved_amount_fen"),
            first_month=_month(data, "first_month"),
        )
        return Response(self._detail(application))

    @action(detail=True, methods=["post"], url_path="return")
    def return_for_correction(self, request: Request, pk: str) -> Response:
        data = json_body(request, ("step", "reason"))
        application = services.return_application(
            actor=request.user,
            application=self.get_object(),
            reason=str(data.get("reason") or ""),
            step=_optional_int(data, "step"),
        )
        return Response(self._detail(application))

    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        data = json_body(request, ("step", "reason"))
        application = services.reject_application(
            actor=request.user,
            application=self.get_object(),
            reason=str(data.get("reason") or ""),
            step=_optional_int(data, "step"),
        )
        return Response(self._detail(application))

    @action(detail=True, methods=["post"])
    def resubmit(self, request: Request, pk: str) -> Response:
        data = json_body(request, (*services.APPLICATION_FIELDS, "comment"))
        comment = str(data.pop("comment", "") or "")
        application = services.resubmit_application(
            actor=request.user, application=self.get_object(), changes=data, comment=comment
        )
        return Response(self._detail(application))

    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        data = json_body(request, ("reason",))
        application = services.withdraw_application(
            actor=request.user,
            application=self.get_object(),
            reason=str(data.get("reason") or ""),
        )
        return Response(self._detail(application))

    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def attachments(self, request: Request, pk: str) -> Response:
        upload = request.FILES.get("file")
        if upload is None:
            raise ApplicationDataError(
                [Problem("attachments", "required", "请上传文件（字段 file）")]
            )
        attachment = services.add_attachment(
            actor=request.user,
            application=self.get_object(),
            upload=upload,
            description=str(request.POST.get("description") or ""),
        )
        return Response(attachment_data(attachment), status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<attachment_pk>\d+)")
    def download(self, request: Request, pk: str, attachment_pk: str) -> FileResponse:
        return attachment_response(request.user, pk, attachment_pk)

    @action(detail=False, methods=["get"])
    def overdue(self, request: Request) -> Response:
        if not is_supervisor(request.user):
            raise PermissionDenied("逾期督办清单供乡镇（街道）及以上审核人员查看")
        found = overdue_steps(request.user, today=services.today_local())
        return Response(
            {
                "count": found.total,
                "unknown_years": found.unknown_years,
                "results": [
                    {
                        "application": row.step.application_id,
                        "number": row.step.application.number,
                        "resident_name": row.step.application.resident.name,
                        **step_data(row.step),
                        "unit_name": row.unit_name,
                        "working_days_overdue": row.working_days_overdue,
                    }
                    for row in found.rows
                ],
            }
        )


router = SimpleRouter()
router.register("applications", ApplicationViewSet, basename="application")
urlpatterns = router.urls
