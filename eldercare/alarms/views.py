"""Pages of emergency calls: the live board (server-sent events, JSON polling as fallback), an
alarm's detail with its timeline and handling forms, devices (register with the secret shown once,
bind, unbind, retire, new secret, offline list) and a resident's call chain. Each view: parse →
access check → one service call → render."""

import json
import time
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eldercare.accounts.access import Action, can, get_scoped_or_404, requires, scoped
from eldercare.alarms import services
from eldercare.alarms.board import audit_chain_shown, board, board_version, reveal_contacts
from eldercare.alarms.errors import AlarmDataError, AlarmStateError, Problem
from eldercare.alarms.forms import (
    BindForm,
    ChainFormSet,
    CloseForm,
    DeviceFilterForm,
    DeviceForm,
    NoteForm,
    ReasonForm,
)
from eldercare.alarms.models import (
    Alarm,
    AlarmAction,
    Device,
    DeviceEvent,
    DeviceStatus,
    Notification,
)
from eldercare.alarms.rules.kinds import LOW_BATTERY_PERCENT
from eldercare.alarms.services.devices import offline_cutoff
from eldercare.core.feedback import show_error
from eldercare.registry.models import Resident

PAGE_SIZE = 50
# A stream ends after this long; EventSource reconnects by itself, which also re-checks the login.
STREAM_SECONDS = 55
STREAM_TICK_SECONDS = 1.0


def _alarm(request: HttpRequest, pk: int) -> Alarm:
    return get_scoped_or_404(
        request.user, Alarm.objects.select_related("resident", "device"), pk=pk
    )


# --- board ------------------------------------------------------------------------------------


@requires(Action.VIEW_ALARMS)
def board_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "alarms/board.html",
        {"initial": board(request.user), "close_form": CloseForm()},
    )


@requires(Action.VIEW_ALARMS)
def board_data(request: HttpRequest) -> JsonResponse:
    return JsonResponse(board(request.user), json_dumps_params={"ensure_ascii": False})


