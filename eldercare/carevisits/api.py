"""/api/v1/care-visits/: the phone app of village and grid workers and the managers' API.

key-elderly (without an agreement), agreements (list, detail with this week and history, sign,
amend, end), contacts (list, log with follow-ups, idempotent by `idempotency_key`), overdue
(mine / region) and follow-up actions. Token or session auth; access through accounts.access.
"""

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from eldercare.accounts.access import Action, get_scoped_or_404, scoped
from eldercare.accounts.api_permissions import ActionPermission
from eldercare.carevisits import services
from eldercare.carevisits.errors import CareVisitDataError, Problem
from eldercare.carevisits.models import (
    AgreementVersion,
    CareAgreement,
    CareContact,
    FollowUp,
)
from eldercare.carevisits.queries import (
    agreements_for,
    key_without_agreement,
    my_overdue,
    region_overdue,
)
from eldercare.carevisits.serializers import (
    agreement_data,
    contact_data,
    follow_up_data,
    visitor_data,
    week_data,
)
from eldercare.carevisits.services.compliance import AgreementWeek, current_week, recent_weeks
from eldercare.core.api_problems import ProblemResponses, json_body
from eldercare.core.pagination import CappedCountPagination
from eldercare.registry.models import Resident

RECENT_WEEKS = 8


def _int(data: Mapping[str, Any], name: str, *, required: bool = False) -> int | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise CareVisitDataError([Problem(name, "wrong_type", "应为整数")])
    return value


def _date(data: Mapping[str, Any], name: str) -> date | None:
    value = data.get(name)
    if value in (None, ""):
        return None
    parsed = parse_date(str(value)) if isinstance(value, str) else None
    if parsed is None:
        raise CareVisitDataError([Problem(name, "wrong_type", "应为日期，如 2026-12-01")])
    return parsed


def parse_instant(value: Any, name: str = "occurred_at") -> datetime | None:
    """ISO 8601; without an offset the time is read as Beijing time."""
    if value in (None, ""):
        return None
    try:
        parsed = parse_datetime(str(value))
    except ValueError:
        parsed = None
    if parsed is None:
        raise CareVisitDataError(
            [Problem(name, "wrong_type", "应为时间，如 2026-12-01T09:30+08:00")]
        )
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _list(data: Mapping[str, Any], name: str) -> list[Any]:
    value = data.get(name) or []
    if not isinstance(value, list):
        raise CareVisitDataError([Problem(name, "wrong_type", "应为列表")])
    return value


def overdue_data(row: AgreementWeek) -> dict[str, Any]:
    return {
        "agreement": row.agreement.pk,
        "resident": row.agreement.resident_id,
        "resident_name": row.agreement.resident.name,
        "region_code": row.agreement.resident.region_code,
        **week_data(row.result),
    }


class CareVisitViewSet(ProblemResponses, viewsets.GenericViewSet):
    permission_classes = [ActionPermission]
    parser_classes = [JSONParser]
    pagination_class = CappedCountPagination


_OBJ = {200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT}
_ACT = {**_OBJ, 409: OpenApiTypes.OBJECT}


@extend_schema_view(
    list=extend_schema(summary="需签订关爱协议而尚未签订的重点老人", responses=_OBJ),
)
class KeyElderlyViewSet(CareVisitViewSet):
    required_actions = {"list": Action.VIEW_CARE_VISITS}

    def list(self, request: Request) -> Response:
        rows = key_without_agreement(
            request.user, services.today_local(), request.query_params.get("region")
        )
        page = self.paginate_queryset(rows) or []
        return self.get_paginated_response(
            [{"id": r.pk, "name": r.name, "region_code": r.region_code} for r in page]
        )


