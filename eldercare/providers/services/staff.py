"""Staff of a provider: registration, skills, working area, weekly availability, trainings, the
login tied to a record, and the staff blacklist. Kept by the provider's manager
(MANAGE_OWN_PROVIDER) or a county supervisor (MANAGE_PROVIDERS); blacklisting is BLACKLIST.

    ACTIVE ─blacklist→ BLACKLISTED ─lift→ ACTIVE          ACTIVE/SUSPENDED ─leave→ LEFT (final)
"""

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from eldercare.accounts.access import PROVIDER_SIDE_ROLES, Action, can, require
from eldercare.catalogue.models import ServiceItem
from eldercare.core.audit import record, record_change
from eldercare.core.geo import CoordinateError, parse_coordinates
from eldercare.core.idcard import IdNumberError, parse_id_number
from eldercare.core.models import AuditAction
from eldercare.core.normalize import ValueFormatError, parse_phones
from eldercare.providers.errors import Problem, ProviderDataError, ProviderStateError
from eldercare.providers.models import (
    CaregiverLevel,
    Provider,
    ProviderStatus,
    StaffAvailability,
    StaffKind,
    StaffMember,
    StaffSkill,
    StaffStatus,
    TrainingRecord,
)
from eldercare.providers.rules.schedule import ScheduleError, Window, check_windows
from eldercare.providers.services.common import (
    audit_create,
    change_status,
    current_regions,
    decision,
    record_blacklist_decision,
    require_in_scope,
    require_manage,
    single_line,
    snapshot,
    today_local,
)
from eldercare.regions.codes import is_within

EDITABLE = (
    "name",
    "id_number",
    "phone",
    "kind",
    "caregiver_level",
    "certificate_number",
    "health_certificate_expires",
    "region_code",
    "base_latitude",
    "base_longitude",
)
MAX_TRAINING_HOURS = Decimal("1000")


def _working_area(actor: Any, provider: Provider, raw: object) -> list[Problem] | str:
    try:
        [code] = current_regions("region_code", [str(raw or "")], actor)
    except ProviderDataError as error:
        return error.problems
    areas = list(provider.areas.values_list("region_code", flat=True)) or [provider.region_code]
    if not any(is_within(code, area) for area in areas):
        return [Problem("region_code", "outside_areas", "工作区域应在机构的服务区域之内")]
    return code


def _clean_staff(
    actor: Any, provider: Provider, data: Mapping[str, Any], exclude_pk: int | None
) -> dict[str, Any]:
    problems: list[Problem] = []
    cleaned: dict[str, Any] = {
        "name": single_line(data.get("name"), 30),
        "certificate_number": single_line(data.get("certificate_number"), 40),
        "health_certificate_expires": data.get("health_certificate_expires"),
        "kind": data.get("kind"),
        "caregiver_level": data.get("caregiver_level") or "",
    }
    if not cleaned["name"]:
        problems.append(Problem("name", "required", "请填写姓名"))
    if cleaned["kind"] not in StaffKind.values:
        problems.append(Problem("kind", "invalid", "请选择岗位"))
    if cleaned["caregiver_level"] not in CaregiverLevel.values:
        problems.append(Problem("caregiver_level", "invalid", "等级应为一级到五级"))
    try:
        cleaned["id_number"] = parse_id_number(
            data.get("id_number"), today=today_local(), strict_legacy=True
        ).number
    except IdNumberError as error:
        problems.append(Problem("id_number", error.code, error.message))
    else:
        twin = StaffMember.objects.filter(provider=provider, id_number=cleaned["id_number"])
        if exclude_pk is not None:
            twin = twin.exclude(pk=exclude_pk)
        if twin.exists():
            problems.append(Problem("id_number", "taken", "本机构已登记该身份证号的人员"))
    try:
        phones = parse_phones(data.get("phone") or "")
    except ValueFormatError as error:
        problems.append(Problem("phone", error.code, error.message))
        phones = []
    if len(phones) > 1:
        problems.append(Problem("phone", "several", "只能填写一个电话号码"))
    cleaned["phone"] = phones[0] if phones else ""
    area = _working_area(actor, provider, data.get("region_code"))
    if isinstance(area, list):
        problems.extend(area)
    else:
        cleaned["region_code"] = area
    try:
        base = parse_coordinates(data.get("base_latitude"), data.get("base_longitude"))
    except CoordinateError as error:
        problems.append(Problem("coordinates", error.code, error.message))
    else:
        cleaned["base_latitude"], cleaned["base_longitude"] = base or (None, None)
    if problems:
        raise ProviderDataError(problems)
    return cleaned