@requires(Action.VIEW_ALARMS)
def board_stream(request: HttpRequest) -> StreamingHttpResponse:
    user = request.user

    def events() -> Iterator[str]:
        last = None
        started = time.monotonic()
        yield "retry: 2000\n\n"
        while time.monotonic() - started < STREAM_SECONDS:
            version = board_version(user)
            if version != last:
                last = version
                yield f"data: {json.dumps(board(user), ensure_ascii=False)}\n\n"
            else:
                yield ": keep-alive\n\n"
            time.sleep(STREAM_TICK_SECONDS)

    response = StreamingHttpResponse(events(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


# --- one alarm --------------------------------------------------------------------------------


@requires(Action.VIEW_ALARMS)
def alarm_list(request: HttpRequest) -> HttpResponse:
    alarms = scoped(request.user, Alarm.objects.select_related("resident")).order_by(
        "-opened_at", "-pk"
    )
    status = request.GET.get("status", "")
    if status:
        alarms = alarms.filter(status=status)
    page = max(1, int(request.GET.get("page", "1")) if request.GET.get("page", "").isdigit() else 1)
    rows = list(alarms[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    return render(
        request,
        "alarms/list.html",
        {
            "rows": rows[:PAGE_SIZE],
            "has_next": len(rows) > PAGE_SIZE,
            "page": page,
            "status": status,
        },
    )


@requires(Action.VIEW_ALARMS)
def alarm_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alarm = _alarm(request, pk)
    return render(
        request,
        "alarms/detail.html",
        {
            "alarm": alarm,
            "actions": scoped(request.user, AlarmAction.objects.filter(alarm=alarm)),
            "notifications": scoped(request.user, Notification.objects.filter(alarm=alarm)),
            "note_form": NoteForm(),
            "close_form": CloseForm(),
        },
    )


def _handled(request: HttpRequest, alarm: Alarm, done: str) -> HttpResponse:
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"id": alarm.pk, "status": alarm.status, "message": done})
    messages.success(request, done)
    if request.POST.get("next") == "board":
        return redirect("alarms:board")
    return redirect("alarms:detail", alarm.pk)


def _refused(
    request: HttpRequest, alarm: Alarm, error: AlarmDataError | AlarmStateError
) -> HttpResponse:
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(
            {"error": str(error)},
            status=409 if isinstance(error, AlarmStateError) else 400,
            json_dumps_params={"ensure_ascii": False},
        )
    show_error(request, error)
    return redirect("alarms:detail", alarm.pk)


@require_POST
@requires(Action.HANDLE_ALARMS)
def alarm_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    alarm = _alarm(request, pk)
    try:
        services.acknowledge(actor=request.user, alarm=alarm, text=request.POST.get("text", ""))
    except (AlarmDataError, AlarmStateError) as error:
        return _refused(request, alarm, error)
    return _handled(request, alarm, _("已响应，呼叫链停止"))


@require_POST
@requires(Action.HANDLE_ALARMS)
def alarm_close(request: HttpRequest, pk: int) -> HttpResponse:
    alarm = _alarm(request, pk)
    form = CloseForm(request.POST)
    try:
        if not form.is_valid():
            raise AlarmDataError([Problem("outcome", "invalid", _("请选择处置结果"))])
        alarm = services.close(
            actor=request.user,
            alarm=alarm,
            outcome=form.cleaned_data["outcome"],
            text=form.cleaned_data.get("text") or "",
        )
    except (AlarmDataError, AlarmStateError) as error:
        return _refused(request, alarm, error)
    return _handled(request, alarm, _("已结案"))


@require_POST
@requires(Action.HANDLE_ALARMS)
def alarm_note(request: HttpRequest, pk: int) -> HttpResponse:
    alarm = _alarm(request, pk)
    try:
        services.add_note(actor=request.user, alarm=alarm, text=request.POST.get("text", ""))
    except (AlarmDataError, AlarmStateError) as error:
        return _refused(request, alarm, error)
    return _handled(request, alarm, _("备注已保存"))


@require_POST
@requires(Action.HANDLE_ALARMS)
def alarm_visit(request: HttpRequest, pk: int) -> HttpResponse:
    alarm = _alarm(request, pk)
    try:
        services.request_visit(actor=request.user, alarm=alarm, text=request.POST.get("text", ""))
    except (AlarmDataError, AlarmStateError) as error:
        return _refused(request, alarm, error)
    return _handled(request, alarm, _("已记录派员上门"))


@require_POST
@requires(Action.VIEW_UNMASKED)
def alarm_reveal(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(
        reveal_contacts(request.user, _alarm(request, pk)),
        json_dumps_params={"ensure_ascii": False},
    )


# --- devices ----------------------------------------------------------------------------------


@requires(Action.VIEW_ALARMS)
def device_list(request: HttpRequest) -> HttpResponse:
    form = DeviceFilterForm(request.GET or None)
    devices = scoped(request.user, Device.objects.select_related("resident")).order_by(
        "region_code", "vendor", "serial"
    )
    if form.is_valid():
        status = form.cleaned_data["status"]
        if status == "offline":
            devices = devices.filter(status=DeviceStatus.ACTIVE).filter(
                Q(last_heartbeat_at__lt=offline_cutoff()) | Q(last_heartbeat_at__isnull=True)
            )
        elif status == "low_battery":
            devices = devices.filter(
                status=DeviceStatus.ACTIVE, battery_percent__lt=LOW_BATTERY_PERCENT
            )
        elif status:
            devices = devices.filter(status=status)
        if form.cleaned_data["q"]:
            text = form.cleaned_data["q"]
            devices = devices.filter(Q(serial__icontains=text) | Q(resident__name=text))
    page = int(request.GET["page"]) if request.GET.get("page", "").isdigit() else 1
    page = max(page, 1)
    rows = list(devices[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    return render(
        request,
        "alarms/devices.html",
        {
            "form": form,
            "rows": rows[:PAGE_SIZE],
            "has_next": len(rows) > PAGE_SIZE,
            "page": page,
            "cutoff": offline_cutoff(),
            "low_battery": LOW_BATTERY_PERCENT,
            "query": request.GET.urlencode(),
        },
    )


@requires(Action.MANAGE_DEVICES)
def device_new(request: HttpRequest) -> HttpResponse:
    form = DeviceForm(
        request.POST or None, initial={"region_code": getattr(request.user, "region_code", "")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.register_device(actor=request.user, **form.cleaned_data)
        except AlarmDataError as error:
            show_error(request, error)
        else:
            # Rendered, not redirected: the secret exists on this page and nowhere else.
            return render(
                request, "alarms/secret.html", {"device": issued.obj, "secret": issued.secret}
            )
    return render(request, "alarms/device_new.html", {"form": form})


def _device(request: HttpRequest, pk: int) -> Device:
    return get_scoped_or_404(request.user, Device.objects.select_related("resident"), pk=pk)


@requires(Action.VIEW_ALARMS)
def device_detail(request: HttpRequest, pk: int) -> HttpResponse:
    device = _device(request, pk)
    return render(
        request,
        "alarms/device.html",
        {
            "device": device,
            "bind_form": BindForm(),
            "reason_form": ReasonForm(),
            "events": scoped(request.user, DeviceEvent.objects.filter(device=device)).order_by(
                "-received_at", "-pk"
            )[:20],
            "can_manage": can(request.user, Action.MANAGE_DEVICES),
            "is_offline": device.status == DeviceStatus.ACTIVE
            and (device.last_heartbeat_at is None or device.last_heartbeat_at < offline_cutoff()),
        },
    )


@require_POST
@requires(Action.MANAGE_DEVICES)
def device_bind(request: HttpRequest, pk: int) -> HttpResponse:
    device = _device(request, pk)
    form = BindForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请检查填写的内容"))
        return redirect("alarms:device", pk)
    data = form.cleaned_data
    resident = get_scoped_or_404(request.user, Resident.objects.all(), pk=data.pop("resident"))
    try:
        services.bind_device(actor=request.user, device=device, resident=resident, **data)
    except (AlarmDataError, AlarmStateError) as error:
        show_error(request, error)
    else:
        messages.success(request, _("设备已绑定"))
    return redirect("alarms:device", pk)


def _device_change(request: HttpRequest, pk: int, change: Any, done: str) -> HttpResponse:
    device = _device(request, pk)
    try:
        change(actor=request.user, device=device, reason=request.POST.get("text", ""))
    except (AlarmDataError, AlarmStateError) as error:
        show_error(request, error)
    else:
        messages.success(request, done)
    return redirect("alarms:device", pk)


@require_POST
@requires(Action.MANAGE_DEVICES)
def device_unbind(request: HttpRequest, pk: int) -> HttpResponse:
    return _device_change(request, pk, services.unbind_device, _("设备已解绑"))


@require_POST
@requires(Action.MANAGE_DEVICES)
def device_retire(request: HttpRequest, pk: int) -> HttpResponse:
    return _device_change(request, pk, services.retire_device, _("设备已报废"))


@require_POST
@requires(Action.MANAGE_DEVICES)
def device_secret(request: HttpRequest, pk: int) -> HttpResponse:
    device = _device(request, pk)
    try:
        issued = services.renew_device_secret(actor=request.user, device=device)
    except AlarmStateError as error:
        show_error(request, error)
        return redirect("alarms:device", pk)
    return render(request, "alarms/secret.html", {"device": issued.obj, "secret": issued.secret})


# --- call chain -------------------------------------------------------------------------------


@requires(Action.HANDLE_ALARMS)
def resident_chain(request: HttpRequest, resident_pk: int) -> HttpResponse:
    resident = get_scoped_or_404(request.user, Resident.objects.all(), pk=resident_pk)
    current = services.chain_for(resident)
    formset = ChainFormSet(
        request.POST or None, initial=[step.as_dict() for step in current], prefix="step"
    )
    if request.method == "POST" and formset.is_valid():
        steps = [
            form.to_step()
            for form in formset.forms
            if form.has_changed() or form.initial
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        try:
            services.save_chain(actor=request.user, resident=resident, steps=steps)
        except AlarmDataError as error:
            show_error(request, error)
        else:
            messages.success(request, _("呼叫链已保存"))
            return redirect("alarms:chain", resident.pk)
    # The form shows the chain's full phone numbers (needed to edit them): audited.
    audit_chain_shown(request.user, resident)
    return render(
        request,
        "alarms/chain.html",
        {"resident": resident, "formset": formset, "now": timezone.now()},
    )
