"""Service organisations: registration and editing with their areas, licences, price list and
status. Registering and the status are county decisions (MANAGE_PROVIDERS, BLACKLIST); licences
and prices may also be kept by the provider's own manager (MANAGE_OWN_PROVIDER).

    register → ACTIVE ─suspend→ SUSPENDED ─lift→ ACTIVE
                 │  ╲              │
                 │   blacklist ←───┘ (both) → BLACKLISTED ─lift (BLACKLIST)→ ACTIVE
                 └─ exit (ACTIVE or SUSPENDED) → EXITED (final)

Every block and lift of the blacklist writes a BlacklistEntry (reason, date, authority). A
provider that is not ACTIVE, and every one of its staff, is not assignable (`is_assignable`;
dispatch applies it in orders.services.dispatching and .candidates).
"""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from eldercare.accounts.access import Action, require
from eldercare.catalogue.models import ServiceItem
from eldercare.core.audit import record, record_change
from eldercare.core.models import AuditAction
from eldercare.core.money import MAX_FEN
from eldercare.providers.errors import Problem, ProviderDataError, ProviderStateError
from eldercare.providers.models import (
    LicenceKind,
    Provider,
    ProviderArea,
    ProviderKind,
    ProviderLicence,
    ProviderPrice,
    ProviderStatus,
)
from eldercare.providers.rules.credit_code import CreditCodeError, kind_conflict, parse_credit_code
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

TEXT_FIELDS = {
    "name": 100,
    "brand": 60,
    "legal_representative": 30,
    "contact_name": 30,
    "contact_phone": 24,
    "hotline": 24,
    "address": 200,
}
EDITABLE = (*TEXT_FIELDS, "kind", "description", "credit_code")


def _clean_provider(data: Mapping[str, Any], *, exclude_pk: int | None) -> dict[str, Any]:
    problems: list[Problem] = []
    cleaned: dict[str, Any] = {
        name: single_line(data.get(name), limit) for name, limit in TEXT_FIELDS.items()
    }
    cleaned["description"] = str(data.get("description") or "").strip()[:2000]
    if not cleaned["name"]:
        problems.append(Problem("name", "required", "请填写机构名称"))
    kind = data.get("kind")
    if kind not in ProviderKind.values:
        problems.append(Problem("kind", "invalid", "请选择企业、社会组织或事业单位"))
    cleaned["kind"] = kind
    try:
        code = parse_credit_code(data.get("credit_code"))
    except CreditCodeError as error:
        problems.append(Problem("credit_code", error.code, error.message))
    else:
        cleaned["credit_code"] = code.code
        conflict = kind_conflict(code, str(kind)) if kind in ProviderKind.values else None
        if conflict:
            problems.append(Problem("credit_code", "kind_conflict", conflict))
        taken = Provider.objects.filter(credit_code=code.code)
        if exclude_pk is not None:
            taken = taken.exclude(pk=exclude_pk)
        if taken.exists():
            problems.append(Problem("credit_code", "taken", f"代码 {code.code} 已登记"))
    if problems:
        raise ProviderDataError(problems)
    return cleaned


def register_provider(
    *, actor: Any, region_code: str, data: Mapping[str, Any], areas: Sequence[str]
) -> Provider:
    """Register an organisation in `region_code`, serving `areas` (default: its own region)."""
    require(actor, Action.MANAGE_PROVIDERS)
    [region] = current_regions("region_code", [region_code], actor)
    cleaned = _clean_provider(data, exclude_pk=None)
    area_codes = current_regions("areas", areas or [region], actor)
    try:
        with transaction.atomic():
            provider = Provider.objects.create(region_code=region, **cleaned)
            ProviderArea.objects.bulk_create(
                ProviderArea(provider=provider, region_code=code) for code in area_codes
            )
            audit_create(actor, provider, region, {"areas": area_codes, **cleaned})
    except IntegrityError as error:  # two registrations of one code at the same moment
        raise ProviderDataError(
            [Problem("credit_code", "taken", f"代码 {cleaned['credit_code']} 已登记")]
        ) from error
    return provider


