"""The resident page's emergency-call section (settings.RESIDENT_PANELS): devices, the last
alarms and the call chain."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from eldercare.accounts.access import Action, can, scoped
from eldercare.alarms.models import Alarm, Device, DeviceStatus
from eldercare.alarms.services import chain_for
from eldercare.registry.models import Resident


def resident_panel(request: HttpRequest, resident: Resident) -> str:
    if not can(request.user, Action.VIEW_ALARMS):
        return ""
    return render_to_string(
        "alarms/resident_panel.html",
        {
            "resident": resident,
            "devices": scoped(
                request.user, Device.objects.filter(resident=resident, status=DeviceStatus.ACTIVE)
            ),
            "alarms": scoped(request.user, Alarm.objects.filter(resident=resident)).order_by(
                "-opened_at", "-pk"
            )[:10],
            "chain": chain_for(resident),
            "can_edit_chain": can(request.user, Action.HANDLE_ALARMS),
        },
        request=request,
    )
