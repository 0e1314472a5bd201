"""The public directory (no login, rate-limited per address): providers, facilities and prices
by region and service, with a map that still shows points and outlines without a tile server."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from eldercare.providers.directory import (
    directory_items,
    directory_regions,
    facilities_listed,
    map_data,
    providers_listed,
    township_of,
)
from eldercare.providers.services import today_local
from eldercare.providers.throttling import allow_directory_request
from eldercare.regions.codes import RegionCodeError, normalize_code
from eldercare.regions.services import region_names


def directory(request: HttpRequest) -> HttpResponse:
    if not allow_directory_request(request):
        return render(request, "providers/directory_limited.html", status=429)
    regions = directory_regions()
    items = directory_items()
    region_code = request.GET.get("region", "").strip()
    try:
        region_code = normalize_code(region_code) if region_code else ""
    except RegionCodeError:
        region_code = ""
    item = next((i for i in items if i.code == request.GET.get("item")), None)
    text = " ".join(request.GET.get("q", "").split())[:40]
    searched = bool(region_code or item or text)
    today = today_local()
    listings = providers_listed(region_code, item, today, text) if searched else []
    facilities = facilities_listed(region_code, item, text) if searched else []
    names = region_names(
        {f.region_code for f in facilities} | {township_of(f.region_code) for f in facilities}
    )
    return render(
        request,
        "providers/directory.html",
        {
            "regions": regions,
            "items": items,
            "region_code": region_code,
            "item": item,
            "text": text,
            "searched": searched,
            "listings": listings,
            "facilities": facilities,
            "names": names,
            "map": map_data(facilities, names),
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
            "today": today,
        },
    )
