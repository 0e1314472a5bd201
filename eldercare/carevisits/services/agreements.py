"""Sign, amend and end a care agreement. Each keeps a version row and an audit row."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from eldercare.accounts.access import Action, can, in_scope, require
from eldercare.carevisits.errors import CareVisitDataError, CareVisitStateError, Problem
from eldercare.carevisits.models import (
    USER_VISITOR_KINDS,
    AgreementStatus,
    AgreementVersion,
    AgreementVisitor,
    CareAgreement,
    VisitorKind,
)
from eldercare.carevisits.services.common import (
    MAX_REASON,
    actor_name,
    check_resident,
    single_line,
    today_local,
)
from eldercare.carevisits.services.policy import policy_for
from eldercare.core.audit import record
from eldercare.core.models import AuditAction
from eldercare.registry.choices import ResidentStatus
from eldercare.registry.models import Resident

# Paper agreements signed before the platform can be entered, within reason.
MAX_BACKDATE = timedelta(days=366)
PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,22}$")


@dataclass(frozen=True)
class VisitorSpec:
    kind: str
    user_id: int | None
    name: str
    phone: str

    def key(self) -> tuple[str, int | None, str, str]:
        return (self.kind, self.user_id, self.name, self.phone)


def _parse_visitors(resident: Resident, visitors: Sequence[Mapping[str, Any]]) -> list[VisitorSpec]:
    """Platform workers by user id (they must be able to log visits for this resident);
    neighbours and relatives by name and phone. At least one platform worker is responsible."""
    problems: list[Problem] = []
    specs: list[VisitorSpec] = []
    users = get_user_model().objects
    for position, data in enumerate(visitors, start=1):
        kind = str(data.get("kind") or "")
        where = f"第 {position} 位"
        if kind not in VisitorKind.values:
            problems.append(Problem("visitors", "kind", f"{where}身份无效"))
            continue
        if kind in USER_VISITOR_KINDS:
            user_id = _int_or_none(data.get("user"))
            user = users.filter(pk=user_id, is_active=True).first() if user_id else None
            if user is None or not can(user, Action.LOG_CARE_VISITS):
                problems.append(Problem("visitors", "user", f"{where}应为能登记探访的平台用户"))
                continue
            if not in_scope(user, resident.region_code):
                problems.append(Problem("visitors", "user_scope", f"{where}不负责该老人所在村"))
                continue
            specs.append(VisitorSpec(kind, user.pk, actor_name(user), ""))
            continue
        name = single_line(data.get("name"), 30)
        phone = single_line(data.get("phone"), 24)
        if not name:
            problems.append(Problem("visitors", "name", f"{where}须填写姓名"))
        if not PHONE.match(phone):
            problems.append(Problem("visitors", "phone", f"{where}电话号码无效"))
        if name and PHONE.match(phone):
            specs.append(VisitorSpec(kind, None, name, phone))
    if not problems and not any(spec.user_id for spec in specs):
        problems.append(
            Problem("visitors", "no_worker", "至少应有一名村（社区）工作人员、网格员或民政办人员")
        )
    if len({spec.key() for spec in specs}) != len(specs):
        problems.append(Problem("visitors", "duplicate", "探访人重复"))
    if problems:
        raise CareVisitDataError(problems)
    return specs


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _check_period(starts_on: date, ends_on: date | None) -> None:
    problems = []
    if starts_on < today_local() - MAX_BACKDATE:
        problems.append(Problem("starts_on", "too_old", "开始日期不能早于一年前"))
    if starts_on > today_local() + timedelta(days=31):
        problems.append(Problem("starts_on", "too_late", "开始日期不能晚于一个月后"))
    if ends_on is not None and ends_on < starts_on:
        problems.append(Problem("ends_on", "before_start", "结束日期不能早于开始日期"))
    if problems:
        raise CareVisitDataError(problems)


def _terms(agreement: CareAgreement) -> dict[str, Any]:
    return {
        "starts_on": agreement.starts_on.isoformat(),
        "ends_on": agreement.ends_on.isoformat() if agreement.ends_on else None,
        "min_contacts": agreement.min_contacts,
        "min_visits": agreement.min_visits,
        "status": agreement.status,
        "visitors": [
            {"kind": v.kind, "user": v.user_id, "name": v.name, "phone": v.phone}
            for v in agreement.visitors.filter(removed_at__isnull=True).order_by("id")
        ],
    }


def _save_version(agreement: CareAgreement, actor: Any, reason: str) -> dict[str, Any]:
    terms = _terms(agreement)
    AgreementVersion.objects.create(
        agreement=agreement,
        number=agreement.version,
        effective_at=timezone.now(),
        terms=terms,
        reason=reason,
        created_by=actor,
    )
    return terms


def _add_visitors(agreement: CareAgreement, specs: Sequence[VisitorSpec]) -> None:
    now = timezone.now()
    AgreementVisitor.objects.bulk_create(
        AgreementVisitor(
            agreement=agreement,
            kind=spec.kind,
            user_id=spec.user_id,
            name=spec.name,
            phone=spec.phone,
            added_at=now,
        )
        for spec in specs
    )


def sign_agreement(
    *,
    actor: Any,
    resident: Resident,
    visitors: Sequence[Mapping[str, Any]],
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> CareAgreement:
    """A new agreement under the weekly requirement of the resident's region at signing."""
    require(actor, Action.MANAGE_CARE_AGREEMENTS)
    check_resident(actor, resident)
    starts_on = starts_on or today_local()
    _check_period(starts_on, ends_on)
    specs = _parse_visitors(resident, visitors)
    if resident.status != ResidentStatus.ACTIVE:
        raise CareVisitStateError(f"{resident.name} 已不在册，不能签订关爱协议")
    requirement = policy_for(resident.region_code).requirement
    try:
        with transaction.atomic():
            Resident.objects.select_for_update().filter(pk=resident.pk).first()
            agreement = CareAgreement.objects.create(
                resident=resident,
                starts_on=starts_on,
                ends_on=ends_on,
                min_contacts=requirement.min_contacts,
                min_visits=requirement.min_visits,
                signed_by=actor,
                signed_at=timezone.now(),
            )
            _add_visitors(agreement, specs)
            terms = _save_version(agreement, actor, "")
            record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=agreement,
                region_code=resident.region_code,
                detail={"transition": "sign", "terms": terms},
            )
    except IntegrityError as error:
        raise CareVisitStateError(
            f"{resident.name} 已有履行中的关爱协议，请变更或终止原协议", code="duplicate"
        ) from error
    return agreement


