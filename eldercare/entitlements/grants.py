"""Individual entitlements: granted on an approved application (or another decision), ended early.

    grant_entitlement(*, actor, resident, kind, amount_fen, items, first_month, last_month,
                      reason, source_reference) -> Entitlement
    end_entitlement(*, actor, entitlement, last_month, reason) -> Entitlement

`kind` is a benefit kind of the rule files (monthly_service_credit, care_subsidy,
one_off_subsidy); `items` the service categories ("meal") and catalogue items ("item:ZC-001") a
credit may buy, None for any item (a care subsidy has none). Months are dates; any day of the
month names the month. Granting is idempotent by `source_reference` ("application:123"): the
same request again returns the first grant; the same reference with another resident, kind,
amount, items or months is a GrantConflict. The monthly run credits every grant in effect for
its month next to the rule-based benefits (a one-off subsidy once, in the first run of a month
within its months). Both use cases need REVIEW_APPLICATIONS or RUN_ENTITLEMENTS and the resident
in scope (else 404); a SystemActor passes. Each writes one audit record.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from eldercare.accounts.access import Action, can, in_scope
from eldercare.catalogue.models import ServiceItem
from eldercare.core.audit import record, record_change
from eldercare.core.models import AuditAction
from eldercare.core.money import MAX_FEN, format_fen
from eldercare.entitlements.errors import (
    EntitlementInputError,
    EntitlementStateError,
    GrantConflict,
)
from eldercare.entitlements.ledger import SystemActor
from eldercare.entitlements.models import (
    BenefitKind,
    Entitlement,
    EntitlementStatus,
    Transfer,
)
from eldercare.entitlements.policy.vocabulary import ITEM_PREFIX, SERVICE_CATEGORIES
from eldercare.registry.models import Resident

GRANT_ACTIONS = (Action.REVIEW_APPLICATIONS, Action.RUN_ENTITLEMENTS)
REFERENCE_MAX_LENGTH = 120


def _authorize(actor: Any, region_code: str) -> None:
    if isinstance(actor, SystemActor):
        return
    if not any(can(actor, action) for action in GRANT_ACTIONS):
        raise PermissionDenied("当前角色无权批准或终止补贴资格")
    if not in_scope(actor, region_code):
        raise Http404("记录不存在")


def _actor_name(actor: Any) -> str:
    return str(getattr(actor, "username", "") or "system")


def _month(value: Any, field: str) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise EntitlementInputError(field, "month_type", f"应为日期（该月任一天），收到 {value!r}")
    return value.replace(day=1)


def check_items(kind: str, items: Any) -> list[str] | None:
    """None (any item), or the distinct categories and `item:<CODE>` codes, in the given order."""
    if items is None:
        return None
    if kind == BenefitKind.CARE_SUBSIDY:
        raise EntitlementInputError("items", "items_not_allowed", "护理补贴不限服务项目，请传 None")
    if isinstance(items, str) or not isinstance(items, Iterable):
        raise EntitlementInputError(
            "items", "items_type", "应为服务类别或 item:编码 的列表（不限项目时为 None）"
        )
    cleaned: list[str] = []
    codes: dict[str, str] = {}
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise EntitlementInputError("items", "item_invalid", f"不能为空：{item!r}")
        text = item.strip()
        if text.startswith(ITEM_PREFIX):
            code = text[len(ITEM_PREFIX) :].strip().upper()
            if not code:
                raise EntitlementInputError("items", "item_invalid", f"缺少项目编码：{item!r}")
            text = f"{ITEM_PREFIX}{code}"
            codes[code] = item
        elif text not in SERVICE_CATEGORIES:
            known = "、".join(f"{code}（{name}）" for code, name in SERVICE_CATEGORIES.items())
            raise EntitlementInputError(
                "items",
                "item_unknown",
                f"未知的服务类别 “{text}”；可用：{known}，或 item:编码 指定单个服务项目",
            )
        if text not in cleaned:
            cleaned.append(text)
    if not cleaned:
        raise EntitlementInputError(
            "items", "items_empty", "限用项目列表为空，补贴将无法使用；不限项目请传 None"
        )
    known_codes = set(ServiceItem.objects.filter(code__in=codes).values_list("code", flat=True))
    missing = [codes[code] for code in codes if code not in known_codes]
    if missing:
        raise EntitlementInputError(
            "items", "item_not_in_catalogue", f"服务项目不在目录中：{'、'.join(missing)}"
        )
    return cleaned


def _check(
    resident: Any,
    kind: Any,
    amount_fen: Any,
    items: Any,
    first_month: Any,
    last_month: Any,
    reason: Any,
    source_reference: Any,
) -> dict[str, Any]:
    if not isinstance(resident, Resident) or resident.pk is None:
        raise EntitlementInputError(
            "resident", "resident_invalid", f"应为已登记的老年人，收到 {resident!r}"
        )
    if kind not in BenefitKind.values:
        known = "、".join(f"{value}（{label}）" for value, label in BenefitKind.choices)
        raise EntitlementInputError("kind", "kind_unknown", f"无法识别：{kind!r}；可用：{known}")
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int):
        raise EntitlementInputError(
            "amount_fen", "amount_type", f"应为整数（单位：分），收到 {amount_fen!r}"
        )
    if amount_fen <= 0:
        raise EntitlementInputError("amount_fen", "amount_not_positive", "必须大于零")
    if amount_fen > MAX_FEN:
        raise EntitlementInputError(
            "amount_fen", "amount_too_large", f"金额过大：{format_fen(amount_fen)} 元"
        )
    first = _month(first_month, "first_month")
    last = None if last_month is None else _month(last_month, "last_month")
    if last is not None and last < first:
        raise EntitlementInputError(
            "last_month", "months_reversed", f"终止月份 {last:%Y-%m} 早于起始月份 {first:%Y-%m}"
        )
    if not isinstance(reason, str) or not reason.strip():
        raise EntitlementInputError("reason", "reason_missing", "必须填写")
    if not isinstance(source_reference, str) or not source_reference.strip():
        raise EntitlementInputError("source_reference", "reference_missing", "不能为空")
    if len(source_reference.strip()) > REFERENCE_MAX_LENGTH:
        raise EntitlementInputError(
            "source_reference", "reference_too_long", f"最长 {REFERENCE_MAX_LENGTH} 个字符"
        )
    return {
        "resident": resident,
        "kind": str(kind),
        "amount_fen": amount_fen,
        "items": check_items(str(kind), items),
        "first_month": first,
        "last_month": last,
        "reason": reason.strip(),
        "source_reference": source_reference.strip(),
    }


def _replay(values: dict[str, Any]) -> Entitlement | None:
    existing = Entitlement.objects.filter(source_reference=values["source_reference"]).first()
    if existing is None:
        return None
    labels = {
        "resident_id": "老年人",
        "kind": "补贴类型",
        "amount_fen": "金额",
        "items": "限用项目",
        "first_month": "起始月份",
        "last_month": "终止月份",
    }
    wanted = {**values, "resident_id": values["resident"].pk}
    differences = [
        label
        for name, label in labels.items()
        # An ended grant's last month is the end, not what was granted: not compared.
        if not (name == "last_month" and existing.status == EntitlementStatus.ENDED)
        and getattr(existing, name) != wanted[name]
    ]
    if differences:
        raise GrantConflict(values["source_reference"], differences)
    return existing


def grant_entitlement(
    *,
    actor: Any,
    resident: Resident,
    kind: str,
    amount_fen: int,
    items: list[str] | None,
    first_month: date,
    last_month: date | None,
    reason: str,
    source_reference: str,
) -> Entitlement:
    """Grant `resident` a benefit from `first_month` to `last_month` (None: until ended)."""
    values = _check(
        resident, kind, amount_fen, items, first_month, last_month, reason, source_reference
    )
    _authorize(actor, resident.region_code)
    existing = _replay(values)
    if existing is not None:
        return existing
    if resident.status != "active":
        raise EntitlementStateError(
            "resident_inactive",
            f"{resident.name} 的状态为{resident.get_status_display()}，不能批准补贴资格",
        )
    try:
        with transaction.atomic():
            grant = Entitlement.objects.create(
                **values,
                granted_by=None if isinstance(actor, SystemActor) else actor,
                granted_by_username=_actor_name(actor),
            )
            record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=grant,
                region_code=resident.region_code,
                detail={
                    "resident": resident.pk,
                    "kind": grant.kind,
                    "amount_fen": grant.amount_fen,
                    "items": grant.items,
                    "first_month": grant.first_month,
                    "last_month": grant.last_month,
                    "reason": grant.reason,
                    "source_reference": grant.source_reference,
                },
            )
    except IntegrityError:
        # A concurrent twin won the unique reference: the same request gets its grant.
        existing = _replay(values)
        if existing is None:
            raise
        return existing
    return grant


def end_entitlement(
    *, actor: Any, entitlement: Entitlement, last_month: date, reason: str
) -> Entitlement:
    """End a grant after `last_month` (credited up to and including it).

    A month before the first cancels the grant before it takes effect. The end cannot be later
    than an end already set, nor earlier than a month the run has already credited.
    """
    if not isinstance(entitlement, Entitlement) or entitlement.pk is None:
        raise EntitlementInputError(
            "entitlement", "entitlement_invalid", f"应为已批准的补贴资格，收到 {entitlement!r}"
        )
    last = _month(last_month, "last_month")
    if not isinstance(reason, str) or not reason.strip():
        raise EntitlementInputError("reason", "reason_missing", "必须填写")
    resident = entitlement.resident
    _authorize(actor, resident.region_code)
    with transaction.atomic():
        grant = Entitlement.objects.select_for_update().get(pk=entitlement.pk)
        if grant.status == EntitlementStatus.ENDED and grant.last_month == last:
            return grant
        if grant.last_month is not None and last > grant.last_month:
            raise EntitlementStateError(
                "end_later",
                f"该补贴资格已于 {grant.last_month:%Y-%m} 终止，不能改为更晚的 {last:%Y-%m}",
            )
        credited = (
            Transfer.objects.filter(
                resident_id=grant.resident_id,
                reference__endswith=f":{grant.key}",
                month__gt=last,
            )
            .order_by("-month")
            .values_list("month", flat=True)
            .first()
        )
        if credited is not None:
            raise EntitlementStateError(
                "already_credited",
                f"已发放至 {credited:%Y-%m}，终止月份不能早于已发放的月份（多发的请调账更正）",
            )
        before = {"status": grant.status, "last_month": grant.last_month}
        grant.status = EntitlementStatus.ENDED
        grant.last_month = last
        grant.ended_at = timezone.now()
        grant.ended_by_username = _actor_name(actor)
        grant.end_reason = reason.strip()
        grant.save(
            update_fields=["status", "last_month", "ended_at", "ended_by_username", "end_reason"]
        )
        record_change(
            actor=actor,
            obj=grant,
            region_code=resident.region_code,
            before=before,
            after={"status": grant.status, "last_month": grant.last_month},
            reason=grant.end_reason,
        )
    return grant


def grants_in_effect(resident_ids: Sequence[int], month: date) -> dict[int, list[Entitlement]]:
    """The grants of these residents credited for `month` (any status: ended ones up to their
    last month), by resident, oldest first. One query."""
    by_resident: dict[int, list[Entitlement]] = {}
    grants = Entitlement.objects.filter(
        resident_id__in=list(resident_ids), first_month__lte=month
    ).order_by("resident_id", "id")
    for grant in grants:
        if grant.last_month is None or month <= grant.last_month:
            by_resident.setdefault(grant.resident_id, []).append(grant)
    return by_resident
