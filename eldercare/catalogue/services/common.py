"""What the catalogue's use cases share: audited fields and snapshots, region checks, locks."""

from datetime import date
from typing import Any

from django.utils import timezone, translation

from eldercare.accounts.access import in_scope
from eldercare.catalogue.errors import CatalogueDataError, Problem
from eldercare.catalogue.models import ListKind, ServiceItem, ServiceList, ServiceListEntry
from eldercare.catalogue.yuan import format_yuan
from eldercare.regions.codes import RegionCodeError, normalize_code
from eldercare.regions.models import Region

ENTRY_AUDIT_FIELDS = (
    "local_price_fen",
    "is_price_example",
    "is_basic",
    "eligibility",
    "funding",
    "frequency_limit",
    "lead_agency",
)
ITEM_AUDIT_FIELDS = (
    "code",
    "name",
    "category",
    "unit",
    "standard_price_fen",
    "is_price_example",
    "service_standard",
    "minimum_minutes",
    "is_basic",
    "is_active",
    "region_code",
    "source",
)
LIST_AUDIT_FIELDS = (
    "region_code",
    "kind",
    "name",
    "version",
    "status",
    "effective_from",
    "effective_to",
    "basis",
)


def today_local() -> date:
    return timezone.localdate()


# --- snapshots for the audit trail --------------------------------------------------------------


def item_snapshot(item: ServiceItem) -> dict[str, Any]:
    data = {field: getattr(item, field) for field in ITEM_AUDIT_FIELDS}
    data["standard_price_fen"] = format_yuan(item.standard_price_fen)
    return data


def entry_snapshot(entry: ServiceListEntry) -> dict[str, Any]:
    data = {field: getattr(entry, field) for field in ENTRY_AUDIT_FIELDS}
    data["local_price_fen"] = format_yuan(entry.local_price_fen)
    data["item"] = entry.item.code
    return data


def list_snapshot(service_list: ServiceList) -> dict[str, Any]:
    return {field: getattr(service_list, field) for field in LIST_AUDIT_FIELDS}


def entry_repr(entry: ServiceListEntry) -> str:
    return f"{entry.service_list} · {entry.item}"[:200]


# --- regions ------------------------------------------------------------------------------------


def check_managed_region(actor: Any, region_code: object) -> str:
    """A national ("") or 12-digit region code the actor manages (their subtree) → the code."""
    text = str(region_code or "").strip()
    if text:
        try:
            text = normalize_code(text)
        except RegionCodeError as error:
            raise CatalogueDataError(
                [Problem("region_code", "region_invalid", str(error))]
            ) from error
    if not in_scope(actor, text):
        raise CatalogueDataError(
            [
                Problem(
                    "region_code",
                    "region_unknown",
                    f"区划代码 {text or '（全国）'} 不在您的管辖范围内",
                )
            ]
        )
    if text and not Region.objects.current().filter(code=text).exists():
        raise CatalogueDataError(
            [Problem("region_code", "region_unknown", f"区划代码 {text} 不存在")]
        )
    return text


def default_list_name(region_code: str, kind: str) -> str:
    with translation.override("zh-hans"):
        label = str(ListKind(kind).label)
    if not region_code:
        return "国家基本养老服务清单"
    region = Region.objects.current().filter(code=region_code).first()
    return f"{region.name if region else region_code}{label}"


def lock_family(region_code: str, kind: str) -> list[ServiceList]:
    """Every version of one region and kind, locked in a fixed order (no deadlocks)."""
    return list(
        ServiceList.objects.select_for_update()
        .filter(region_code=region_code, kind=kind)
        .order_by("pk")
    )
