"""Read-side questions other apps and the pages ask: who may be given work, what a provider
charges on a day, whose health certificate runs out, and the filtered lists."""

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from eldercare.accounts.access import scoped
from eldercare.catalogue.models import ServiceItem
from eldercare.providers.models import (
    Provider,
    ProviderArea,
    ProviderPrice,
    StaffMember,
    StaffStatus,
)
from eldercare.regions.codes import RegionCodeError, ancestor_codes, normalize_code, subtree_range

HEALTH_CERTIFICATE_WARNING_DAYS = 30


def items_by_code(codes: list[str]) -> list[ServiceItem]:
    """Catalogue items are reference data every role may read; unknown codes are left out."""
    return list(ServiceItem.objects.filter(code__in=codes))


def price_on(provider: Provider, item: ServiceItem, day: date) -> ProviderPrice | None:
    """The price row in effect on `day`: the latest one not after it."""
    return (
        ProviderPrice.objects.filter(provider=provider, item=item, effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )


def prices_in_effect(provider_ids: list[int], day: date) -> list[ProviderPrice]:
    """For each (provider, item), the row in effect on `day`."""
    rows = (
        ProviderPrice.objects.filter(provider_id__in=provider_ids, effective_from__lte=day)
        .select_related("item")
        .order_by("provider_id", "item__code", "-effective_from")
    )
    seen: set[tuple[int, int]] = set()
    current = []
    for row in rows:
        key = (row.provider_id, row.item_id)
        if key not in seen:
            seen.add(key)
            current.append(row)
    return current


def health_certificates_due(
    user: Any, on: date, days: int = HEALTH_CERTIFICATE_WARNING_DAYS
) -> tuple[QuerySet[StaffMember], QuerySet[StaffMember]]:
    """(expired before `on`, expiring within `days` from `on`) among the user's working staff."""
    working = scoped(user, StaffMember.objects.all()).filter(
        status__in=[StaffStatus.ACTIVE, StaffStatus.SUSPENDED]
    )
    expired = working.filter(health_certificate_expires__lt=on).order_by(
        "health_certificate_expires"
    )
    expiring = working.filter(
        health_certificate_expires__gte=on,
        health_certificate_expires__lte=on + timedelta(days=days),
    ).order_by("health_certificate_expires")
    return expired.select_related("provider"), expiring.select_related("provider")


def region_filter(field: str, raw: object) -> Q | None:
    """A subtree filter from a typed code, None when it is not a code."""
    try:
        low, high = subtree_range(normalize_code(str(raw or "")))
    except RegionCodeError:
        return None
    return Q(**{f"{field}__gte": low, f"{field}__lte": high})


def providers_for(user: Any, params: Mapping[str, Any]) -> QuerySet[Provider]:
    providers = scoped(user, Provider.objects.all())
    if params.get("status"):
        providers = providers.filter(status=params["status"])
    if params.get("kind"):
        providers = providers.filter(kind=params["kind"])
    if params.get("brand"):
        providers = providers.filter(brand__icontains=params["brand"])
    if params.get("q"):
        providers = providers.filter(
            Q(name__icontains=params["q"]) | Q(credit_code__iexact=params["q"])
        )
    if params.get("region"):
        served = region_filter("region_code", params["region"])
        if served is not None:
            covering = ancestor_codes(normalize_code(str(params["region"])))
            providers = providers.filter(
                Exists(
                    ProviderArea.objects.filter(provider=OuterRef("pk")).filter(
                        served | Q(region_code__in=covering)
                    )
                )
            )
    return providers
