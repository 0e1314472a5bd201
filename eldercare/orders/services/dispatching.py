"""Choosing and assigning the caregiver of an order.

Who can take an order is decided here (`why_not`, rule by rule) and in `candidates` (the same
rules as one SQL statement for proposals; tests hold the two to each other) and nowhere else:
same provider, staff member and provider both ACTIVE (a suspended or blacklisted one never),
skilled for the item, working area containing the resident's village, an availability window
covering the visit, and no overlapping active assignment. The database repeats the last two guarantees that matter under concurrency (one active
assignment per order; no overlapping active assignments per caregiver, see migration 0001).
"""

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from eldercare.accounts.access import Action
from eldercare.orders import rules
from eldercare.orders.errors import DispatchError
from eldercare.orders.models import Assignment, Order
from eldercare.orders.services.candidates import FreeCaregiver, free_caregivers, visit_window
from eldercare.orders.services.common import enter, finish, lock_visible, now
from eldercare.orders.services.placing import MAX_WINDOW
from eldercare.providers.models import (
    ProviderStatus,
    StaffAvailability,
    StaffMember,
    StaffSkill,
    StaffStatus,
)
from eldercare.regions.codes import ancestor_codes


@dataclass(frozen=True)
class Proposal:
    staff: StaffMember
    distance_m: float | None
    load: int
    rank: int


def _overlapping(order: Order) -> QuerySet[Assignment]:
    # Windows are at most MAX_WINDOW long, so an overlapping one starts after this bound: the
    # range scan on starts_at stays short.
    return Assignment.objects.filter(
        is_active=True,
        starts_at__lt=order.ends_at,
        starts_at__gt=order.starts_at - MAX_WINDOW,
        ends_at__gt=order.starts_at,
    ).exclude(order=order)


def propose(order: Order, *, limit: int = 10) -> list[Proposal]:
    """The best caregivers for the order (rules.rank: nearest kilometre band, then fewest
    assignments that day, then nearest).

    The database returns the eligible, free caregivers nearest-first (candidates.free_caregivers),
    first only those based within boxes of BOX_RADII_M around the address, then a growing batch
    of all of them; each batch is ranked exactly in Python, and only bands the batch covers
    completely are trusted, so the choice equals ranking every candidate while reading a few
    dozen rows.
    """
    point = order.point()
    read: dict[int, StaffMember] = {}

    def ranked(rows: list[FreeCaregiver]) -> list[rules.Ranked]:
        read.update((row.staff.pk, row.staff) for row in rows)
        return rules.rank([row.candidate for row in rows], point)

    def proposals(best: list[rules.Ranked]) -> list[Proposal]:
        return [
            Proposal(read[r.candidate.staff_id], r.distance_m, r.candidate.load, position)
            for position, r in enumerate(best[:limit], start=1)
        ]

    if point is None:
        return proposals(ranked(free_caregivers(order)))
    batch = max(5 * limit, 50)
    # First boxes around the address: usually every candidate the choice needs is in them.
    trusted: list[rules.Ranked] = []
    for radius in BOX_RADII_M:
        rows = free_caregivers(order, near=point, within_m=radius, limit=batch)
        candidates = ranked(rows)
        # Every caregiver nearer than `reach` has been read: the bands below it are complete.
        reach = radius if len(rows) < batch else _farthest(candidates)
        trusted = [r for r in candidates if r.band < rules.complete_bands_below(reach)]
        if len(trusted) >= limit:
            return proposals(trusted)
    while len(trusted) < limit:
        rows = free_caregivers(order, near=point, limit=batch)
        candidates = ranked(rows)
        if len(rows) < batch:
            trusted = candidates
            break
        complete = rules.complete_bands_below(_farthest(candidates))
        trusted = [r for r in candidates if r.band < complete]
        batch *= 4
    return proposals(trusted)


# The search boxes, nearest first; farther caregivers are only read when too few are inside.
BOX_RADII_M = (3_000.0, 10_000.0)


