"""Log a contact (home visit, phone or video call) with its findings and follow-ups, once."""

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from eldercare.accounts.access import Action, require
from eldercare.carevisits.errors import CareVisitDataError, CareVisitStateError, Problem
from eldercare.carevisits.models import (
    AgreementVisitor,
    CareAgreement,
    CareContact,
    ContactKind,
    FollowUp,
    FollowUpKind,
    Wellbeing,
)
from eldercare.carevisits.services.common import actor_name, check_resident, single_line
from eldercare.carevisits.services.followups import hand_over
from eldercare.core.audit import record
from eldercare.core.models import AuditAction
from eldercare.registry.choices import ServiceNeed
from eldercare.registry.models import Resident

# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=5)
# A visit written on paper in the field can be entered this long after.
MAX_LATE_ENTRY = timedelta(days=14)
MAX_FINDINGS = 2000
MAX_FOLLOW_UPS = 3


def _clean(
    kind: str,
    occurred_at: datetime | None,
    health: str,
    living_conditions: str,
    needs: Sequence[str],
    follow_ups: Sequence[Mapping[str, Any]],
    idempotency_key: str,
) -> list[Problem]:
    problems = []
    now = timezone.now()
    if kind not in ContactKind.values:
        problems.append(Problem("kind", "invalid", "请选择上门走访、电话联系或视频通话"))
    if occurred_at is None or occurred_at.tzinfo is None:
        problems.append(Problem("occurred_at", "required", "请填写联系时间"))
    elif occurred_at > now + CLOCK_SKEW:
        problems.append(Problem("occurred_at", "future", "联系时间不能晚于现在"))
    elif occurred_at < now - MAX_LATE_ENTRY:
        problems.append(Problem("occurred_at", "too_old", "只能补登 14 天内的联系"))
    for field, value in (("health", health), ("living_conditions", living_conditions)):
        if value not in Wellbeing.values:
            problems.append(Problem(field, "invalid", "取值无效"))
    unknown = [need for need in needs if need not in ServiceNeed.values]
    if unknown:
        problems.append(Problem("needs", "invalid", f"未知的服务需求：{'、'.join(unknown)}"))
    if len(follow_ups) > MAX_FOLLOW_UPS:
        problems.append(Problem("follow_ups", "too_many", f"一次最多 {MAX_FOLLOW_UPS} 项"))
    for position, item in enumerate(follow_ups, start=1):
        if item.get("kind") not in FollowUpKind.values:
            problems.append(Problem("follow_ups", "kind", f"第 {position} 项类型无效"))
        if not single_line(item.get("note"), 300):
            problems.append(Problem("follow_ups", "note", f"第 {position} 项须写明情况"))
        if item.get("kind") == FollowUpKind.REFERRAL and not single_line(
            item.get("department"), 60
        ):
            problems.append(Problem("follow_ups", "department", f"第 {position} 项须写明转办部门"))
    if not 8 <= len(idempotency_key) <= 64:
        problems.append(Problem("idempotency_key", "invalid", "提交编号应为 8–64 个字符"))
    return problems


def _agreement_on(resident: Resident, occurred_at: datetime) -> CareAgreement | None:
    day = timezone.localdate(occurred_at)
    return (
        CareAgreement.objects.filter(resident=resident, starts_on__lte=day)
        .exclude(ends_on__lt=day)
        .order_by("-signed_at")
        .first()
    )


def _visitor(
    actor: Any, agreement: CareAgreement | None, visitor_id: int | None
) -> AgreementVisitor | None:
    if agreement is None:
        if visitor_id is not None:
            raise CareVisitDataError([Problem("visitor", "invalid", "该老人当时没有关爱协议")])
        return None
    visitors = agreement.visitors.all()
    if visitor_id is not None:
        found = visitors.filter(pk=visitor_id).first()
        if found is None:
            raise CareVisitDataError([Problem("visitor", "invalid", "不是该协议的责任探访人")])
        return found
    return visitors.filter(user=actor, removed_at__isnull=True).first()


def _same(contact: CareContact, resident: Resident, kind: str, occurred_at: datetime) -> bool:
    return (
        contact.resident_id == resident.pk
        and contact.kind == kind
        and abs(contact.occurred_at - occurred_at) < timedelta(seconds=1)
    )


def log_contact(
    *,
    actor: Any,
    resident: Resident,
    kind: str,
    occurred_at: datetime | None,
    idempotency_key: str,
    visitor_id: int | None = None,
    health: str = Wellbeing.GOOD,
    living_conditions: str = Wellbeing.GOOD,
    needs: Sequence[str] = (),
    findings: str = "",
    follow_ups: Sequence[Mapping[str, Any]] = (),
) -> tuple[CareContact, bool]:
    """Store the contact; (contact, created). The same idempotency key from the same user
    returns the stored contact (a double tap, a retried request) instead of a second one."""
    require(actor, Action.LOG_CARE_VISITS)
    check_resident(actor, resident)
    idempotency_key = str(idempotency_key or "").strip()
    existing = CareContact.objects.filter(logged_by=actor, idempotency_key=idempotency_key).first()
    if existing is not None:
        return _replayed(existing, resident, kind, occurred_at)
    problems = _clean(
        kind,
        occurred_at,
        health,
        living_conditions,
        needs,
        follow_ups,
        idempotency_key,
    )
    if problems:
        raise CareVisitDataError(problems)
    assert occurred_at is not None
    agreement = _agreement_on(resident, occurred_at)
    visitor = _visitor(actor, agreement, visitor_id)
    try:
        with transaction.atomic():
            contact = CareContact.objects.create(
                resident=resident,
                agreement=agreement,
                kind=kind,
                occurred_at=occurred_at,
                visitor=visitor,
                visitor_name=visitor.name if visitor else actor_name(actor),
                health=health,
                living_conditions=living_conditions,
                needs=sorted(set(needs)),
                findings=str(findings or "").strip()[:MAX_FINDINGS],
                logged_by=actor,
                idempotency_key=idempotency_key,
            )
            raised = [
                FollowUp.objects.create(
                    contact=contact,
                    kind=item["kind"],
                    department=single_line(item.get("department"), 60),
                    note=single_line(item.get("note"), 300),
                )
                for item in follow_ups
            ]
            record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=contact,
                region_code=resident.region_code,
                detail={
                    "resident": resident.pk,
                    "kind": kind,
                    "occurred_at": occurred_at.isoformat(),
                    "agreement": agreement.pk if agreement else None,
                    "follow_ups": [f.kind for f in raised],
                },
            )
            for follow_up in raised:
                hand_over(follow_up)
    except IntegrityError:
        # Two requests with one key raced; the other one stored it.
        existing = CareContact.objects.get(logged_by=actor, idempotency_key=idempotency_key)
        return _replayed(existing, resident, kind, occurred_at)
    return contact, True


def _replayed(
    existing: CareContact, resident: Resident, kind: str, occurred_at: datetime | None
) -> tuple[CareContact, bool]:
    if occurred_at is None or not _same(existing, resident, kind, occurred_at):
        raise CareVisitStateError(
            "该提交编号已用于另一条记录，请刷新页面后重新填写", code="idempotency_conflict"
        )
    return existing, False
