"""Use cases for list versions and their drafts: new version, header, entries, discard."""

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max

from eldercare.accounts.access import Action, get_scoped_or_404, require
from eldercare.catalogue.cleaning import clean_entry, clean_kind, clean_list_header
from eldercare.catalogue.errors import CatalogueDataError, CatalogueStateError, Problem
from eldercare.catalogue.models import (
    ListKind,
    ListStatus,
    ServiceItem,
    ServiceList,
    ServiceListEntry,
)
from eldercare.catalogue.queries import applicable_region_codes
from eldercare.catalogue.services.common import (
    ENTRY_AUDIT_FIELDS,
    check_managed_region,
    default_list_name,
    entry_repr,
    entry_snapshot,
    list_snapshot,
    lock_family,
)
from eldercare.core.audit import record, record_change
from eldercare.core.models import AuditAction


@transaction.atomic
def create_list_version(*, actor: Any, region_code: object, kind: object) -> ServiceList:
    """A new draft: a copy of the newest published version (entries included), or an empty v1."""
    require(actor, Action.MANAGE_CATALOGUE)
    code = check_managed_region(actor, region_code)
    kind_code = clean_kind(kind)
    if kind_code is None:
        raise CatalogueDataError([Problem("kind", "choice_unknown", f"无法识别：{kind}")])
    if code == "" and kind_code != ListKind.BASIC:
        raise CatalogueDataError(
            [Problem("kind", "kind_national", "全国只有基本养老服务清单；区划须填写代码")]
        )
    family = lock_family(code, kind_code)
    draft = next((s for s in family if s.status == ListStatus.DRAFT), None)
    if draft is not None:
        raise CatalogueStateError(
            f"已有未发布的草稿（第{draft.version}版），请先发布或删除它", code="draft_exists"
        )
    published = [s for s in family if s.status == ListStatus.PUBLISHED]
    source = max(published, key=lambda s: s.version, default=None)
    new = ServiceList.objects.create(
        region_code=code,
        kind=kind_code,
        name=source.name if source else default_list_name(code, kind_code),
        version=max((s.version for s in family), default=0) + 1,
        status=ListStatus.DRAFT,
        basis=source.basis if source else "",
        based_on=source,
        created_by=actor,
    )
    copied = 0
    if source is not None:
        copied = len(
            ServiceListEntry.objects.bulk_create(
                ServiceListEntry(
                    service_list=new,
                    item_id=entry.item_id,
                    position=entry.position,
                    **{field: getattr(entry, field) for field in ENTRY_AUDIT_FIELDS},
                )
                for entry in source.entries.all()
            )
        )
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=new,
        region_code=new.region_code,
        changes=list_snapshot(new),
        detail={"based_on": source.version if source else None, "entries": copied},
    )
    return new


def _locked_draft(actor: Any, service_list: ServiceList) -> ServiceList:
    """Re-read the list under a lock, inside the actor's scope; it must be a draft."""
    require(actor, Action.MANAGE_CATALOGUE)
    locked = get_scoped_or_404(actor, ServiceList.objects.select_for_update(), pk=service_list.pk)
    if locked.status != ListStatus.DRAFT:
        raise CatalogueStateError(
            f"{locked} 已发布，不能修改；请新建版本后在草稿中修改", code="not_draft"
        )
    return locked


@transaction.atomic
def update_list(*, actor: Any, service_list: ServiceList, data: Mapping[str, Any]) -> ServiceList:
    """Name, policy basis and effective dates of a draft."""
    service_list = _locked_draft(actor, service_list)
    unknown = sorted(set(data) - {"name", "basis", "effective_from", "effective_to"})
    values, problems = clean_list_header(data)
    problems += [Problem(key, "field_unknown", f"无法修改的字段：{key}") for key in unknown]
    start = values.get("effective_from", service_list.effective_from)
    end = values.get("effective_to", service_list.effective_to)
    if start and end and end < start and not any(p.code == "dates_reversed" for p in problems):
        problems.append(Problem("effective_to", "dates_reversed", "失效日期不能早于生效日期"))
    if problems:
        raise CatalogueDataError(problems)
    before = list_snapshot(service_list)
    for field, value in values.items():
        setattr(service_list, field, value)
    service_list.save()
    record_change(
        actor=actor,
        obj=service_list,
        region_code=service_list.region_code,
        before=before,
        after=list_snapshot(service_list),
    )
    return service_list


