"""Pure rules of the order lifecycle and the visit checks (no Django import: import-linter).

The state machine, the subsidy/self-pay split, distances, the visit flags and the callback draw.
"""

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from eldercare.core.geo import haversine_m

# Status values mirror models.OrderStatus; kept as plain strings so this module stays pure.
NEW, ACCEPTED, DISPATCHED, IN_SERVICE = "new", "accepted", "dispatched", "in_service"
COMPLETED, RATED, CANCELLED, REFUSED = "completed", "rated", "cancelled", "refused"

# transition name → (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "accept": (frozenset({NEW}), ACCEPTED),
    "refuse": (frozenset({NEW, ACCEPTED}), REFUSED),
    "dispatch": (frozenset({ACCEPTED}), DISPATCHED),
    # Another caregiver before the visit starts (sick, blocked): the old assignment ends.
    "reassign": (frozenset({DISPATCHED}), DISPATCHED),
    "check_in": (frozenset({DISPATCHED}), IN_SERVICE),
    "check_out": (frozenset({IN_SERVICE}), COMPLETED),
    "rate": (frozenset({COMPLETED}), RATED),
    "cancel": (frozenset({NEW, ACCEPTED, DISPATCHED}), CANCELLED),
}


def target_of(transition: str, current: str) -> str | None:
    """The state `transition` leads to from `current`, or None when it is not allowed."""
    sources, target = TRANSITIONS[transition]
    return target if current in sources else None


def split_payment(price_fen: int, usable_credit_fen: int) -> tuple[int, int]:
    """(subsidy, self-pay): the credit pays as much as it can, the resident the rest, to the fen."""
    if price_fen < 0 or usable_credit_fen < 0:
        raise ValueError("amounts cannot be negative")
    subsidy = min(price_fen, usable_credit_fen)
    return subsidy, price_fen - subsidy


@dataclass(frozen=True)
class VisitCheck:
    kind: str  # a models.FlagKind value
    detail: str


def check_in_flags(
    *,
    order_point: tuple[float, float] | None,
    gps: tuple[float, float] | None,
    radius_m: int,
    at: datetime,
    window_start: datetime,
    window_end: datetime,
) -> tuple[int | None, list[VisitCheck]]:
    """The check-in distance (None when unknown) and what a supervisor should look at."""
    flags: list[VisitCheck] = []
    distance: int | None = None
    if order_point is None or gps is None:
        what = "订单没有坐标" if order_point is None else "签到未提供定位"
        flags.append(VisitCheck("unverifiable_location", f"{what}，无法核验签到位置"))
    else:
        distance = round(haversine_m(*order_point, *gps))
        if distance > radius_m:
            flags.append(
                VisitCheck("far_check_in", f"签到位置距服务地址 {distance} 米，超过 {radius_m} 米")
            )
    if not (window_start <= at <= window_end):
        flags.append(VisitCheck("late", f"签到时间 {at:%H:%M} 不在预约时段内"))
    return distance, flags


def short_visit_flag(
    *, minutes: float, standard_minutes: int | None, share: Decimal
) -> VisitCheck | None:
    """A visit shorter than `share` of the item's standard duration (no standard: no check)."""
    if not standard_minutes:
        return None
    needed = float(share) * standard_minutes
    if minutes >= needed:
        return None
    return VisitCheck(
        "short_visit",
        f"服务 {minutes:.0f} 分钟，少于标准 {standard_minutes} 分钟的 {float(share):.0%}",
    )


def draw_sample(order_ids: Sequence[int], size: int, seed: str) -> list[int]:
    """`size` ids drawn without replacement; the same ids and seed always give the same draw."""
    population = sorted(order_ids)
    if size >= len(population):
        return population
    return sorted(random.Random(seed).sample(population, size))


@dataclass(frozen=True)
class Candidate:
    staff_id: int
    latitude: float | None
    longitude: float | None
    load: int  # assignments already held on the order's day


@dataclass(frozen=True)
class Ranked:
    candidate: Candidate
    distance_m: float | None
    band: int


# Distances are compared in whole bands of this many metres; within a band the caregiver with
# fewer assignments that day goes first (load balancing), then the nearer one.
BAND_M = 1_000
# A caregiver without a base location (or an order without coordinates) is ranked as this far.
UNKNOWN_DISTANCE_M = 50_000.0


def rank_key(ranked: Ranked) -> tuple[int, int, float, int]:
    distance = UNKNOWN_DISTANCE_M if ranked.distance_m is None else ranked.distance_m
    return (ranked.band, ranked.candidate.load, distance, ranked.candidate.staff_id)


def rate(candidate: Candidate, point: tuple[float, float] | None) -> Ranked:
    distance = None
    if point is not None and candidate.latitude is not None and candidate.longitude is not None:
        distance = haversine_m(point[0], point[1], candidate.latitude, candidate.longitude)
    band = int((UNKNOWN_DISTANCE_M if distance is None else distance) // BAND_M)
    return Ranked(candidate, distance, band)


def rank(candidates: Sequence[Candidate], point: tuple[float, float] | None) -> list[Ranked]:
    """Nearest band first; within a band fewest assignments that day, then nearest, then id."""
    return sorted((rate(c, point) for c in candidates), key=rank_key)


def flat_scale(latitude: float) -> float:
    """cos(latitude): longitude degrees shrink by it, for the equirectangular approximation
    the database orders by (squared degrees, no square root or trigonometry needed in SQL)."""
    return math.cos(math.radians(latitude))


def complete_bands_below(farthest_fetched_m: float) -> int:
    """When candidates were fetched nearest-first up to `farthest_fetched_m` (by the
    approximation), every band below this one is complete. The margin covers the difference
    between the approximation and the haversine distance (far below 0.1 % at county scale)."""
    return int(farthest_fetched_m * 0.999 // BAND_M)
