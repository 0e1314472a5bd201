"""The live board's data: open and acknowledged alarms in the user's scope, most urgent first
(kind, then age), each with the resident's card. Phones are masked here; the full numbers come
only from `reveal_contacts`, which is audited."""

from datetime import datetime
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from eldercare.accounts.access import Action, can, require, scoped
from eldercare.alarms.models import Alarm, AlarmStatus
from eldercare.core import audit
from eldercare.core.masking import mask_phone
from eldercare.core.models import AuditAction
from eldercare.regions.services import region_names
from eldercare.registry.choices import CATEGORY_LABELS
from eldercare.registry.models import ResidentContact, ResidentPhone
from eldercare.registry.serializers import resident_categories

BOARD_LIMIT = 200
ACTIVE = (AlarmStatus.OPEN, AlarmStatus.ACKNOWLEDGED)


def board_alarms(user: Any) -> QuerySet[Alarm]:
    return (
        scoped(user, Alarm.objects.filter(status__in=ACTIVE))
        .select_related("resident", "device")
        .order_by("status", "urgency", "opened_at", "pk")
    )


def board_version(user: Any) -> str:
    """Changes whenever an alarm in scope opens, moves or is handled (cheap: one aggregate)."""
    found = scoped(user, Alarm.objects.filter(status__in=ACTIVE)).aggregate(
        count=Count("pk"), last=Max("updated_at")
    )
    closed = scoped(user, Alarm.objects.filter(status=AlarmStatus.CLOSED)).aggregate(
        last=Max("updated_at")
    )
    return f"{found['count']}:{found['last']}:{closed['last']}"


def _contacts(resident_ids: list[int], user: Any) -> dict[int, list[dict[str, str]]]:
    found: dict[int, list[dict[str, str]]] = {}
    rows = scoped(user, ResidentContact.objects.filter(resident_id__in=resident_ids)).order_by(
        "resident_id", "call_order", "pk"
    )
    for contact in rows:
        found.setdefault(contact.resident_id, []).append(
            {
                "name": contact.name,
                "relation": str(contact.get_relation_display()),
                "phone": mask_phone(contact.phone),
            }
        )
    return found


def _phones(resident_ids: list[int], user: Any) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    rows = scoped(user, ResidentPhone.objects.filter(resident_id__in=resident_ids)).order_by(
        "resident_id", "position"
    )
    for phone in rows:
        found.setdefault(phone.resident_id, []).append(mask_phone(phone.number))
    return found


def _point(alarm: Alarm) -> list[float] | None:
    if alarm.latitude is not None and alarm.longitude is not None:
        return [float(alarm.latitude), float(alarm.longitude)]
    device = alarm.device
    if device.latitude is not None and device.longitude is not None:
        return [float(device.latitude), float(device.longitude)]
    return None


def alarm_card(
    alarm: Alarm,
    now: datetime,
    *,
    village: str,
    contacts: list[dict[str, str]],
    phones: list[str],
) -> dict[str, Any]:
    resident = alarm.resident
    today = timezone.localdate(now)
    step = (
        alarm.chain[alarm.current_step - 1] if 0 < alarm.current_step <= len(alarm.chain) else None
    )
    return {
        "id": alarm.pk,
        "kind": alarm.kind,
        "kind_label": str(alarm.get_kind_display()),
        "urgency": alarm.urgency,
        "status": alarm.status,
        "status_label": str(alarm.get_status_display()),
        "opened_at": alarm.opened_at.isoformat(),
        "age_seconds": int((now - alarm.opened_at).total_seconds()),
        "acknowledged_at": alarm.acknowledged_at.isoformat() if alarm.acknowledged_at else None,
        "step": alarm.current_step,
        "step_count": len(alarm.chain),
        "calling": step["name"] if step else "",
        "step_due_at": alarm.step_due_at.isoformat() if alarm.step_due_at else None,
        "point": _point(alarm),
        "resident": {
            "id": resident.pk,
            "name": resident.name,
            "sex": resident.get_sex_display(),
            "birth_year": resident.birth_date.year,
            "address": alarm.device.address or resident.residence_address,
            "village": village,
            "living": str(resident.get_living_arrangement_display())
            if resident.living_arrangement
            else "",
            "categories": [
                str(CATEGORY_LABELS[c]) for c in resident_categories(resident.__dict__, today)
            ],
            "disability": str(resident.get_disability_type_display())
            if resident.disability_type
            else "",
            "phones": phones,
            "contacts": contacts,
        },
        "device": str(alarm.device),
    }


def board(user: Any, now: datetime | None = None) -> dict[str, Any]:
    require(user, Action.VIEW_ALARMS)
    now = now or timezone.now()
    alarms = list(board_alarms(user)[:BOARD_LIMIT])
    resident_ids = [alarm.resident_id for alarm in alarms]
    contacts = _contacts(resident_ids, user)
    phones = _phones(resident_ids, user)
    villages = region_names(alarm.region_code for alarm in alarms)
    return {
        "version": board_version(user),
        "now": now.isoformat(),
        "can_handle": can(user, Action.HANDLE_ALARMS),
        "can_unmask": can(user, Action.VIEW_UNMASKED),
        "alarms": [
            alarm_card(
                alarm,
                now,
                village=villages.get(alarm.region_code, alarm.region_code),
                contacts=contacts.get(alarm.resident_id, []),
                phones=phones.get(alarm.resident_id, []),
            )
            for alarm in alarms
        ],
    }


def reveal_contacts(user: Any, alarm: Alarm) -> dict[str, Any]:
    """The resident's and contacts' full phone numbers for an alarm; audited every time."""
    require(user, Action.VIEW_UNMASKED)
    resident = alarm.resident
    contacts = [
        {"name": c.name, "relation": str(c.get_relation_display()), "phone": c.phone}
        for c in scoped(user, ResidentContact.objects.filter(resident=resident)).order_by(
            "call_order", "pk"
        )
    ]
    phones = list(
        scoped(user, ResidentPhone.objects.filter(resident=resident))
        .order_by("position")
        .values_list("number", flat=True)
    )
    audit.record(
        actor=user,
        action=AuditAction.VIEW_UNMASKED,
        obj=resident,
        region_code=resident.region_code,
        detail={"fields": ["phones", "contacts"], "alarm": alarm.pk},
    )
    return {"alarm": alarm.pk, "phones": phones, "contacts": contacts}


def masked_steps(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A call chain for display: the same steps with their phones masked."""
    return [
        {**step, "phone": mask_phone(step["phone"]) if step.get("phone") else ""} for step in steps
    ]


def audit_chain_shown(user: Any, resident: Any) -> None:
    """The chain's full phone numbers were shown (its edit form, or the API asked unmasked)."""
    require(user, Action.VIEW_UNMASKED)
    audit.record(
        actor=user,
        action=AuditAction.VIEW_UNMASKED,
        obj=resident,
        region_code=resident.region_code,
        detail={"fields": ["call_chain"]},
    )