def _lock_active(agreement: CareAgreement, verb: str) -> CareAgreement:
    locked = (
        CareAgreement.objects.select_for_update().select_related("resident").get(pk=agreement.pk)
    )
    if locked.status != AgreementStatus.ACTIVE:
        raise CareVisitStateError(f"关爱协议 #{locked.pk} 已终止，不能{verb}")
    return locked


def amend_agreement(
    *,
    actor: Any,
    agreement: CareAgreement,
    reason: str,
    visitors: Sequence[Mapping[str, Any]] | None = None,
    ends_on: date | None = None,
    clear_end: bool = False,
) -> CareAgreement:
    """Change the visitors and/or the end date; the previous terms stay as a version."""
    require(actor, Action.MANAGE_CARE_AGREEMENTS)
    check_resident(actor, agreement.resident)
    reason = single_line(reason, MAX_REASON)
    if not reason:
        raise CareVisitDataError([Problem("reason", "required", "变更须写明原因")])
    with transaction.atomic():
        locked = _lock_active(agreement, "变更")
        before = _terms(locked)
        new_end = None if clear_end else (ends_on if ends_on is not None else locked.ends_on)
        if new_end is not None and new_end < locked.starts_on:
            raise CareVisitDataError(
                [Problem("ends_on", "before_start", "结束日期不能早于开始日期")]
            )
        locked.ends_on = new_end
        if visitors is not None:
            _replace_visitors(locked, _parse_visitors(locked.resident, visitors))
        if _terms(locked) == before:
            raise CareVisitDataError([Problem("visitors", "unchanged", "协议内容没有变化")])
        locked.version += 1
        locked.save()
        after = _save_version(locked, actor, reason)
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            region_code=locked.resident.region_code,
            changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
            detail={"transition": "amend", "version": locked.version, "reason": reason},
        )
    return locked


def _replace_visitors(agreement: CareAgreement, specs: Sequence[VisitorSpec]) -> None:
    current = {
        (v.kind, v.user_id, v.name if v.user_id is None else "", v.phone): v
        for v in agreement.visitors.filter(removed_at__isnull=True)
    }
    wanted = {(s.kind, s.user_id, s.name if s.user_id is None else "", s.phone): s for s in specs}
    gone = [v.pk for key, v in current.items() if key not in wanted]
    AgreementVisitor.objects.filter(pk__in=gone).update(removed_at=timezone.now())
    _add_visitors(agreement, [s for key, s in wanted.items() if key not in current])


def end_agreement(
    *, actor: Any, agreement: CareAgreement, reason: str, ends_on: date | None = None
) -> CareAgreement:
    """End the agreement on `ends_on` (default today); its visitors stop being responsible."""
    require(actor, Action.MANAGE_CARE_AGREEMENTS)
    check_resident(actor, agreement.resident)
    reason = single_line(reason, MAX_REASON)
    if not reason:
        raise CareVisitDataError([Problem("reason", "required", "终止须写明原因")])
    ends_on = ends_on or today_local()
    with transaction.atomic():
        locked = _lock_active(agreement, "终止")
        if ends_on < locked.starts_on or ends_on > today_local():
            raise CareVisitDataError(
                [Problem("ends_on", "invalid", "终止日期应在开始日期和今天之间")]
            )
        before = locked.status
        locked.status = AgreementStatus.ENDED
        locked.ends_on = ends_on
        locked.ended_at = timezone.now()
        locked.end_reason = reason
        locked.version += 1
        locked.save()
        _save_version(locked, actor, reason)
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            region_code=locked.resident.region_code,
            changes={"status": [before, locked.status], "ends_on": [None, ends_on]},
            detail={"transition": "end", "reason": reason},
        )
    return locked
