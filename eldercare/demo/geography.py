"""Illustrative coordinates for the demo: a deterministic point for every region code.

The division list has no coordinates. For the demo each pilot locality has its real centre, and
every county, township and village below it a point at a hash-derived bearing and distance from
its parent's point, so villages cluster around their township and the pictures look plausible.
The points are invented; real installations import surveyed coordinates.
"""

from __future__ import annotations

import hashlib
import math

from eldercare.regions.codes import Level, level_of, parent_code

# WGS-84 centres of the four pilot localities (city or county seat).
LOCALITY_CENTRES: dict[str, tuple[float, float]] = {
    "431100000000": (26.420, 111.613),  # 永州市
    "520381000000": (28.590, 105.697),  # 赤水市
    "620422000000": (35.692, 105.053),  # 会宁县
    "320700000000": (34.597, 119.222),  # 连云港市
}
# How far (km) a region's point may lie from its parent's point.
_SPREAD_KM = {Level.COUNTY: 35.0, Level.TOWNSHIP: 9.0, Level.VILLAGE: 3.0}
_KM_PER_DEGREE = 111.32


def _unit_pair(code: str) -> tuple[float, float]:
    digest = hashlib.sha256(code.encode()).digest()
    return int.from_bytes(digest[:4]) / 2**32, int.from_bytes(digest[4:8]) / 2**32


def _offset(centre: tuple[float, float], key: str, within_km: float) -> tuple[float, float]:
    bearing_share, distance_share = _unit_pair(key)
    # sqrt spreads points evenly over the disc instead of crowding them at its centre.
    distance = within_km * math.sqrt(distance_share)
    bearing = 2 * math.pi * bearing_share
    latitude = centre[0] + distance * math.cos(bearing) / _KM_PER_DEGREE
    longitude = centre[1] + distance * math.sin(bearing) / (
        _KM_PER_DEGREE * math.cos(math.radians(centre[0]))
    )
    return round(latitude, 6), round(longitude, 6)


def demo_point(code: str) -> tuple[float, float] | None:
    """(latitude, longitude) for a region inside a pilot locality, None outside them."""
    if code in LOCALITY_CENTRES:
        return LOCALITY_CENTRES[code]
    level = level_of(code)
    if level not in _SPREAD_KM:
        return None
    parent = demo_point(parent_code(code))
    if parent is None:
        return None
    return _offset(parent, code, _SPREAD_KM[level])


def jittered(code: str, salt: str, within_km: float) -> tuple[float, float] | None:
    """A point near a region's demo point, different per salt (a facility, a caregiver's base)."""
    centre = demo_point(code)
    if centre is None:
        return None
    return _offset(centre, f"{code}:{salt}", within_km)