@extend_schema_view(
    list=extend_schema(summary="关爱服务协议（按区划范围）", responses=_OBJ),
    retrieve=extend_schema(
        summary="一份协议：探访人、本周及近期各周达标情况、版本", responses=_OBJ
    ),
    create=extend_schema(summary="签订关爱服务协议", request=OpenApiTypes.OBJECT, responses=_ACT),
    amend=extend_schema(
        summary="变更协议（保留历史版本）", request=OpenApiTypes.OBJECT, responses=_ACT
    ),
    end=extend_schema(summary="终止协议", request=OpenApiTypes.OBJECT, responses=_ACT),
)
class AgreementViewSet(CareVisitViewSet):
    required_actions = {
        "list": Action.VIEW_CARE_VISITS,
        "retrieve": Action.VIEW_CARE_VISITS,
        "create": Action.MANAGE_CARE_AGREEMENTS,
        "amend": Action.MANAGE_CARE_AGREEMENTS,
        "end": Action.MANAGE_CARE_AGREEMENTS,
    }

    def get_object(self) -> CareAgreement:
        return get_scoped_or_404(
            self.request.user,
            CareAgreement.objects.select_related("resident"),
            pk=self.kwargs["pk"],
        )

    def list(self, request: Request) -> Response:
        rows = agreements_for(
            request.user, request.query_params.get("region"), request.query_params.get("status")
        )
        page = self.paginate_queryset(rows) or []
        return self.get_paginated_response([agreement_data(a) for a in page])

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self._detail(self.get_object()))

    def _detail(self, agreement: CareAgreement) -> dict[str, Any]:
        user = self.request.user
        versions = scoped(user, AgreementVersion.objects.filter(agreement=agreement))
        return {
            **agreement_data(agreement),
            "visitors": [visitor_data(v) for v in agreement.visitors.all()],
            "weeks": [week_data(result) for result in recent_weeks(agreement, RECENT_WEEKS)],
            "versions": [
                {
                    "number": v.number,
                    "effective_at": v.effective_at.isoformat(),
                    "reason": v.reason,
                    "terms": v.terms,
                }
                for v in versions
            ],
        }

    def create(self, request: Request) -> Response:
        data = json_body(request, ("resident", "visitors", "starts_on", "ends_on"))
        resident_id = _int(data, "resident", required=True)
        resident = get_scoped_or_404(request.user, Resident.objects.all(), pk=resident_id)
        agreement = services.sign_agreement(
            actor=request.user,
            resident=resident,
            visitors=_list(data, "visitors"),
            starts_on=_date(data, "starts_on"),
            ends_on=_date(data, "ends_on"),
        )
        return Response(self._detail(agreement), status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def amend(self, request: Request, pk: str) -> Response:
        data = json_body(request, ("reason", "visitors", "ends_on"))
        agreement = services.amend_agreement(
            actor=request.user,
            agreement=self.get_object(),
            reason=str(data.get("reason") or ""),
            visitors=_list(data, "visitors") if "visitors" in data else None,
            ends_on=_date(data, "ends_on"),
            clear_end="ends_on" in data and data["ends_on"] is None,
        )
        return Response(self._detail(agreement))

    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str) -> Response:
        data = json_body(request, ("reason", "ends_on"))
        agreement = services.end_agreement(
            actor=request.user,
            agreement=self.get_object(),
            reason=str(data.get("reason") or ""),
            ends_on=_date(data, "ends_on"),
        )
        return Response(self._detail(agreement))


CONTACT_FIELDS = (
    "resident",
    "kind",
    "occurred_at",
    "idempotency_key",
    "visitor",
    "health",
    "living_conditions",
    "needs",
    "findings",
    "follow_ups",
)


