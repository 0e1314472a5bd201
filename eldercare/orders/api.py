"""/api/v1/orders/…: orders, dispatch, the caregiver's visit (check-in/out, photos), quality
(ratings, complaints, callbacks, supervision figures) and monthly statements.

Each handler parses, finds objects through accounts.access (outside the scope = 404), calls one
service and renders; the caregiver's phone app uses token authentication.
"""

from collections.abc import Mapping
from typing import Any

from django.http import FileResponse, HttpResponse
from django.urls import include, path
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
from eldercare.core.api_problems import ProblemResponses, json_body
from eldercare.core.pagination import CappedCountPagination
from eldercare.orders import services
from eldercare.orders.errors import OrderDataError, Problem
from eldercare.orders.models import (
    Callback,
    CallbackSample,
    Complaint,
    Order,
    OrderStatus,
    Statement,
)
from eldercare.orders.parsing import ORDER_FIELDS, day, month, order_data
from eldercare.orders.queries import (
    orderable_item,
    orders_for,
    providers_serving,
    resident_for_order,
    work_today,
)
from eldercare.providers.models import Provider, StaffMember


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def order_data_out(order: Order) -> dict[str, Any]:
    return {
        "id": order.pk,
        "number": order.number,
        "status": order.status,
        "resident": order.resident_id,
        "resident_name": order.resident.name,
        "region_code": order.region_code,
        "provider": order.provider_id,
        "provider_name": order.provider.name,
        "item": order.item.code,
        "item_name": order.item.name,
        "starts_at": order.starts_at.isoformat(),
        "ends_at": order.ends_at.isoformat(),
        "address": order.address,
        "latitude": str(order.latitude) if order.latitude is not None else None,
        "longitude": str(order.longitude) if order.longitude is not None else None,
        "price_fen": order.price_fen,
        "subsidy_fen": order.subsidy_fen,
        "self_pay_fen": order.self_pay_fen,
        "channel": order.channel,
        "requested_by": order.requested_by,
        "requester_name": order.requester_name,
        "caregiver": order.caregiver_id,
        "caregiver_name": order.caregiver.name if order.caregiver else None,
        "status_reason": order.status_reason,
        "check_in_at": _iso(order.check_in_at),
        "check_in_distance_m": order.check_in_distance_m,
        "check_out_at": _iso(order.check_out_at),
        "work_done": order.work_done,
        "service_notes": order.service_notes,
        "rating": order.rating,
        "rating_comment": order.rating_comment,
    }


def _detail(user: Any, order: Order) -> dict[str, Any]:
    return {
        **order_data_out(order),
        "history": [
            {
                "at": e.created_at.isoformat(),
                "kind": e.kind,
                "from": e.from_status,
                "to": e.to_status,
                "actor": e.actor_name,
                "comment": e.comment,
            }
            for e in order.events.all()
        ],
        "flags": [{"kind": f.kind, "detail": f.detail} for f in order.flags.all()],
        "photos": [
            {
                "id": p.pk,
                "name": p.original_name,
                "size": p.size,
                "uploaded_at": _iso(p.uploaded_at),
            }
            for p in order.photos.all()
        ],
    }


def _id(data: Mapping[str, Any], name: str) -> int:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise OrderDataError([Problem(name, "required", "应为编号（整数）")])
    return value


def _optional_id(data: Mapping[str, Any], name: str) -> int | None:
    return None if data.get(name) is None else _id(data, name)


class _Base(ProblemResponses, viewsets.GenericViewSet):
    permission_classes = [ActionPermission]
    parser_classes = [JSONParser]


_ACTION: dict[str, Any] = {
    "request": OpenApiTypes.OBJECT,
    "responses": {
        200: OpenApiTypes.OBJECT,
        400: OpenApiTypes.OBJECT,
        403: OpenApiTypes.OBJECT,
        404: OpenApiTypes.OBJECT,
        409: OpenApiTypes.OBJECT,
    },
}


