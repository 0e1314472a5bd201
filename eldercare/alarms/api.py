"""/api/v1/: device ingestion (signed, no login), devices, alarms and their handling, the board
and a resident's call chain. Each handler parses, finds objects through accounts.access (outside
the scope = 404), calls one service and renders."""

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.urls import path
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
from eldercare.alarms import ingest_views, services
from eldercare.alarms.board import audit_chain_shown, board, masked_steps, reveal_contacts
from eldercare.alarms.errors import AlarmDataError, Problem
from eldercare.alarms.models import Alarm, AlarmAction, Device, Notification
from eldercare.alarms.rules.chain import Step
from eldercare.core.api_problems import ProblemResponses, json_body
from eldercare.core.normalize import ValueFormatError, parse_date
from eldercare.core.pagination import CappedCountPagination
from eldercare.registry.models import Resident


def device_data(device: Device) -> dict[str, Any]:
    return {
        "id": device.pk,
        "vendor": device.vendor,
        "serial": device.serial,
        "kind": device.kind,
        "model_name": device.model_name,
        "status": device.status,
        "region_code": device.region_code,
        "resident": device.resident_id,
        "address": device.address,
        "latitude": str(device.latitude) if device.latitude is not None else None,
        "longitude": str(device.longitude) if device.longitude is not None else None,
        "installed_on": device.installed_on.isoformat() if device.installed_on else None,
        "last_heartbeat_at": device.last_heartbeat_at.isoformat()
        if device.last_heartbeat_at
        else None,
        "battery_percent": device.battery_percent,
    }


def alarm_data(alarm: Alarm) -> dict[str, Any]:
    return {
        "id": alarm.pk,
        "device": alarm.device_id,
        "event_id": alarm.event_id,
        "resident": alarm.resident_id,
        "region_code": alarm.region_code,
        "kind": alarm.kind,
        "urgency": alarm.urgency,
        "status": alarm.status,
        "opened_at": alarm.opened_at.isoformat(),
        "step": alarm.current_step,
        "step_count": alarm.step_count,
        "step_due_at": alarm.step_due_at.isoformat() if alarm.step_due_at else None,
        "acknowledged_at": alarm.acknowledged_at.isoformat() if alarm.acknowledged_at else None,
        "closed_at": alarm.closed_at.isoformat() if alarm.closed_at else None,
        "outcome": alarm.outcome,
        "seconds_to_acknowledge": alarm.seconds_to_acknowledge,
        "seconds_to_close": alarm.seconds_to_close,
    }


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise AlarmDataError([Problem(name, "wrong_type", "应为字符串")])
    return value


def _id(data: Mapping[str, Any], name: str) -> int:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise AlarmDataError([Problem(name, "required", "应为整数编号")])
    return value


class _Handled(ProblemResponses, viewsets.GenericViewSet):
    permission_classes = [ActionPermission]
    parser_classes = [JSONParser]
    pagination_class = CappedCountPagination


_OBJ = OpenApiTypes.OBJECT