def _check_item_for_list(item: ServiceItem, service_list: ServiceList) -> list[Problem]:
    if item.region_code not in applicable_region_codes(service_list.region_code):
        return [Problem("item", "item_foreign", f"{item} 属于其他地区，不能列入本清单")]
    if not item.is_active:
        return [Problem("item", "item_inactive", f"{item} 已停用")]
    return []


@transaction.atomic
def add_entry(
    *, actor: Any, service_list: ServiceList, item_code: object, data: Mapping[str, Any]
) -> ServiceListEntry:
    """Put an item on a draft. Without a local price the item's standard price is used."""
    service_list = _locked_draft(actor, service_list)
    code = str(item_code or "").strip().upper()
    item = ServiceItem.objects.filter(code=code).first()
    problems: list[Problem] = []
    if item is None:
        problems.append(Problem("item", "item_unknown", f"服务项目 {code or '（空）'} 不存在"))
    else:
        problems += _check_item_for_list(item, service_list)
        if service_list.entries.filter(item=item).exists():
            problems.append(Problem("item", "item_duplicate", f"{item} 已在本清单中"))
    values, value_problems = clean_entry(data)
    problems += value_problems
    if problems or item is None:
        raise CatalogueDataError(problems)
    values.setdefault("local_price_fen", item.standard_price_fen)
    values.setdefault("is_price_example", item.is_price_example)
    values.setdefault("is_basic", item.is_basic)
    position = (service_list.entries.aggregate(last=Max("position"))["last"] or 0) + 1
    entry = ServiceListEntry.objects.create(
        service_list=service_list, item=item, position=position, **values
    )
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=entry,
        object_repr=entry_repr(entry),
        region_code=service_list.region_code,
        changes=entry_snapshot(entry),
    )
    return entry


def _locked_entry(actor: Any, entry: ServiceListEntry) -> ServiceListEntry:
    _locked_draft(actor, entry.service_list)
    return get_scoped_or_404(
        actor,
        ServiceListEntry.objects.select_related("item", "service_list"),
        pk=entry.pk,
        service_list_id=entry.service_list_id,
    )


@transaction.atomic
def update_entry(
    *, actor: Any, entry: ServiceListEntry, data: Mapping[str, Any]
) -> ServiceListEntry:
    entry = _locked_entry(actor, entry)
    values, problems = clean_entry(data)
    if problems:
        raise CatalogueDataError(problems)
    before = entry_snapshot(entry)
    for field, value in values.items():
        setattr(entry, field, value)
    entry.save()
    record_change(
        actor=actor,
        obj=entry,
        region_code=entry.service_list.region_code,
        before=before,
        after=entry_snapshot(entry),
    )
    return entry


@transaction.atomic
def remove_entry(*, actor: Any, entry: ServiceListEntry) -> None:
    entry = _locked_entry(actor, entry)
    snapshot = entry_snapshot(entry)
    record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=entry,
        object_repr=entry_repr(entry),
        region_code=entry.service_list.region_code,
        changes=snapshot,
    )
    entry.delete()


@transaction.atomic
def discard_draft(*, actor: Any, service_list: ServiceList) -> None:
    service_list = _locked_draft(actor, service_list)
    record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=service_list,
        region_code=service_list.region_code,
        changes=list_snapshot(service_list),
        detail={"entries": service_list.entries.count()},
    )
    service_list.delete()