@extend_schema_view(
    list=extend_schema(
        operation_id="orders_list",
        summary="服务订单（按区划和机构范围）",
        parameters=[
            OpenApiParameter("status", str, enum=OrderStatus.values),
            OpenApiParameter("provider", int),
            OpenApiParameter("date_from", str, description="服务日期起，如 2026-11-01"),
            OpenApiParameter("date_to", str),
            OpenApiParameter("number", str),
        ],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    ),
    retrieve=extend_schema(
        summary="一个订单：全过程记录、预警和照片", responses={200: OpenApiTypes.OBJECT}
    ),
    create=extend_schema(
        summary="下单（resident, provider, item 编码, starts_at, ends_at, address, latitude/longitude…）",
        request=OpenApiTypes.OBJECT,
        responses={201: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    ),
    today=extend_schema(summary="护理员：今天的工作", responses={200: OpenApiTypes.OBJECT}),
    accept=extend_schema(summary="机构接单", **_ACTION),
    refuse=extend_schema(summary="机构拒单（须写明原因 reason）", **_ACTION),
    cancel=extend_schema(summary="取消订单（须写明原因 reason）", **_ACTION),
    proposals=extend_schema(
        summary="推荐的护理员（排序及理由）", responses={200: OpenApiTypes.OBJECT}
    ),
    assign=extend_schema(
        summary="派单（caregiver 可省略＝自动派单；reassign=true 改派）", **_ACTION
    ),
    check_in=extend_schema(summary="护理员签到（latitude, longitude）", **_ACTION),
    check_out=extend_schema(
        summary="护理员签退并完成（work_done, notes, latitude, longitude）", **_ACTION
    ),
    photos=extend_schema(
        summary="上传服务照片（multipart，字段 file；JPG/PNG）",
        request={"multipart/form-data": OpenApiTypes.OBJECT},
        responses={201: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT},
    ),
    photo=extend_schema(
        summary="下载服务照片（记入审计）", responses={(200, "*/*"): OpenApiTypes.BINARY}
    ),
    rate=extend_schema(summary="评价（rating 1–5, comment, rated_by）", **_ACTION),
    complain=extend_schema(summary="投诉（content, complainant）", **_ACTION),
)
class OrderViewSet(_Base):
    required_actions = {
        "list": Action.VIEW_ORDERS,
        "retrieve": Action.VIEW_ORDERS,
        "create": Action.PLACE_ORDERS,
        "today": Action.PERFORM_SERVICE,
        "accept": Action.DISPATCH_ORDERS,
        "refuse": Action.DISPATCH_ORDERS,
        "cancel": Action.PLACE_ORDERS,
        "proposals": Action.DISPATCH_ORDERS,
        "assign": Action.DISPATCH_ORDERS,
        "check_in": Action.PERFORM_SERVICE,
        "check_out": Action.PERFORM_SERVICE,
        "photos": Action.PERFORM_SERVICE,
        "photo": Action.VIEW_ORDERS,
        "rate": Action.PLACE_ORDERS,
        "complain": Action.PLACE_ORDERS,
    }
    pagination_class = CappedCountPagination

    def get_queryset(self) -> Any:
        return scoped(
            self.request.user,
            Order.objects.select_related("resident", "provider", "item", "caregiver"),
        )

    def get_object(self) -> Order:
        return get_scoped_or_404(self.request.user, self.get_queryset(), pk=self.kwargs["pk"])

    def _done(self, order: Order, code: int = 200) -> Response:
        # Read back through the scope: a caregiver reassigned away no longer sees it.
        found = self.get_queryset().filter(pk=order.pk).first()
        return Response(
            _detail(self.request.user, found) if found else {"id": order.pk}, status=code
        )

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(orders_for(request.user, request.query_params)) or []
        return self.get_paginated_response([order_data_out(o) for o in page])

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(_detail(request.user, self.get_object()))

    def create(self, request: Request) -> Response:
        data = json_body(request, ("resident", "provider", "item", *ORDER_FIELDS))
        resident_id, provider_id = _id(data, "resident"), _id(data, "provider")
        resident = resident_for_order(request.user, resident_id)
        provider = (
            providers_serving(request.user, resident.region_code).filter(pk=provider_id).first()
            if resident is not None
            else None
        )
        item = orderable_item(data.get("item"))
        missing = [
            Problem(name, "not_found", "不存在或不在您的范围内")
            for name, found in (("resident", resident), ("provider", provider), ("item", item))
            if found is None
        ]
        if missing:
            raise OrderDataError(missing)
        assert resident is not None and provider is not None and item is not None
        order = services.place_order(
            actor=request.user,
            resident=resident,
            provider=provider,
            item=item,
            data=order_data(data),
        )
        return self._done(order, status.HTTP_201_CREATED)

    @action(detail=False, methods=["get"])
    def today(self, request: Request) -> Response:
        return Response({"results": [order_data_out(o) for o in work_today(request.user)]})

    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        json_body(request, ())
        return self._done(services.accept_order(actor=request.user, order=self.get_object()))

    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, pk: str) -> Response:
        data = json_body(request, ("reason",))
        order = services.refuse_order(
            actor=request.user, order=self.get_object(), reason=str(data.get("reason") or "")
        )
        return self._done(order)

    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        data = json_body(request, ("reason",))
        order = services.cancel_order(
            actor=request.user, order=self.get_object(), reason=str(data.get("reason") or "")
        )
        return self._done(order)

    @action(detail=True, methods=["get"])
    def proposals(self, request: Request, pk: str) -> Response:
        order = self.get_object()
        return Response(
            {
                "results": [
                    {
                        "rank": p.rank,
                        "caregiver": p.staff.pk,
                        "name": p.staff.name,
                        "distance_m": round(p.distance_m) if p.distance_m is not None else None,
                        "load": p.load,
                    }
                    for p in services.propose(order)
                ]
            }
        )

    @action(detail=True, methods=["post"], url_path="dispatch")
    def assign(self, request: Request, pk: str) -> Response:
        data = json_body(request, ("caregiver", "reassign"))
        caregiver_id = _optional_id(data, "caregiver")
        caregiver = None
        if caregiver_id is not None:
            caregiver = (
                scoped(request.user, StaffMember.objects.all()).filter(pk=caregiver_id).first()
            )
            if caregiver is None:
                raise OrderDataError([Problem("caregiver", "not_found", "不存在或不在您的范围内")])
        order = services.dispatch_order(
            actor=request.user,
            order=self.get_object(),
            caregiver=caregiver,
            reassign=data.get("reassign") is True,
        )
        return self._done(order)

    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request: Request, pk: str) -> Response:
        data = json_body(request, ("latitude", "longitude"))
        order = services.check_in(
            actor=request.user,
            order=self.get_object(),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
        )
        return self._done(order)

    @action(detail=True, methods=["post"], url_path="check-out")
    def check_out(self, request: Request, pk: str) -> Response:
        data = json_body(request, ("latitude", "longitude", "work_done", "notes"))
        order = services.check_out(
            actor=request.user,
            order=self.get_object(),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            work_done=str(data.get("work_done") or ""),
            notes=str(data.get("notes") or ""),
        )
        return self._done(order)

    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def photos(self, request: Request, pk: str) -> Response:
        upload = request.FILES.get("file")
        if upload is None:
            raise OrderDataError([Problem("photo", "required", "请选择照片（字段 file）")])
        photo = services.add_photo(actor=request.user, order=self.get_object(), upload=upload)
        return Response({"id": photo.pk, "size": photo.size}, status=status.HTTP_201_CREATED)

    @action(detail=False, methods=["get"], url_path=r"photos/(?P<photo_id>\d+)")
    def photo(self, request: Request, photo_id: str) -> FileResponse:
        photo, handle = services.open_photo(actor=request.user, photo_id=int(photo_id))
        return FileResponse(handle, content_type=photo.content_type, filename=photo.original_name)

    @action(detail=True, methods=["post"])
    def rate(self, request: Request, pk: str) -> Response:
        data = json_body(request, ("rating", "comment", "rated_by"))
        order = services.rate_order(
            actor=request.user,
            order=self.get_object(),
            rating=data.get("rating"),
            comment=str(data.get("comment") or ""),
            rated_by=str(data.get("rated_by") or "resident"),
        )
        return self._done(order)

    @action(detail=True, methods=["post"])
    def complain(self, request: Request, pk: str) -> Response:
        data = json_body(request, ("content", "complainant"))
        complaint = services.file_complaint(
            actor=request.user,
            order=self.get_object(),
            content=str(data.get("content") or ""),
            complainant=str(data.get("complainant") or "resident"),
        )
        return Response(complaint_data(complaint), status=status.HTTP_201_CREATED)


