"""What the map page draws for a coverage report: facilities with their service circles, villages
coloured covered/uncovered with a popup naming the distance, and township (or county) outlines
drawn as the convex hull of their village points. The payload follows ElderMap.render's contract
(eldercare/static/eldercare/map.js)."""

from typing import Any

from django.utils.translation import gettext as _

from eldercare.core.geo import convex_hull
from eldercare.planning.reports import CoverageReport, child_of
from eldercare.planning.rules.coverage import VillageCoverage
from eldercare.regions.codes import Level

FACILITY_COLOUR = "#1f6feb"
COVERED_COLOUR = "#1a7f37"
UNCOVERED_COLOUR = "#d1242f"


def _village_popup(name: str, result: VillageCoverage) -> str:
    radius = round(result.site.radius_m)
    if result.distance_m is None:
        return _("%(name)s：未覆盖，附近没有运营中的养老服务设施（服务半径 %(radius)s 米）") % {
            "name": name,
            "radius": radius,
        }
    values = {"name": name, "distance": round(result.distance_m), "radius": radius}
    if result.is_covered:
        return _("%(name)s：已覆盖，距最近设施 %(distance)s 米（服务半径 %(radius)s 米）") % values
    return _("%(name)s：未覆盖，距最近设施 %(distance)s 米，超出服务半径 %(radius)s 米") % values


def map_payload(report: CoverageReport) -> dict[str, Any]:
    points: list[dict[str, Any]] = []
    circles: list[dict[str, Any]] = []
    for facility in report.facilities.values():
        circles.append(
            {"lat": facility.latitude, "lng": facility.longitude, "radius_m": facility.radius_m}
        )
        points.append(
            {
                "lat": facility.latitude,
                "lng": facility.longitude,
                "label": facility.name,
                "kind": "facility",
                "color": FACILITY_COLOUR,
                "popup": _("%(name)s：服务半径 %(radius)s 米")
                % {"name": facility.name, "radius": round(facility.radius_m)},
            }
        )
    groups: dict[str, list[tuple[float, float]]] = {}
    group_of = child_of(min(report.region.level, Level.COUNTY))
    for result in report.results:
        site = result.site
        if site.latitude is None or site.longitude is None:
            continue
        name = report.village_names.get(site.code, site.code)
        points.append(
            {
                "lat": site.latitude,
                "lng": site.longitude,
                "label": name,
                "kind": "covered" if result.is_covered else "uncovered",
                "color": COVERED_COLOUR if result.is_covered else UNCOVERED_COLOUR,
                "popup": _village_popup(name, result),
                "code": site.code,
            }
        )
        groups.setdefault(group_of(site.code), []).append((site.latitude, site.longitude))
    names = {child.code: child.name for child in report.children}
    names[report.region.code] = report.region.name
    hulls = {code: convex_hull(ring) for code, ring in sorted(groups.items())}
    outlines = [
        {"name": names.get(code, code), "ring": [list(p) for p in hull]}
        for code, hull in hulls.items()
        if len(hull) >= 3
    ]
    return {
        "region": {"code": report.region.code, "name": report.region.name},
        "points": points,
        "circles": circles,
        "outlines": outlines,
    }