@extend_schema_view(
    list=extend_schema(summary="探访记录（可按老人 resident 筛选）", responses=_OBJ),
    create=extend_schema(
        summary="登记一次探访或电话联系（同一 idempotency_key 只记一次）",
        request=OpenApiTypes.OBJECT,
        responses={201: OpenApiTypes.OBJECT, **_ACT},
    ),
    overdue=extend_schema(summary="本周尚未达标的协议（mine=1 只看本人负责的）", responses=_OBJ),
)
class ContactViewSet(CareVisitViewSet):
    required_actions = {
        "list": Action.VIEW_CARE_VISITS,
        "create": Action.LOG_CARE_VISITS,
        "overdue": Action.VIEW_CARE_VISITS,
    }

    def get_queryset(self) -> QuerySet[CareContact]:
        rows = scoped(self.request.user, CareContact.objects.all()).prefetch_related("follow_ups")
        resident = self.request.query_params.get("resident")
        if resident:
            if not resident.isdigit():
                raise CareVisitDataError([Problem("resident", "wrong_type", "应为整数")])
            rows = rows.filter(resident_id=int(resident))
        return rows

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        return self.get_paginated_response([contact_data(c) for c in page])

    def create(self, request: Request) -> Response:
        data = json_body(request, CONTACT_FIELDS)
        resident = get_scoped_or_404(
            request.user, Resident.objects.all(), pk=_int(data, "resident", required=True)
        )
        contact, created = services.log_contact(
            actor=request.user,
            resident=resident,
            kind=str(data.get("kind") or ""),
            occurred_at=parse_instant(data.get("occurred_at")),
            idempotency_key=str(data.get("idempotency_key") or ""),
            visitor_id=_int(data, "visitor"),
            health=str(data.get("health") or "good"),
            living_conditions=str(data.get("living_conditions") or "good"),
            needs=[str(n) for n in _list(data, "needs")],
            findings=str(data.get("findings") or ""),
            follow_ups=[f if isinstance(f, Mapping) else {} for f in _list(data, "follow_ups")],
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(contact_data(contact), status=code)

    @action(detail=False, methods=["get"])
    def overdue(self, request: Request) -> Response:
        if request.query_params.get("mine") in ("1", "true"):
            rows = my_overdue(request.user)
        else:
            rows = region_overdue(request.user, request.query_params.get("region"))
        return Response(
            {
                "week": current_week().label,
                "count": len(rows),
                "results": [overdue_data(r) for r in rows],
            }
        )


@extend_schema_view(
    hand_over=extend_schema(
        summary="记录已转办（对方单号）", request=OpenApiTypes.OBJECT, responses=_ACT
    ),
    close=extend_schema(summary="办结", request=OpenApiTypes.OBJECT, responses=_ACT),
    cancel=extend_schema(summary="撤销", request=OpenApiTypes.OBJECT, responses=_ACT),
)
class FollowUpViewSet(CareVisitViewSet):
    required_actions = {
        "hand_over": Action.LOG_CARE_VISITS,
        "close": Action.LOG_CARE_VISITS,
        "cancel": Action.LOG_CARE_VISITS,
    }

    def get_object(self) -> FollowUp:
        return get_scoped_or_404(
            self.request.user,
            FollowUp.objects.select_related("contact__resident"),
            pk=self.kwargs["pk"],
        )

    @action(detail=True, methods=["post"], url_path="hand-over")
    def hand_over(self, request: Request, pk: str) -> Response:
        data = json_body(request, ("target_ref",))
        follow_up = services.record_hand_over(
            actor=request.user,
            follow_up=self.get_object(),
            target_ref=str(data.get("target_ref") or ""),
        )
        return Response(follow_up_data(follow_up))

    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        data = json_body(request, ("outcome",))
        follow_up = services.close_follow_up(
            actor=request.user, follow_up=self.get_object(), outcome=str(data.get("outcome") or "")
        )
        return Response(follow_up_data(follow_up))

    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        data = json_body(request, ("reason",))
        follow_up = services.cancel_follow_up(
            actor=request.user, follow_up=self.get_object(), reason=str(data.get("reason") or "")
        )
        return Response(follow_up_data(follow_up))


router = SimpleRouter()
router.register("care-visits/key-elderly", KeyElderlyViewSet, basename="care-key-elderly")
router.register("care-visits/agreements", AgreementViewSet, basename="care-agreement")
router.register("care-visits/contacts", ContactViewSet, basename="care-contact")
router.register("care-visits/follow-ups", FollowUpViewSet, basename="care-follow-up")
urlpatterns = router.urls