def update_provider(
    *, actor: Any, provider: Provider, data: Mapping[str, Any], areas: Sequence[str] | None = None
) -> Provider:
    """Change the organisation's particulars and, when given, replace its areas."""
    require(actor, Action.MANAGE_PROVIDERS)
    require_in_scope(actor, provider.region_code)
    cleaned = _clean_provider(data, exclude_pk=provider.pk)
    area_codes = current_regions("areas", areas, actor) if areas is not None else None
    if area_codes == []:
        raise ProviderDataError([Problem("areas", "required", "至少需要一个服务区域")])
    with transaction.atomic():
        locked = Provider.objects.select_for_update().get(pk=provider.pk)
        before = snapshot(locked, EDITABLE)
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.save()
        after = snapshot(locked, EDITABLE)
        if area_codes is not None:
            old_areas = sorted(locked.areas.values_list("region_code", flat=True))
            locked.areas.exclude(region_code__in=area_codes).delete()
            ProviderArea.objects.bulk_create(
                [ProviderArea(provider=locked, region_code=code) for code in area_codes],
                ignore_conflicts=True,
            )
            before["areas"], after["areas"] = old_areas, sorted(area_codes)
        record_change(
            actor=actor, obj=locked, region_code=locked.region_code, before=before, after=after
        )
    return locked


def add_licence(*, actor: Any, provider: Provider, data: Mapping[str, Any]) -> ProviderLicence:
    require_manage(actor, provider)
    problems = []
    kind = data.get("kind")
    number = single_line(data.get("number"), 60)
    valid_from, valid_to = data.get("valid_from"), data.get("valid_to")
    if kind not in LicenceKind.values:
        problems.append(Problem("kind", "invalid", "请选择证照类型"))
    if not number:
        problems.append(Problem("number", "required", "请填写证照编号"))
    if valid_from and valid_to and valid_to < valid_from:
        problems.append(Problem("valid_to", "order", "有效期至不能早于有效期起"))
    if problems:
        raise ProviderDataError(problems)
    with transaction.atomic():
        licence = ProviderLicence.objects.create(
            provider=provider,
            kind=str(kind),
            number=number,
            issued_by=single_line(data.get("issued_by"), 100),
            valid_from=valid_from,
            valid_to=valid_to,
        )
        audit_create(actor, licence, provider.region_code, {"provider": provider.pk})
    return licence


def remove_licence(*, actor: Any, licence: ProviderLicence) -> None:
    require_manage(actor, licence.provider)
    with transaction.atomic():
        record(
            actor=actor,
            action=AuditAction.DELETE,
            obj=licence,
            region_code=licence.provider.region_code,
            detail={"provider": licence.provider_id, "number": licence.number},
        )
        licence.delete()


def set_price(
    *, actor: Any, provider: Provider, item: ServiceItem, price_fen: int, effective_from: date
) -> ProviderPrice:
    """The provider's price for `item` from `effective_from`; earlier prices stay as history.

    A price already in effect is never changed (orders were priced from it): a new price gets a
    new date. A price not yet in effect may be corrected on its own date.
    """
    require_manage(actor, provider)
    problems = []
    if not item.is_active:
        problems.append(Problem("item", "inactive", f"服务项目 {item} 已停用"))
    if (
        isinstance(price_fen, bool)
        or not isinstance(price_fen, int)
        or not 0 <= price_fen <= MAX_FEN
    ):
        problems.append(Problem("price_fen", "range", "价格应为不小于 0 的金额"))
    if problems:
        raise ProviderDataError(problems)
    today = today_local()
    with transaction.atomic():
        Provider.objects.select_for_update().get(pk=provider.pk)
        existing = ProviderPrice.objects.filter(
            provider=provider, item=item, effective_from=effective_from
        ).first()
        if existing is not None:
            if effective_from <= today:
                raise ProviderStateError(
                    f"{effective_from} 起的价格已生效，不能修改；请以新的生效日期设置新价格",
                    code="price_in_effect",
                )
            before = existing.price_fen
            existing.price_fen = price_fen
            existing.save(update_fields=["price_fen"])
            record_change(
                actor=actor,
                obj=existing,
                region_code=provider.region_code,
                before={"price_fen": before},
                after={"price_fen": price_fen},
            )
            return existing
        price = ProviderPrice.objects.create(
            provider=provider, item=item, price_fen=price_fen, effective_from=effective_from
        )
        audit_create(
            actor,
            price,
            provider.region_code,
            {"provider": provider.pk, "item": item.code, "price_fen": price_fen},
        )
    return price