@extend_schema_view(
    list=extend_schema(
        summary="紧急呼叫设备（按区划范围；status=offline 为离线设备）", responses={200: _OBJ}
    ),
    retrieve=extend_schema(summary="一台设备", responses={200: _OBJ}),
    create=extend_schema(
        summary="登记设备（返回的密钥只出现这一次）", request=_OBJ, responses={201: _OBJ, 400: _OBJ}
    ),
    bind=extend_schema(summary="绑定老人", request=_OBJ, responses={200: _OBJ, 409: _OBJ}),
    unbind=extend_schema(summary="解绑（须写明原因）", request=_OBJ, responses={200: _OBJ}),
    retire=extend_schema(summary="报废（须写明原因）", request=_OBJ, responses={200: _OBJ}),
    renew_secret=extend_schema(
        summary="更换密钥（旧密钥立即失效）", request=None, responses={200: _OBJ}
    ),
)
class DeviceViewSet(_Handled):
    required_actions = {
        "list": Action.VIEW_ALARMS,
        "retrieve": Action.VIEW_ALARMS,
        "create": Action.MANAGE_DEVICES,
        "bind": Action.MANAGE_DEVICES,
        "unbind": Action.MANAGE_DEVICES,
        "retire": Action.MANAGE_DEVICES,
        "renew_secret": Action.MANAGE_DEVICES,
    }

    def get_queryset(self) -> QuerySet[Device]:
        return scoped(self.request.user, Device.objects.all()).order_by("pk")

    def get_object(self) -> Device:
        return get_scoped_or_404(self.request.user, Device.objects.all(), pk=self.kwargs["pk"])

    def list(self, request: Request) -> Response:
        devices = self.get_queryset()
        wanted = request.query_params.get("status", "")
        if wanted == "offline":
            devices = services.offline_devices(request.user)
        elif wanted:
            devices = devices.filter(status=wanted)
        page = self.paginate_queryset(devices) or []
        return self.get_paginated_response([device_data(d) for d in page])

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(device_data(self.get_object()))

    def create(self, request: Request) -> Response:
        data = json_body(request, ("vendor", "serial", "kind", "model_name", "region_code"))
        issued = services.register_device(
            actor=request.user,
            vendor=_text(data, "vendor"),
            serial=_text(data, "serial"),
            kind=_text(data, "kind"),
            region_code=_text(data, "region_code") or getattr(request.user, "region_code", ""),
            model_name=_text(data, "model_name"),
        )
        return Response(
            {**device_data(issued.obj), "secret": issued.secret}, status=status.HTTP_201_CREATED
        )

    @action(detail=True, methods=["post"])
    def bind(self, request: Request, pk: str) -> Response:
        data = json_body(request, ("resident", "address", "installed_on", "latitude", "longitude"))
        resident = get_scoped_or_404(request.user, Resident.objects.all(), pk=_id(data, "resident"))
        try:
            installed_on = parse_date(data["installed_on"]) if data.get("installed_on") else None
        except ValueFormatError as error:
            raise AlarmDataError([Problem("installed_on", error.code, "应为日期")]) from error
        device = services.bind_device(
            actor=request.user,
            device=self.get_object(),
            resident=resident,
            address=_text(data, "address"),
            installed_on=installed_on,
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
        )
        return Response(device_data(device))

    @action(detail=True, methods=["post"])
    def unbind(self, request: Request, pk: str) -> Response:
        data = json_body(request, ("reason",))
        device = services.unbind_device(
            actor=request.user, device=self.get_object(), reason=_text(data, "reason")
        )
        return Response(device_data(device))

    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk: str) -> Response:
        data = json_body(request, ("reason",))
        device = services.retire_device(
            actor=request.user, device=self.get_object(), reason=_text(data, "reason")
        )
        return Response(device_data(device))

    @action(detail=True, methods=["post"], url_path="renew-secret")
    def renew_secret(self, request: Request, pk: str) -> Response:
        issued = services.renew_device_secret(actor=request.user, device=self.get_object())
        return Response({**device_data(issued.obj), "secret": issued.secret})