def register_staff(*, actor: Any, provider: Provider, data: Mapping[str, Any]) -> StaffMember:
    require_manage(actor, provider)
    if provider.status == ProviderStatus.EXITED:
        raise ProviderStateError(f"服务机构“{provider.name}”已退出，不能登记人员")
    cleaned = _clean_staff(actor, provider, data, None)
    with transaction.atomic():
        member = StaffMember.objects.create(provider=provider, **cleaned)
        audit_create(
            actor,
            member,
            member.region_code,
            {"provider": provider.pk, "kind": member.kind, "level": member.caregiver_level},
        )
    return member


def update_staff(*, actor: Any, member: StaffMember, data: Mapping[str, Any]) -> StaffMember:
    require_manage(actor, member.provider)
    cleaned = _clean_staff(actor, member.provider, data, member.pk)
    with transaction.atomic():
        locked = StaffMember.objects.select_for_update().get(pk=member.pk)
        before = snapshot(locked, EDITABLE)
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.save()
        # The ID number itself is not written into the trail, only that it changed.
        after = snapshot(locked, EDITABLE)
        if before["id_number"] != after["id_number"]:
            before["id_number"], after["id_number"] = "（原号码）", "（新号码）"
        else:
            before.pop("id_number"), after.pop("id_number")
        record_change(
            actor=actor, obj=locked, region_code=locked.region_code, before=before, after=after
        )
    return locked


def set_skills(*, actor: Any, member: StaffMember, items: Sequence[ServiceItem]) -> StaffMember:
    """Replace the service items the member may deliver."""
    require_manage(actor, member.provider)
    inactive = [str(item) for item in items if not item.is_active]
    if inactive:
        raise ProviderDataError(
            [Problem("skills", "inactive", "已停用的服务项目：" + "、".join(inactive))]
        )
    wanted = {item.pk for item in items}
    with transaction.atomic():
        before = sorted(member.skill_rows.values_list("item__code", flat=True))
        member.skill_rows.exclude(item_id__in=wanted).delete()
        StaffSkill.objects.bulk_create(
            [StaffSkill(staff=member, item_id=pk) for pk in wanted], ignore_conflicts=True
        )
        record_change(
            actor=actor,
            obj=member,
            region_code=member.region_code,
            before={"skills": before},
            after={"skills": sorted(item.code for item in items)},
        )
    return member


def set_availability(
    *, actor: Any, member: StaffMember, windows: Sequence[Window]
) -> list[StaffAvailability]:
    """Replace the member's weekly windows; overlapping windows of a weekday are refused."""
    require_manage(actor, member.provider)
    try:
        ordered = check_windows(windows)
    except ScheduleError as error:
        raise ProviderDataError([Problem("availability", error.code, error.message)]) from error
    with transaction.atomic():
        StaffMember.objects.select_for_update().get(pk=member.pk)
        before = [str(row) for row in member.availability.all()]
        member.availability.all().delete()
        rows = StaffAvailability.objects.bulk_create(
            StaffAvailability(
                staff=member, weekday=w.weekday, starts_at=w.starts_at, ends_at=w.ends_at
            )
            for w in ordered
        )
        record_change(
            actor=actor,
            obj=member,
            region_code=member.region_code,
            before={"availability": before},
            after={"availability": [str(row) for row in rows]},
        )
    return rows


def add_training(*, actor: Any, member: StaffMember, data: Mapping[str, Any]) -> TrainingRecord:
    require_manage(actor, member.provider)
    problems = []
    topic = single_line(data.get("topic"), 100)
    trained_on = data.get("trained_on")
    kind = data.get("kind") or "on_job"
    try:
        hours = Decimal(str(data.get("hours"))).quantize(Decimal("0.1"))
    except InvalidOperation:
        hours = Decimal(0)
    if not topic:
        problems.append(Problem("topic", "required", "请填写培训内容"))
    if not isinstance(trained_on, date):
        problems.append(Problem("trained_on", "required", "请填写培训日期"))
    elif trained_on > today_local():
        problems.append(Problem("trained_on", "future", "培训日期不能晚于今天"))
    if not Decimal(0) < hours <= MAX_TRAINING_HOURS:
        problems.append(Problem("hours", "range", "学时应大于 0 且不超过 1000"))
    if kind not in ("pre_job", "on_job"):
        problems.append(Problem("kind", "invalid", "培训类型应为岗前或在岗培训"))
    if problems:
        raise ProviderDataError(problems)
    assert isinstance(trained_on, date)
    with transaction.atomic():
        training = TrainingRecord.objects.create(
            staff=member,
            topic=topic,
            trained_on=trained_on,
            hours=hours,
            kind=kind,
            organiser=single_line(data.get("organiser"), 100),
        )
        audit_create(actor, training, member.region_code, {"staff": member.pk, "hours": hours})
    return training