def _farthest(ranked: list[rules.Ranked]) -> float:
    return max(rules.UNKNOWN_DISTANCE_M if r.distance_m is None else r.distance_m for r in ranked)


def why_not(order: Order, caregiver: StaffMember) -> str | None:
    """The first rule `caregiver` fails for `order`, in words; None when they may take it."""
    window = visit_window(order)
    if caregiver.provider_id != order.provider_id:
        return f"{caregiver.name} 不是该订单服务机构的人员"
    if caregiver.provider.status != ProviderStatus.ACTIVE:
        return f"服务机构状态为“{caregiver.provider.get_status_display()}”，不能派单"
    if caregiver.status != StaffStatus.ACTIVE:
        return f"{caregiver.name} 的状态为“{caregiver.get_status_display()}”，不能派单"
    if caregiver.region_code not in ancestor_codes(order.region_code):
        return f"{caregiver.name} 的工作区域不包括老人所在村（社区）"
    if not StaffSkill.objects.filter(staff=caregiver, item_id=order.item_id).exists():
        return f"{caregiver.name} 没有“{order.item.name}”的服务技能"
    if not StaffAvailability.objects.filter(
        staff=caregiver,
        weekday=window.weekday,
        starts_at__lte=window.start,
        ends_at__gte=window.end,
    ).exists():
        return f"{caregiver.name} 在该时段不在可服务时间内"
    clash = _overlapping(order).filter(caregiver=caregiver).select_related("order").first()
    if clash is not None:
        return f"{caregiver.name} 在该时段已有订单 {clash.order.number}"
    return None


def dispatch_order(
    *, actor: Any, order: Order, caregiver: StaffMember | None = None, reassign: bool = False
) -> Order:
    """Assign `caregiver` (or the best proposal) to an accepted order, or with `reassign` give a
    dispatched one to someone else before the visit starts. Two dispatchers of one order never
    both win: the second finds it dispatched (a reassignment must be asked for explicitly).
    DispatchError says why a caregiver cannot take it."""
    transition = "reassign" if reassign else "dispatch"
    with transaction.atomic():
        locked = lock_visible(actor, Action.DISPATCH_ORDERS, order)
        before, after = enter(locked, transition, "改派" if reassign else "派单")
        if caregiver is None:
            proposals = propose(locked, limit=1)
            if not proposals:
                raise DispatchError(
                    "没有符合条件的护理员（技能、时段、区域、状态）", code="no_caregiver"
                )
            caregiver = proposals[0].staff
        # The caregiver's row lock serialises dispatchers of one caregiver, so the overlap check
        # below sees the other's committed assignment (two concurrent inserts checked against
        # each other by the exclusion constraint could otherwise deadlock on PostgreSQL).
        fresh = (
            StaffMember.objects.select_for_update(of=("self",))
            .select_related("provider")
            .get(pk=caregiver.pk)
        )
        if transition == "reassign" and fresh.pk == locked.caregiver_id:
            raise DispatchError(f"订单已派给 {fresh.name}", code="same_caregiver")
        problem = why_not(locked, fresh)
        if problem:
            raise DispatchError(problem, code="not_assignable")
        previous = locked.caregiver
        locked.assignments.filter(is_active=True).update(is_active=False)
        try:
            with transaction.atomic():
                Assignment.objects.create(
                    order=locked,
                    caregiver=fresh,
                    starts_at=locked.starts_at,
                    ends_at=locked.ends_at,
                    assigned_by=actor,
                )
        except IntegrityError as error:
            # A concurrent dispatch won the caregiver's time or the order (database guarantee).
            raise DispatchError(
                f"{fresh.name} 在该时段已被派给其他订单，或该订单已派单", code="conflict"
            ) from error
        locked.caregiver, locked.status, locked.dispatched_at = fresh, after, now()
        finish(
            actor,
            locked,
            transition,
            before,
            comment=fresh.name,
            detail={"caregiver": fresh.pk, "previous": previous.pk if previous else None},
        )
    return locked


__all__ = ["Proposal", "dispatch_order", "propose", "why_not"]