@extend_schema_view(
    list=extend_schema(summary="报警（按区划范围；status 筛选）", responses={200: _OBJ}),
    retrieve=extend_schema(summary="一次报警：呼叫链通知和处置记录", responses={200: _OBJ}),
    board=extend_schema(
        summary="值守台数据（待处理报警，按紧急程度和时长）", responses={200: _OBJ}
    ),
    acknowledge=extend_schema(
        summary="响应（停止呼叫链）", request=_OBJ, responses={200: _OBJ, 409: _OBJ}
    ),
    note=extend_schema(summary="添加备注", request=_OBJ, responses={200: _OBJ}),
    visit=extend_schema(summary="派员上门", request=_OBJ, responses={200: _OBJ, 409: _OBJ}),
    close=extend_schema(
        summary="结案（处置结果 outcome）", request=_OBJ, responses={200: _OBJ, 409: _OBJ}
    ),
    reveal=extend_schema(
        summary="老人和联系人的完整电话（记入审计）", request=None, responses={200: _OBJ}
    ),
)
class AlarmViewSet(_Handled):
    required_actions = {
        "list": Action.VIEW_ALARMS,
        "retrieve": Action.VIEW_ALARMS,
        "board": Action.VIEW_ALARMS,
        "acknowledge": Action.HANDLE_ALARMS,
        "note": Action.HANDLE_ALARMS,
        "visit": Action.HANDLE_ALARMS,
        "close": Action.HANDLE_ALARMS,
        "reveal": Action.VIEW_UNMASKED,
    }

    def get_queryset(self) -> QuerySet[Alarm]:
        return scoped(self.request.user, Alarm.objects.all()).order_by("-opened_at", "-pk")

    def get_object(self) -> Alarm:
        return get_scoped_or_404(
            self.request.user,
            Alarm.objects.select_related("resident", "device"),
            pk=self.kwargs["pk"],
        )

    def list(self, request: Request) -> Response:
        alarms = self.get_queryset()
        if request.query_params.get("status"):
            alarms = alarms.filter(status=request.query_params["status"])
        page = self.paginate_queryset(alarms) or []
        return self.get_paginated_response([alarm_data(a) for a in page])

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self._detail(self.get_object()))

    def _detail(self, alarm: Alarm) -> dict[str, Any]:
        user = self.request.user
        return {
            **alarm_data(alarm),
            "chain": masked_steps(alarm.chain),
            "notifications": [
                {
                    "step": n.step,
                    "recipient": n.recipient_name,
                    "status": n.status,
                    "created_at": n.created_at.isoformat(),
                    "message": n.message,
                }
                for n in scoped(user, Notification.objects.filter(alarm=alarm))
            ],
            "timeline": [
                {
                    "at": a.at.isoformat(),
                    "kind": a.kind,
                    "actor": a.actor_name,
                    "step": a.step,
                    "text": a.text,
                }
                for a in scoped(user, AlarmAction.objects.filter(alarm=alarm))
            ],
        }

    @action(detail=False, methods=["get"])
    def board(self, request: Request) -> Response:
        return Response(board(request.user))

    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        data = json_body(request, ("text",))
        alarm = services.acknowledge(
            actor=request.user, alarm=self.get_object(), text=_text(data, "text")
        )
        return Response(self._detail(alarm))

    @action(detail=True, methods=["post"])
    def note(self, request: Request, pk: str) -> Response:
        data = json_body(request, ("text",))
        alarm = services.add_note(
            actor=request.user, alarm=self.get_object(), text=_text(data, "text")
        )
        return Response(self._detail(alarm))

    @action(detail=True, methods=["post"])
    def visit(self, request: Request, pk: str) -> Response:
        data = json_body(request, ("text",))
        alarm = services.request_visit(
            actor=request.user, alarm=self.get_object(), text=_text(data, "text")
        )
        return Response(self._detail(alarm))

    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        data = json_body(request, ("outcome", "text"))
        alarm = services.close(
            actor=request.user,
            alarm=self.get_object(),
            outcome=_text(data, "outcome"),
            text=_text(data, "text"),
        )
        return Response(self._detail(alarm))

    @action(detail=True, methods=["post"])
    def reveal(self, request: Request, pk: str) -> Response:
        return Response(reveal_contacts(request.user, self.get_object()))


@extend_schema_view(
    retrieve=extend_schema(
        summary="老人的紧急呼叫链（未设置时为自动生成；电话脱敏，unmasked=1 显示完整号码并记入审计）",
        responses={200: _OBJ},
    ),
    update=extend_schema(
        summary="设置呼叫链（空列表恢复自动生成）", request=_OBJ, responses={200: _OBJ, 400: _OBJ}
    ),
)
class CallChainViewSet(_Handled):
    required_actions = {"retrieve": Action.VIEW_ALARMS, "update": Action.HANDLE_ALARMS}

    def _resident(self) -> Resident:
        return get_scoped_or_404(self.request.user, Resident.objects.all(), pk=self.kwargs["pk"])

    def retrieve(self, request: Request, pk: str) -> Response:
        """Phones masked; ?unmasked=1 (view_unmasked, audited) for the full numbers."""
        resident = self._resident()
        steps = [s.as_dict() for s in services.chain_for(resident)]
        if request.query_params.get("unmasked") == "1":
            audit_chain_shown(request.user, resident)
            return Response({"steps": steps})
        return Response({"steps": masked_steps(steps)})

    def update(self, request: Request, pk: str) -> Response:
        data = json_body(request, ("steps",))
        raw = data.get("steps")
        if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
            raise AlarmDataError([Problem("chain", "invalid", "steps 应为环节对象的列表")])
        try:
            steps = [
                Step(
                    str(item["kind"]),
                    str(item["name"]),
                    str(item.get("phone") or ""),
                    int(item["timeout_seconds"]),
                )
                for item in raw
            ]
        except (KeyError, TypeError, ValueError) as error:
            raise AlarmDataError(
                [Problem("chain", "invalid", "每个环节须有 kind、name、timeout_seconds")]
            ) from error
        saved = services.save_chain(actor=request.user, resident=self._resident(), steps=steps)
        return Response({"steps": masked_steps([s.as_dict() for s in saved])})


router = SimpleRouter()
router.register("alarm-devices", DeviceViewSet, basename="alarm-device")
router.register("alarms", AlarmViewSet, basename="alarm")
router.register("alarm-call-chains", CallChainViewSet, basename="alarm-call-chain")
urlpatterns = [
    path("device-events/", ingest_views.device_event, name="alarm-device-event"),
    path("device-events/batch/", ingest_views.gateway_batch, name="alarm-gateway-batch"),
    *router.urls,
]
