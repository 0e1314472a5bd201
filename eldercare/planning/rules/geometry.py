"""Walking radii and a grid index for nearest-point queries (distances: eldercare.core.geo).

Coordinates are WGS-84 degrees. Distances are great-circle (haversine) metres on the mean Earth
sphere: at the scale of a service circle (≤ a few km) the error against the ellipsoid is < 0.5 %,
far below the uncertainty of "minutes of walking".
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from eldercare.core.geo import METRES_PER_DEGREE, haversine_m

DEFAULT_SPEED_M_PER_MIN = 80  # an older person's walking pace, so 15 minutes ≈ 1,200 m
# Cells are never narrower than this many degrees of longitude, whatever the latitude.
_MIN_COS = 0.05

KeyT = TypeVar("KeyT", bound=Hashable)


def walking_radius_m(minutes: float, speed_m_per_min: float = DEFAULT_SPEED_M_PER_MIN) -> float:
    """Straight-line radius standing in for walking distance until a road network is supplied."""
    if minutes < 0 or speed_m_per_min <= 0:
        raise ValueError("步行时间不能为负，步行速度必须大于 0")
    return float(minutes) * float(speed_m_per_min)


@dataclass(frozen=True)
class Point(Generic[KeyT]):
    key: KeyT
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Nearest(Generic[KeyT]):
    key: KeyT
    distance_m: float


class GridIndex(Generic[KeyT]):
    """Points bucketed in square-ish cells of `cell_m`; nearest() searches rings outward.

    A cell is `cell_m` tall and at least `cell_m` wide everywhere in the data set (its width in
    degrees is fixed by the point farthest from the equator), so after searching every cell up to
    ring r, anything unsearched is more than r × cell_m away and the search can stop.
    """

    def __init__(
        self,
        points: Iterable[Point[KeyT]],
        cell_m: float = 1_000.0,
        *,
        query_latitudes: Iterable[float] = (),
    ) -> None:
        """`query_latitudes`: where queries will come from, if farther from the equator."""
        if cell_m <= 0:
            raise ValueError("cell_m must be positive")
        self._points = list(points)
        self.cell_m = cell_m
        self._lat_step = cell_m / METRES_PER_DEGREE
        latitudes = [p.latitude for p in self._points] + list(query_latitudes)
        widest = max((abs(latitude) for latitude in latitudes), default=0.0)
        cos = max(math.cos(math.radians(min(widest + self._lat_step, 90.0))), _MIN_COS)
        self._lng_step = self._lat_step / cos
        self._cells: dict[tuple[int, int], list[Point[KeyT]]] = defaultdict(list)
        for point in self._points:
            self._cells[self._cell(point.latitude, point.longitude)].append(point)
        rows = [cell[0] for cell in self._cells] or [0]
        columns = [cell[1] for cell in self._cells] or [0]
        self._bounds = (min(rows), max(rows), min(columns), max(columns))

    def __len__(self) -> int:
        return len(self._points)

    def _cell(self, latitude: float, longitude: float) -> tuple[int, int]:
        return math.floor(latitude / self._lat_step), math.floor(longitude / self._lng_step)

    def _ring(self, row: int, column: int, radius: int) -> Iterable[tuple[int, int]]:
        if radius == 0:
            yield row, column
            return
        for d_column in range(-radius, radius + 1):
            yield row - radius, column + d_column
            yield row + radius, column + d_column
        for d_row in range(-radius + 1, radius):
            yield row + d_row, column - radius
            yield row + d_row, column + radius

    def nearest(self, latitude: float, longitude: float) -> Nearest[KeyT] | None:
        if not self._points:
            return None
        row, column = self._cell(latitude, longitude)
        low_row, high_row, low_column, high_column = self._bounds
        last_ring = max(
            abs(row - low_row),
            abs(row - high_row),
            abs(column - low_column),
            abs(column - high_column),
        )
        best: Nearest[KeyT] | None = None
        for radius in range(last_ring + 1):
            for cell in self._ring(row, column, radius):
                for point in self._cells.get(cell, ()):
                    distance = haversine_m(latitude, longitude, point.latitude, point.longitude)
                    if best is None or distance < best.distance_m:
                        best = Nearest(point.key, distance)
            # Unsearched points are > radius × cell_m away; 1 % slack absorbs the difference
            # between a parallel of latitude and the great circle.
            if best is not None and best.distance_m <= radius * self.cell_m * 0.99:
                break
        return best
