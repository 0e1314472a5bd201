"""The hand-written candidate search (services/candidates.py) against why_not, rule by rule.

A seeded random market — staff of two providers with every status, working areas from village to
another county, random skills, weekly hours and bases, existing assignments — and orders at
random items, villages and windows: the search must return exactly the staff why_not accepts,
with each one's active assignments that day as the load.
"""

import random
from collections import Counter
from datetime import time, timedelta

import pytest
from django.utils import timezone

from eldercare.orders import services
from eldercare.orders.models import Assignment, Order
from eldercare.orders.services.candidates import free_caregivers
from eldercare.providers.models import (
    Provider,
    ProviderArea,
    ProviderStatus,
    StaffAvailability,
    StaffMember,
    StaffStatus,
)
from tests.orders.conftest import HOME, Shop, at, staff


def _market(shop: Shop, rng: random.Random) -> None:
    rival = Provider.objects.create(
        region_code=shop.world.county_a,
        name="另一家服务机构",
        credit_code="91431102MA4L000028",
        kind="enterprise",
    )
    ProviderArea.objects.create(provider=rival, region_code=shop.world.county_a)
    w = shop.world
    areas = [w.county_a, w.township_a, w.village_a, w.village_a2, w.township_a_other, w.county_b]
    for n in range(60):
        member = staff(
            shop.provider if n % 6 else rival,
            f"护理员{n}",
            region_code=rng.choice(areas),
            items=tuple(rng.sample([shop.cleaning, shop.meal], rng.randint(0, 2))),
            base=None
            if n % 9 == 0
            else (
                f"{26.42 + rng.uniform(-0.1, 0.1):.6f}",
                f"{111.61 + rng.uniform(-0.1, 0.1):.6f}",
            ),
            hours=(time(rng.choice((7, 8, 10))), time(rng.choice((12, 17, 20)))),
        )
        StaffAvailability.objects.filter(
            staff=member, weekday__in=rng.sample(range(7), rng.randint(0, 3))
        ).delete()
        if n % 7 == 0:
            member.status = rng.choice(
                [StaffStatus.SUSPENDED, StaffStatus.BLACKLISTED, StaffStatus.LEFT]
            )
            member.save()


def _random_order(shop: Shop, rng: random.Random) -> Order:
    start = at(rng.choice((17, 18, 19)), rng.randint(7, 17), rng.choice((0, 30)))
    return services.accept_order(
        actor=shop.manager,
        order=shop.place(
            actor=shop.operator,
            item=rng.choice([shop.cleaning, shop.meal]),
            resident=rng.choice(shop.extras["residents"]),
            starts_at=start,
            ends_at=start + timedelta(minutes=rng.choice((60, 90, 150))),
        ),
    )


def _day_loads(order: Order) -> Counter[int]:
    day = timezone.localtime(order.starts_at).date()
    return Counter(
        row.caregiver_id
        for row in Assignment.objects.filter(is_active=True)
        if timezone.localtime(row.starts_at).date() == day
    )


@pytest.mark.parametrize("seed", range(3))
def test_the_search_returns_exactly_whom_why_not_accepts(shop: Shop, seed: int) -> None:
    from tests import factories

    rng = random.Random(seed)
    shop.extras["residents"] = [
        shop.resident,
        factories.resident(shop.world.village_a2, name="刘爷爷", sex="M"),
    ]
    _market(shop, rng)
    everyone = list(StaffMember.objects.select_related("provider"))
    for _ in range(25):  # existing work, dispatched through the service
        busy = _random_order(shop, rng)
        free = [m for m in everyone if services.why_not(busy, m) is None]
        if free:
            services.dispatch_order(actor=shop.manager, order=busy, caregiver=rng.choice(free))
    seen_found, seen_load = 0, 0
    for _ in range(12):
        order = _random_order(shop, rng)
        expected = {m.pk for m in everyone if services.why_not(order, m) is None}
        found = free_caregivers(order)
        assert sorted(row.staff.pk for row in found) == sorted(expected)  # each once
        loads = _day_loads(order)
        assert {row.staff.pk: row.candidate.load for row in found} == {
            pk: loads[pk] for pk in expected
        }
        seen_found += len(found)
        seen_load += sum(row.candidate.load for row in found)
        point = (float(HOME[0]), float(HOME[1]))
        nearest = free_caregivers(order, near=point, limit=5)
        assert [row.staff.pk for row in nearest] == [
            row.staff.pk for row in sorted(found, key=lambda r: _squared(r, point))
        ][:5]
    assert seen_found > 12 and seen_load > 0  # the world is not trivially empty


def _squared(row: object, point: tuple[float, float]) -> tuple[float, int]:
    from eldercare.orders import rules

    candidate = row.candidate  # type: ignore[attr-defined]
    if candidate.latitude is None:
        return (float("inf"), candidate.staff_id)
    d_lng = (candidate.longitude - point[1]) * rules.flat_scale(point[0])
    return ((candidate.latitude - point[0]) ** 2 + d_lng**2, candidate.staff_id)


def test_nothing_is_found_for_a_provider_that_is_not_active(shop: Shop) -> None:
    order = services.accept_order(actor=shop.manager, order=shop.place())
    assert free_caregivers(order)
    for status in (ProviderStatus.SUSPENDED, ProviderStatus.BLACKLISTED):
        Provider.objects.filter(pk=shop.provider.pk).update(status=status)
        assert free_caregivers(order) == []
        assert services.propose(order) == []


def test_the_box_keeps_only_caregivers_based_inside_it(shop: Shop) -> None:
    order = services.accept_order(actor=shop.manager, order=shop.place())
    point = (float(HOME[0]), float(HOME[1]))
    # `near` is 300 m from the house, `far` 4.4 km north.
    inside = free_caregivers(order, near=point, within_m=3_000)
    assert [row.staff for row in inside] == [shop.near]
    wider = free_caregivers(order, near=point, within_m=10_000)
    assert [row.staff for row in wider] == [shop.near, shop.far]