def complaint_data(complaint: Complaint) -> dict[str, Any]:
    return {
        "id": complaint.pk,
        "order": complaint.order_id,
        "complainant": complaint.complainant,
        "content": complaint.content,
        "status": complaint.status,
        "due_on": complaint.due_on.isoformat(),
        "handler_note": complaint.handler_note,
        "result": complaint.result,
    }


@extend_schema_view(
    list=extend_schema(
        operation_id="order_complaints_list", summary="投诉", responses={200: OpenApiTypes.OBJECT}
    ),
    advance=extend_schema(summary="处理投诉（step: handle/resolve/reject, note）", **_ACTION),
)
class ComplaintViewSet(_Base):
    required_actions = {"list": Action.SUPERVISE_SERVICES, "advance": Action.SUPERVISE_SERVICES}
    pagination_class = CappedCountPagination

    def list(self, request: Request) -> Response:
        complaints = scoped(request.user, Complaint.objects.all())
        page = self.paginate_queryset(complaints) or []
        return self.get_paginated_response([complaint_data(c) for c in page])

    @action(detail=True, methods=["post"])
    def advance(self, request: Request, pk: str) -> Response:
        data = json_body(request, ("step", "note"))
        complaint = get_scoped_or_404(request.user, Complaint.objects.all(), pk=pk)
        complaint = services.advance_complaint(
            actor=request.user,
            complaint=complaint,
            step=str(data.get("step") or ""),
            note=str(data.get("note") or ""),
        )
        return Response(complaint_data(complaint))


