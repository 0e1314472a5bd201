"""The caregivers free to take an order, nearest first, read by one hand-written SQL statement.

A dispatcher waits on this (issue 5: choosing among 10,000 caregivers, p95 < 20 ms). Built
through the ORM the same search was four queries and cost more Python time compiling them than
the database took running them; here the provider's status, the caregiver's rules, the overlap
with other assignments and the day's load are one statement, whose rows become the staff
members and their ranking inputs at once. The rules are the ones
`dispatching.why_not` explains one at a time; the tests hold both to the same cases and compare
this search with an ORM formulation of it.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from eldercare.core.geo import METRES_PER_DEGREE
from eldercare.orders import rules
from eldercare.orders.models import Assignment, Order
from eldercare.orders.services.placing import MAX_WINDOW
from eldercare.providers.models import (
    Provider,
    ProviderStatus,
    StaffAvailability,
    StaffMember,
    StaffSkill,
    StaffStatus,
)
from eldercare.regions.codes import ancestor_codes

# The engines' names of a double: base points are DECIMAL columns, distances are arithmetic.
_FLOAT_TYPE = {"postgresql": "double precision", "sqlite": "real"}


@dataclass(frozen=True)
class FreeCaregiver:
    staff: StaffMember
    candidate: rules.Candidate  # base point and the day's load, for rules.rank


@dataclass(frozen=True)
class VisitWindow:
    weekday: int
    start: time  # local wall-clock time, as availability is kept
    end: time
    day_start: datetime  # the local day of the visit, for the load count
    day_end: datetime


def visit_window(order: Order) -> VisitWindow:
    start, end = timezone.localtime(order.starts_at), timezone.localtime(order.ends_at)
    day_start = start.replace(hour=0, minute=0, second=0, microsecond=0)
    return VisitWindow(
        start.weekday(), start.time(), end.time(), day_start, day_start + timedelta(1)
    )


def free_caregivers(
    order: Order,
    *,
    near: tuple[float, float] | None = None,
    within_m: float | None = None,
    limit: int | None = None,
) -> list[FreeCaregiver]:
    """Caregivers of the order's provider (itself ACTIVE) who are ACTIVE, skilled for the item,
    working in an area containing the village, available for the whole window and without an
    overlapping active assignment; nearest to `near` first (squared equirectangular distance,
    unknown bases last), only those based within the square of half-side `within_m` around it
    when given, at most `limit`."""
    window = visit_window(order)
    ops, quote = connection.ops, connection.ops.quote_name
    staff, skill, availability, assignment, provider = (
        quote(model._meta.db_table)
        for model in (StaffMember, StaffSkill, StaffAvailability, Assignment, Provider)
    )
    float_type = _FLOAT_TYPE[connection.vendor]
    latitude = f"CAST(s.base_latitude AS {float_type})"
    longitude = f"CAST(s.base_longitude AS {float_type})"
    regions = ancestor_codes(order.region_code)
    at = ops.adapt_datetimefield_value
    clock = ops.adapt_timefield_value
    distance, distance_params = _squared_degrees_sql(latitude, longitude, near)
    sql = f"""
        SELECT s.*, {latitude} AS base_lat, {longitude} AS base_lng, {distance} AS d2,
            (SELECT COUNT(*) FROM {assignment} a
              WHERE a.caregiver_id = s.id AND a.is_active
                AND a.starts_at >= %s AND a.starts_at < %s) AS day_load
        FROM {skill} k JOIN {staff} s ON s.id = k.staff_id
        WHERE k.item_id = %s AND s.provider_id = %s AND s.status = %s
          AND s.region_code IN ({", ".join(["%s"] * len(regions))})
          AND EXISTS (SELECT 1 FROM {provider} p WHERE p.id = %s AND p.status = %s)
          AND EXISTS (SELECT 1 FROM {availability} v
                       WHERE v.staff_id = s.id AND v.weekday = %s
                         AND v.starts_at <= %s AND v.ends_at >= %s)
          AND NOT EXISTS (SELECT 1 FROM {assignment} a
                           WHERE a.caregiver_id = s.id AND a.is_active
                             AND a.starts_at < %s AND a.starts_at > %s AND a.ends_at > %s
                             AND a.order_id <> %s)"""
    params: list[object] = [
        *distance_params,
        at(window.day_start),
        at(window.day_end),
        order.item_id,
        order.provider_id,
        StaffStatus.ACTIVE.value,
        *regions,
        order.provider_id,
        ProviderStatus.ACTIVE.value,
        window.weekday,
        clock(window.start),
        clock(window.end),
        at(order.ends_at),
        # Windows are at most MAX_WINDOW long, so an overlapping one starts after this bound:
        # the index range scan on (caregiver, starts_at) stays short.
        at(order.starts_at - MAX_WINDOW),
        at(order.starts_at),
        order.pk,
    ]
    if near is not None and within_m is not None:
        box, box_params = _box_sql(near, within_m)
        sql += box
        params += box_params
    sql += " ORDER BY d2, s.id" if near is not None else " ORDER BY s.id"
    if limit is not None:
        sql += " LIMIT %s"
        params.append(limit)
    return [_free(member) for member in StaffMember.objects.raw(sql, params)]


def _free(member: StaffMember) -> FreeCaregiver:
    # The query's extra columns arrive as attributes; they are ranking inputs, not staff data.
    extra = member.__dict__
    candidate = rules.Candidate(
        staff_id=member.pk,
        latitude=extra.pop("base_lat"),
        longitude=extra.pop("base_lng"),
        load=extra.pop("day_load"),
    )
    del extra["d2"]
    return FreeCaregiver(member, candidate)


def _squared_degrees_sql(
    latitude: str, longitude: str, near: tuple[float, float] | None
) -> tuple[str, list[object]]:
    """(Δlat)² + (Δlng·cos lat)² in squared degrees; a caregiver without a base counts as
    UNKNOWN_DISTANCE_M away."""
    if near is None:
        return "0", []
    scale = rules.flat_scale(near[0])
    unknown = (rules.UNKNOWN_DISTANCE_M / METRES_PER_DEGREE) ** 2
    sql = (
        f"COALESCE(({latitude} - %s) * ({latitude} - %s)"
        f" + ({longitude} - %s) * %s * ({longitude} - %s) * %s, %s)"
    )
    return sql, [near[0], near[0], near[1], scale, near[1], scale, unknown]


def _box_sql(near: tuple[float, float], radius_m: float) -> tuple[str, list[object]]:
    """Caregivers based within the square around `near` (the base-point index answers it).
    Bounds are decimals so PostgreSQL compares them with the DECIMAL columns, index and all."""
    d_lat = radius_m / METRES_PER_DEGREE
    d_lng = d_lat / max(rules.flat_scale(near[0]), 0.05)
    bounds = (near[0] - d_lat, near[0] + d_lat, near[1] - d_lng, near[1] + d_lng)
    sql = (
        " AND s.base_latitude >= %s AND s.base_latitude <= %s"
        " AND s.base_longitude >= %s AND s.base_longitude <= %s"
    )
    return sql, [Decimal(f"{bound:.7f}") for bound in bounds]