def link_login(*, actor: Any, member: StaffMember, user: Any) -> StaffMember:
    """Tie a provider-side login to this record; its scope must reach the member's work area."""
    require_manage(actor, member.provider)
    problems = []
    if user.role not in PROVIDER_SIDE_ROLES:
        problems.append(Problem("user", "role", "只能关联服务机构管理员或护理员的账号"))
    elif not user.region_code or not is_within(member.region_code, user.region_code):
        problems.append(Problem("user", "region", "账号的区划应覆盖该人员的工作区域"))
    other = StaffMember.objects.filter(user=user).exclude(pk=member.pk).first()
    if other is not None:
        problems.append(Problem("user", "taken", f"该账号已关联人员“{other.name}”"))
    if problems:
        raise ProviderDataError(problems)
    with transaction.atomic():
        before = member.user.username if member.user else ""
        member.user = user
        member.save(update_fields=["user", "updated_at"])
        record_change(
            actor=actor,
            obj=member,
            region_code=member.region_code,
            before={"user": before},
            after={"user": user.username},
        )
    return member


def reveal_staff(*, actor: Any, member: StaffMember, purpose: str) -> dict[str, str]:
    """The unmasked ID number and phone, for those who keep the record; every look is audited."""
    if not (can(actor, Action.VIEW_UNMASKED) or can(actor, Action.MANAGE_OWN_PROVIDER)):
        require(actor, Action.VIEW_UNMASKED)
    require_in_scope(actor, member.region_code)
    record(
        actor=actor,
        action=AuditAction.VIEW_UNMASKED,
        obj=member,
        region_code=member.region_code,
        detail={"fields": ["id_number", "phone"], "purpose": purpose},
    )
    return {"id_number": member.id_number, "phone": member.phone}


# --- status -----------------------------------------------------------------------------------


def _lock(member: StaffMember) -> StaffMember:
    return (
        StaffMember.objects.select_for_update(of=("self",))
        .select_related("provider")
        .get(pk=member.pk)
    )


def _state_error(member: StaffMember, verb: str) -> ProviderStateError:
    return ProviderStateError(
        f"人员“{member.name}”当前状态为“{member.get_status_display()}”，不能{verb}"
    )


def blacklist_staff(
    *, actor: Any, member: StaffMember, reason: str, decided_on: date | None, authority: str
) -> StaffMember:
    require(actor, Action.BLACKLIST)
    require_in_scope(actor, member.region_code)
    reason, day, authority = decision(reason, decided_on, authority, need_authority=True)
    with transaction.atomic():
        locked = _lock(member)
        if locked.status == StaffStatus.BLACKLISTED:
            raise _state_error(locked, "列入黑名单")
        change_status(
            actor,
            locked,
            StaffStatus.BLACKLISTED,
            reason=reason,
            day=day,
            transition="blacklist",
            authority=authority,
        )
        record_blacklist_decision(
            actor, locked, is_lift=False, reason=reason, day=day, authority=authority
        )
    return locked


def lift_staff(
    *, actor: Any, member: StaffMember, reason: str, decided_on: date | None, authority: str
) -> StaffMember:
    require(actor, Action.BLACKLIST)
    require_in_scope(actor, member.region_code)
    reason, day, authority = decision(reason, decided_on, authority, need_authority=True)
    with transaction.atomic():
        locked = _lock(member)
        if locked.status != StaffStatus.BLACKLISTED:
            raise _state_error(locked, "解除黑名单")
        change_status(
            actor,
            locked,
            StaffStatus.ACTIVE,
            reason=reason,
            day=day,
            transition="lift",
            authority=authority,
        )
        record_blacklist_decision(
            actor, locked, is_lift=True, reason=reason, day=day, authority=authority
        )
    return locked


def staff_leaves(
    *, actor: Any, member: StaffMember, reason: str, decided_on: date | None
) -> StaffMember:
    """The member leaves the provider (离职); the login no longer works for it."""
    require_manage(actor, member.provider)
    reason, day, _ = decision(reason, decided_on, "", need_authority=False)
    with transaction.atomic():
        locked = _lock(member)
        if locked.status not in (StaffStatus.ACTIVE, StaffStatus.SUSPENDED):
            raise _state_error(locked, "办理离职")
        change_status(actor, locked, StaffStatus.LEFT, reason=reason, day=day, transition="leave")
    return locked
