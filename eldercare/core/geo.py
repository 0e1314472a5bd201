"""Coordinates on the map: validation, great-circle distances, convex hulls. Pure, no Django.

Coordinates are WGS-84 degrees (what GPS receivers and OpenStreetMap tiles use). Maps of Chinese
vendors (Amap, Tencent) show GCJ-02, offset by a few hundred metres: such coordinates must be
converted before they are stored. Distances are great-circle (haversine) metres on the mean Earth
sphere: at the scale of a service circle or a caregiver's trip the error against the ellipsoid is
< 0.5 %.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

__all__ = [
    "CHINA_LATITUDE",
    "CHINA_LONGITUDE",
    "EARTH_RADIUS_M",
    "METRES_PER_DEGREE",
    "CoordinateError",
    "convex_hull",
    "haversine_m",
    "in_china",
    "parse_coordinates",
]

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE = EARTH_RADIUS_M * math.pi / 180
# Mainland China, Hong Kong, Macao and Taiwan with a margin: a point outside is a typing error
# (swapped latitude/longitude, a missing digit) far more often than a real facility.
CHINA_LATITUDE = (Decimal("3"), Decimal("54"))
CHINA_LONGITUDE = (Decimal("73"), Decimal("136"))


class CoordinateError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def degrees(value: object, name: str) -> Decimal:
    """A finite number of decimal degrees to six places (not NaN, not infinite), else
    CoordinateError; the range is the caller's to check."""
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as error:
        raise CoordinateError("format", f"{name}应为十进制度数：{value}") from error
    if not number.is_finite():
        raise CoordinateError("format", f"{name}应为十进制度数：{value}")
    return number.quantize(Decimal("0.000001"))


def parse_coordinates(latitude: object, longitude: object) -> tuple[Decimal, Decimal] | None:
    """Both empty → None; one of them empty, out of range or outside China → an error."""
    empty = [value in (None, "") for value in (latitude, longitude)]
    if all(empty):
        return None
    if any(empty):
        raise CoordinateError("partial", "纬度和经度应同时填写或同时留空")
    lat = degrees(latitude, "纬度")
    lng = degrees(longitude, "经度")
    if not -90 <= lat <= 90:
        raise CoordinateError("latitude_range", f"纬度应在 -90 到 90 之间：{lat}")
    if not -180 <= lng <= 180:
        raise CoordinateError("longitude_range", f"经度应在 -180 到 180 之间：{lng}")
    if not in_china(lat, lng):
        raise CoordinateError(
            "outside_china",
            f"坐标（纬度 {lat}，经度 {lng}）不在我国境内，请检查是否填反或漏位（WGS-84 十进制度）",
        )
    return lat, lng


def in_china(latitude: Decimal | float, longitude: Decimal | float) -> bool:
    """Inside the box around China (with a margin); outside is almost always a typing error."""
    return (
        CHINA_LATITUDE[0] <= Decimal(str(latitude)) <= CHINA_LATITUDE[1]
        and CHINA_LONGITUDE[0] <= Decimal(str(longitude)) <= CHINA_LONGITUDE[1]
    )


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lng2 - lng1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def convex_hull(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """Andrew's monotone chain over (latitude, longitude) pairs; counter-clockwise, no repeats.

    Fewer than three distinct points, or all on one line, give the distinct extreme points only.
    """
    unique = sorted(set(points), key=lambda p: (p[1], p[0]))
    if len(unique) <= 2:
        return unique

    def cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
        # x = longitude, y = latitude
        return (a[1] - o[1]) * (b[0] - o[0]) - (a[0] - o[0]) * (b[1] - o[1])

    lower: list[tuple[float, float]] = []
    for point in unique:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], point) <= 0:
            lower.pop()
        lower.append(point)
    upper: list[tuple[float, float]] = []
    for point in reversed(unique):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], point) <= 0:
            upper.pop()
        upper.append(point)
    return lower[:-1] + upper[:-1]