# --- status -----------------------------------------------------------------------------------


def _lock(provider: Provider) -> Provider:
    return Provider.objects.select_for_update().get(pk=provider.pk)


def _state_error(provider: Provider, verb: str) -> ProviderStateError:
    return ProviderStateError(
        f"服务机构“{provider.name}”当前状态为“{provider.get_status_display()}”，不能{verb}"
    )


def suspend_provider(
    *, actor: Any, provider: Provider, reason: str, decided_on: date | None, authority: str = ""
) -> Provider:
    require(actor, Action.MANAGE_PROVIDERS)
    require_in_scope(actor, provider.region_code)
    reason, day, authority = decision(reason, decided_on, authority, need_authority=False)
    with transaction.atomic():
        locked = _lock(provider)
        if locked.status != ProviderStatus.ACTIVE:
            raise _state_error(locked, "暂停")
        change_status(
            actor,
            locked,
            ProviderStatus.SUSPENDED,
            reason=reason,
            day=day,
            transition="suspend",
            authority=authority,
        )
    return locked


def blacklist_provider(
    *, actor: Any, provider: Provider, reason: str, decided_on: date | None, authority: str
) -> Provider:
    require(actor, Action.BLACKLIST)
    require_in_scope(actor, provider.region_code)
    reason, day, authority = decision(reason, decided_on, authority, need_authority=True)
    with transaction.atomic():
        locked = _lock(provider)
        if locked.status not in (ProviderStatus.ACTIVE, ProviderStatus.SUSPENDED):
            raise _state_error(locked, "列入黑名单")
        change_status(
            actor,
            locked,
            ProviderStatus.BLACKLISTED,
            reason=reason,
            day=day,
            transition="blacklist",
            authority=authority,
        )
        record_blacklist_decision(
            actor, locked, is_lift=False, reason=reason, day=day, authority=authority
        )
    return locked


def lift_provider(
    *, actor: Any, provider: Provider, reason: str, decided_on: date | None, authority: str = ""
) -> Provider:
    """Back to ACTIVE from a suspension, or (BLACKLIST, authority required) from the blacklist."""
    require(actor, Action.MANAGE_PROVIDERS)
    require_in_scope(actor, provider.region_code)
    with transaction.atomic():
        locked = _lock(provider)
        blacklisted = locked.status == ProviderStatus.BLACKLISTED
        if blacklisted:
            require(actor, Action.BLACKLIST)
        elif locked.status != ProviderStatus.SUSPENDED:
            raise _state_error(locked, "恢复")
        reason, day, authority = decision(reason, decided_on, authority, need_authority=blacklisted)
        change_status(
            actor,
            locked,
            ProviderStatus.ACTIVE,
            reason=reason,
            day=day,
            transition="lift",
            authority=authority,
        )
        if blacklisted:
            record_blacklist_decision(
                actor, locked, is_lift=True, reason=reason, day=day, authority=authority
            )
    return locked


def exit_provider(
    *, actor: Any, provider: Provider, reason: str, decided_on: date | None, authority: str = ""
) -> Provider:
    """The organisation leaves the market (退出); final. A blacklisted one stays blacklisted."""
    require(actor, Action.MANAGE_PROVIDERS)
    require_in_scope(actor, provider.region_code)
    reason, day, authority = decision(reason, decided_on, authority, need_authority=False)
    with transaction.atomic():
        locked = _lock(provider)
        if locked.status not in (ProviderStatus.ACTIVE, ProviderStatus.SUSPENDED):
            raise _state_error(locked, "退出")
        change_status(
            actor,
            locked,
            ProviderStatus.EXITED,
            reason=reason,
            day=day,
            transition="exit",
            authority=authority,
        )
    return locked
