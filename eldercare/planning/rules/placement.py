"""Illustrative village points for a county that has no survey yet (demo, training, planning
drafts). Deterministic: the same codes and centre always give the same points.

Townships are scattered around the given centre and villages around their township, at a
hash-derived bearing and distance. The points are invented and must never be taken for a
survey; they are stored with source "generated" and the pages say so.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable

from eldercare.core.geo import METRES_PER_DEGREE
from eldercare.regions.codes import parent_code

TOWNSHIP_SHARE = 0.8  # townships lie within 80 % of the spread, villages within a quarter of it
VILLAGE_SHARE = 0.25


def _unit_pair(key: str) -> tuple[float, float]:
    digest = hashlib.sha256(key.encode()).digest()
    return int.from_bytes(digest[:4]) / 2**32, int.from_bytes(digest[4:8]) / 2**32


def offset(centre: tuple[float, float], key: str, within_m: float) -> tuple[float, float]:
    bearing_share, distance_share = _unit_pair(key)
    # sqrt spreads points evenly over the disc instead of crowding them at the centre.
    distance = within_m * math.sqrt(distance_share)
    bearing = 2 * math.pi * bearing_share
    latitude = centre[0] + distance * math.cos(bearing) / METRES_PER_DEGREE
    longitude = centre[1] + distance * math.sin(bearing) / (
        METRES_PER_DEGREE * max(math.cos(math.radians(centre[0])), 0.05)
    )
    return round(latitude, 6), round(longitude, 6)


def scatter_villages(
    village_codes: Iterable[str], centre: tuple[float, float], spread_m: float
) -> dict[str, tuple[float, float]]:
    """{village code: (latitude, longitude)} around `centre`, clustered by township."""
    points = {}
    for code in village_codes:
        township = offset(centre, parent_code(code), spread_m * TOWNSHIP_SHARE)
        points[code] = offset(township, code, spread_m * VILLAGE_SHARE)
    return points
