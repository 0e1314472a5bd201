"""Catalogue test data written directly (bypassing the services) for tests that need rows."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from eldercare.catalogue.models import (
    ListKind,
    ListStatus,
    ServiceItem,
    ServiceList,
    ServiceListEntry,
)

CITY = "431100000000"


def item(code: str, name: str = "", **extra: Any) -> ServiceItem:
    values: dict[str, Any] = {
        "name": name or f"项目{code}",
        "category": "meal",
        "unit": "meal",
        "standard_price_fen": 1000,
    }
    values.update(extra)
    return ServiceItem.objects.create(code=code, **values)


def service_list(
    region_code: str,
    *,
    kind: str = ListKind.SIX_PLUS_X,
    version: int = 1,
    effective_from: date | None = date(2024, 1, 1),
    effective_to: date | None = None,
    status: str = ListStatus.PUBLISHED,
    entries: Iterable[tuple[ServiceItem, int | None]] = (),
    name: str = "",
    **extra: Any,
) -> ServiceList:
    """A list with entries given as (item, local price in fen)."""
    created = ServiceList.objects.create(
        region_code=region_code,
        kind=kind,
        version=version,
        status=status,
        effective_from=effective_from,
        effective_to=effective_to,
        name=name or f"{region_code or '全国'}{kind}清单",
        **extra,
    )
    for position, (entry_item, price) in enumerate(entries, start=1):
        ServiceListEntry.objects.create(
            service_list=created, item=entry_item, local_price_fen=price, position=position
        )
    return created