def sample_data(sample: CallbackSample) -> dict[str, Any]:
    return {
        "id": sample.pk,
        "region_code": sample.region_code,
        "period_start": sample.period_start.isoformat(),
        "period_end": sample.period_end.isoformat(),
        "seed": sample.seed,
        "callbacks": [
            {"id": c.pk, "order": c.order_id, "outcome": c.outcome, "note": c.note}
            for c in sample.callbacks.all()
        ],
    }


@extend_schema_view(
    create=extend_schema(summary="抽取回访样本（region_code, start, end, size, seed）", **_ACTION),
    retrieve=extend_schema(summary="回访样本", responses={200: OpenApiTypes.OBJECT}),
    record=extend_schema(summary="记录回访结果（callback, outcome, note）", **_ACTION),
    supervision=extend_schema(
        summary="各机构服务质量指标（start, end）",
        parameters=[OpenApiParameter("start", str), OpenApiParameter("end", str)],
        responses={200: OpenApiTypes.OBJECT},
    ),
)
class CallbackViewSet(_Base):
    required_actions = {
        "create": Action.SUPERVISE_SERVICES,
        "retrieve": Action.SUPERVISE_SERVICES,
        "record": Action.SUPERVISE_SERVICES,
        "supervision": Action.SUPERVISE_SERVICES,
    }

    def create(self, request: Request) -> Response:
        data = json_body(request, ("region_code", "start", "end", "size", "seed"))
        sample = services.draw_callback_sample(
            actor=request.user,
            region_code=str(data.get("region_code") or ""),
            start=day(data.get("start"), "period"),
            end=day(data.get("end"), "period"),
            size=data.get("size"),  # type: ignore[arg-type]
            seed=str(data.get("seed") or ""),
        )
        return Response(sample_data(sample), status=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(
            sample_data(get_scoped_or_404(request.user, CallbackSample.objects.all(), pk=pk))
        )

    @action(detail=False, methods=["post"])
    def record(self, request: Request) -> Response:
        data = json_body(request, ("callback", "outcome", "note"))
        callback = get_scoped_or_404(request.user, Callback.objects.all(), pk=_id(data, "callback"))
        callback = services.record_callback(
            actor=request.user,
            callback=callback,
            outcome=str(data.get("outcome") or ""),
            note=str(data.get("note") or ""),
        )
        return Response({"id": callback.pk, "outcome": callback.outcome})

    @action(detail=False, methods=["get"])
    def supervision(self, request: Request) -> Response:
        start = day(request.query_params.get("start"), "period")
        end = day(request.query_params.get("end"), "period")
        rows = services.provider_figures(request.user, start, end)
        return Response(
            {
                "results": [
                    {
                        **row.__dict__,
                        "completion_rate": row.completion_rate,
                        "on_time_rate": row.on_time_rate,
                    }
                    for row in rows
                ]
            }
        )


def statement_data(statement: Statement) -> dict[str, Any]:
    return {
        "id": statement.pk,
        "provider": statement.provider_id,
        "month": f"{statement.month:%Y-%m}",
        "status": statement.status,
        "order_count": statement.order_count,
        "total_fen": statement.total_fen,
        "subsidy_fen": statement.subsidy_fen,
        "self_pay_fen": statement.self_pay_fen,
        "ledger_fen": statement.ledger_fen,
        "is_reconciled": statement.is_reconciled,
    }


@extend_schema_view(
    list=extend_schema(
        operation_id="order_statements_list", summary="结算单", responses={200: OpenApiTypes.OBJECT}
    ),
    create=extend_schema(summary="生成/重算某机构某月结算单（provider, month）", **_ACTION),
    confirm=extend_schema(summary="确认结算单（确认后冻结）", **_ACTION),
    export=extend_schema(
        summary="导出 Excel（记入审计）", responses={(200, "*/*"): OpenApiTypes.BINARY}
    ),
)
class StatementViewSet(_Base):
    required_actions = {
        "list": Action.SETTLE_ORDERS,
        "create": Action.SETTLE_ORDERS,
        "confirm": Action.SETTLE_ORDERS,
        "export": Action.SETTLE_ORDERS,
    }
    pagination_class = CappedCountPagination

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(scoped(request.user, Statement.objects.all())) or []
        return self.get_paginated_response([statement_data(s) for s in page])

    def create(self, request: Request) -> Response:
        data = json_body(request, ("provider", "month"))
        provider = get_scoped_or_404(request.user, Provider.objects.all(), pk=_id(data, "provider"))
        statement = services.prepare_statement(
            actor=request.user, provider=provider, month=month(data.get("month"))
        )
        return Response(statement_data(statement), status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        statement = get_scoped_or_404(request.user, Statement.objects.all(), pk=pk)
        return Response(
            statement_data(services.confirm_statement(actor=request.user, statement=statement))
        )

    @action(detail=True, methods=["get"])
    def export(self, request: Request, pk: str) -> HttpResponse:
        statement = get_scoped_or_404(request.user, Statement.objects.all(), pk=pk)
        content = services.export_statement(actor=request.user, statement=statement)
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="statement-{statement.pk}.xlsx"'
        return response


router = SimpleRouter()
router.register("orders/complaints", ComplaintViewSet, basename="order-complaint")
router.register("orders/callbacks", CallbackViewSet, basename="order-callback")
router.register("orders/statements", StatementViewSet, basename="order-statement")
router.register("orders", OrderViewSet, basename="order")

urlpatterns = [path("", include(router.urls))]
