"""What the use cases share: who may change a provider's records, region checks, dates, audit."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils import timezone

from eldercare.accounts.access import Action, can, in_scope, staff_member_of
from eldercare.core.audit import record
from eldercare.core.models import AuditAction
from eldercare.providers.errors import Problem, ProviderDataError
from eldercare.providers.models import BlacklistEntry, Provider, StaffMember
from eldercare.regions.codes import Level, RegionCodeError, normalize_code
from eldercare.regions.models import Region

MAX_REASON = 200


def today_local() -> date:
    return timezone.localdate()


def single_line(value: object, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


def require_in_scope(actor: Any, region_code: str) -> None:
    """Out of scope looks exactly like not existing."""
    if not in_scope(actor, region_code):
        raise Http404("记录不存在")


def require_manage(actor: Any, provider: Provider) -> None:
    """County supervisors of the provider's region, or a manager working for this provider."""
    if can(actor, Action.MANAGE_PROVIDERS):
        require_in_scope(actor, provider.region_code)
        return
    if can(actor, Action.MANAGE_OWN_PROVIDER):
        member = staff_member_of(actor)
        if member is not None and member.provider_id == provider.pk:
            return
    raise PermissionDenied("当前角色无权管理该服务机构")


def current_regions(
    field: str, codes: Iterable[str], actor: Any, *, village_only: bool = False
) -> list[str]:
    """Normalised codes that exist today and lie in the actor's scope, or a problem per code."""
    problems: list[Problem] = []
    cleaned: list[str] = []
    for raw in codes:
        try:
            code = normalize_code(str(raw))
        except RegionCodeError as error:
            problems.append(Problem(field, "region_format", str(error)))
            continue
        region = Region.objects.current().filter(code=code).first()
        if region is None:
            problems.append(Problem(field, "region_unknown", f"区划代码 {code} 不存在或已撤销"))
        elif not in_scope(actor, code):
            problems.append(
                Problem(field, "region_scope", f"区划 {region.name} 不在您的管辖范围内")
            )
        elif village_only and region.level != Level.VILLAGE:
            problems.append(Problem(field, "region_level", f"{region.name} 不是村（社区）"))
        elif code not in cleaned:
            cleaned.append(code)
    if problems:
        raise ProviderDataError(problems)
    return cleaned


def decision(
    reason: object, decided_on: date | None, authority: object, *, need_authority: bool
) -> tuple[str, date, str]:
    """A status decision's reason, date and authority, each required (the authority where asked)."""
    problems = []
    clean_reason = single_line(reason, MAX_REASON)
    clean_authority = single_line(authority, 100)
    if not clean_reason:
        problems.append(Problem("reason", "required", "请填写原因"))
    if decided_on is None:
        problems.append(Problem("decided_on", "required", "请填写决定日期"))
    elif decided_on > today_local():
        problems.append(Problem("decided_on", "future", "决定日期不能晚于今天"))
    if need_authority and not clean_authority:
        problems.append(Problem("authority", "required", "请填写决定机关"))
    if problems:
        raise ProviderDataError(problems)
    assert decided_on is not None
    return clean_reason, decided_on, clean_authority


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def audit_create(actor: Any, obj: models.Model, region_code: str, detail: dict[str, Any]) -> None:
    record(actor=actor, action=AuditAction.CREATE, obj=obj, region_code=region_code, detail=detail)


def change_status(
    actor: Any,
    subject: Provider | StaffMember,
    status: str,
    *,
    reason: str,
    day: date,
    transition: str,
    authority: str = "",
) -> None:
    """Set the subject's status with its reason and date (a provider also keeps the deciding
    authority), audited as a transition. The caller holds the row lock and checked the state."""
    before = subject.status
    subject.status, subject.status_reason, subject.status_date = status, reason, day
    if isinstance(subject, Provider):
        subject.status_authority = authority
    subject.save()
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=subject,
        region_code=subject.region_code,
        changes={"status": [before, status]},
        detail={"transition": transition, "reason": reason, "authority": authority, "date": day},
    )


def record_blacklist_decision(
    actor: Any,
    subject: Provider | StaffMember,
    *,
    is_lift: bool,
    reason: str,
    day: date,
    authority: str,
) -> BlacklistEntry:
    """The kept history of a blacklisting or its lifting (the subject's status is the present)."""
    return BlacklistEntry.objects.create(
        region_code=subject.region_code,
        provider=subject if isinstance(subject, Provider) else None,
        staff=subject if isinstance(subject, StaffMember) else None,
        is_lift=is_lift,
        reason=reason,
        decided_on=day,
        authority=authority,
        decided_by=actor,
    )
