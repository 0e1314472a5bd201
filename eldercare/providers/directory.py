"""What the public directory shows (no login): active providers serving a region with their
prices in effect, operating facilities, and the map. Only organisation data is read; no person's
name, ID number or phone is ever selected (contact names and legal representatives stay out).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q

from eldercare.catalogue.models import ServiceItem
from eldercare.core.geo import convex_hull
from eldercare.providers.models import (
    Facility,
    Provider,
    ProviderArea,
    ProviderPrice,
    ProviderStatus,
)
from eldercare.providers.queries import prices_in_effect
from eldercare.regions.codes import Level, ancestor_codes, level_of, subtree_range
from eldercare.regions.models import Region

PROVIDER_LIMIT = 100
FACILITY_LIMIT = 500


@dataclass
class Listing:
    provider: Provider
    prices: list[ProviderPrice] = field(default_factory=list)


def directory_regions() -> list[Region]:
    """Cities, counties and townships that have something to show, for the region choice."""
    codes: set[str] = set()
    villages = Facility.objects.filter(is_operating=True).values_list("region_code", flat=True)
    areas = ProviderArea.objects.filter(provider__status=ProviderStatus.ACTIVE).values_list(
        "region_code", flat=True
    )
    for code in {*villages, *areas}:
        codes.update(ancestor_codes(code)[1:4])
    return list(
        Region.objects.current()
        .filter(code__in=codes, level__in=[Level.CITY, Level.COUNTY, Level.TOWNSHIP])
        .order_by("code")
    )


def directory_items() -> list[ServiceItem]:
    """Items some active provider has a price for."""
    priced = ProviderPrice.objects.filter(
        item=OuterRef("pk"), provider__status=ProviderStatus.ACTIVE
    )
    return list(ServiceItem.objects.filter(Exists(priced), is_active=True).order_by("code"))


def _serving(region_code: str) -> Q:
    """An area inside the region, or an area the region lies inside."""
    if not region_code:
        return Q()
    low, high = subtree_range(region_code)
    inside = Q(region_code__gte=low, region_code__lte=high)
    return inside | Q(region_code__in=ancestor_codes(region_code))


def providers_listed(
    region_code: str, item: ServiceItem | None, on: date, text: str = ""
) -> list[Listing]:
    providers = Provider.objects.filter(
        Exists(ProviderArea.objects.filter(_serving(region_code), provider=OuterRef("pk"))),
        status=ProviderStatus.ACTIVE,
    ).only("id", "name", "kind", "brand", "hotline", "address", "description", "region_code")
    if text:
        providers = providers.filter(Q(name__icontains=text) | Q(brand__icontains=text))
    if item is not None:
        priced = ProviderPrice.objects.filter(
            provider=OuterRef("pk"), item=item, effective_from__lte=on
        )
        providers = providers.filter(Exists(priced))
    listings = {p.pk: Listing(p) for p in providers.order_by("name")[:PROVIDER_LIMIT]}
    for price in prices_in_effect(list(listings), on):
        listings[price.provider_id].prices.append(price)
    return list(listings.values())


def facilities_listed(region_code: str, item: ServiceItem | None, text: str = "") -> list[Facility]:
    facilities = Facility.objects.filter(is_operating=True).select_related("operator")
    if region_code:
        low, high = subtree_range(region_code)
        facilities = facilities.filter(region_code__gte=low, region_code__lte=high)
    if item is not None:
        facilities = facilities.filter(services=item)
    if text:
        facilities = facilities.filter(Q(name__icontains=text) | Q(address__icontains=text))
    return list(facilities.prefetch_related("services")[:FACILITY_LIMIT])


def township_of(code: str) -> str:
    if level_of(code) < Level.TOWNSHIP:
        return code
    return ancestor_codes(code)[Level.TOWNSHIP - 1]


def map_data(facilities: Iterable[Facility], names: dict[str, str]) -> dict[str, Any]:
    """Points of the facilities and, per township, the convex hull of its facilities' points
    (the division list has no boundaries; the hull shows where a township's facilities lie)."""
    points = []
    by_township: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for facility in facilities:
        if facility.latitude is None or facility.longitude is None:
            continue
        lat, lng = float(facility.latitude), float(facility.longitude)
        points.append(
            {"lat": lat, "lng": lng, "label": facility.name, "kind": facility.get_kind_display()}
        )
        by_township[township_of(facility.region_code)].append((lat, lng))
    outlines = []
    for code, township_points in sorted(by_township.items()):
        ring = convex_hull(township_points)
        if len(ring) >= 3:
            outlines.append({"name": names.get(code, code), "ring": [list(p) for p in ring]})
    return {"points": points, "outlines": outlines}
