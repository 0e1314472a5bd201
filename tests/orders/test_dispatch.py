"""Choosing the caregiver: every rule, every blacklist path, ranking, and the database guarantee."""

from datetime import time

import pytest
from django.db import IntegrityError, transaction
from django.http import Http404

from eldercare.orders import services
from eldercare.orders.errors import DispatchError
from eldercare.orders.models import Assignment
from eldercare.providers.models import BlacklistEntry, StaffAvailability, StaffMember
from tests.orders.conftest import Shop, at, staff


def test_proposals_are_ranked_nearest_first_and_only_skilled(shop: Shop) -> None:
    order = services.accept_order(actor=shop.manager, order=shop.place())
    proposals = services.propose(order)
    assert [p.staff for p in proposals] == [shop.near, shop.far]  # `other` cannot clean
    assert proposals[0].distance_m is not None and proposals[0].distance_m < 400
    assert 4_000 < proposals[1].distance_m < 5_000


def test_load_balances_between_equally_near_caregivers(shop: Shop) -> None:
    twin = staff(
        shop.provider,
        "孙护理",
        region_code=shop.world.township_a,
        items=(shop.cleaning,),
        base=("26.422000", "111.611000"),
    )
    first = services.accept_order(actor=shop.manager, order=shop.place())
    first = services.dispatch_order(actor=shop.manager, order=first)
    assert first.caregiver_id in (shop.near.pk, twin.pk)
    second = services.accept_order(
        actor=shop.manager, order=shop.place(starts_at=at(17, 14), ends_at=at(17, 15))
    )
    second = services.dispatch_order(actor=shop.manager, order=second)
    assert {first.caregiver_id, second.caregiver_id} == {shop.near.pk, twin.pk}


def test_without_order_coordinates_the_least_loaded_wins(shop: Shop) -> None:
    order = services.accept_order(
        actor=shop.manager, order=shop.place(latitude=None, longitude=None)
    )
    proposals = services.propose(order)
    assert {p.staff for p in proposals} == {shop.near, shop.far}
    assert all(p.distance_m is None for p in proposals)


def test_automatic_dispatch_picks_the_best(shop: Shop) -> None:
    order = services.accept_order(actor=shop.manager, order=shop.place())
    order = services.dispatch_order(actor=shop.manager, order=order)
    assert order.caregiver == shop.near
    assert Assignment.objects.get(order=order, is_active=True).caregiver == shop.near


def _accepted(shop: Shop, **kwargs: object):  # type: ignore[no-untyped-def]
    return services.accept_order(actor=shop.manager, order=shop.place(**kwargs))


@pytest.mark.parametrize("status", ["suspended", "blacklisted", "left"])
def test_a_blocked_staff_member_is_never_proposed_nor_assigned(shop: Shop, status: str) -> None:
    order = _accepted(shop)
    shop.far.status = status
    shop.far.save()
    assert shop.far not in [p.staff for p in services.propose(order)]
    with pytest.raises(DispatchError, match="不能派单"):
        services.dispatch_order(actor=shop.manager, order=order, caregiver=shop.far)
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("status", ["suspended", "blacklisted", "exited"])
def test_a_blocked_provider_cannot_have_anyone_assigned(shop: Shop, status: str) -> None:
    order = _accepted(shop)
    shop.provider.status = status
    shop.provider.save()
    assert services.propose(order) == []
    near = StaffMember.objects.select_related("provider").get(pk=shop.near.pk)
    assert "服务机构状态" in (services.why_not(order, near) or "")
    if (
        status == "suspended"
    ):  # its staff still work under it (to finish visits): the rule stops them
        with pytest.raises(DispatchError, match="服务机构状态"):
            services.dispatch_order(actor=shop.manager, order=order, caregiver=shop.near)
        with pytest.raises(DispatchError, match="没有符合条件的护理员"):
            services.dispatch_order(actor=shop.manager, order=order)
    else:  # it has left the market: its staff no longer see its orders at all
        with pytest.raises(Http404):
            services.dispatch_order(actor=shop.manager, order=order, caregiver=shop.near)
    assert not Assignment.objects.exists()


def test_blacklisting_after_dispatch_blocks_reassignment_to_them_and_their_visit(
    shop: Shop,
) -> None:
    order = services.dispatch_order(actor=shop.manager, order=_accepted(shop), caregiver=shop.far)
    BlacklistEntry.objects.create(
        region_code=shop.world.county_a,
        staff=shop.near,
        reason="虐待老人",
        decided_on=at(16, 8).date(),
        authority="零陵区民政局",
        decided_by=shop.world.user("county_admin"),
    )
    shop.near.status = "blacklisted"
    shop.near.save()
    with pytest.raises(DispatchError, match="列入黑名单"):
        services.dispatch_order(actor=shop.manager, order=order, caregiver=shop.near, reassign=True)
    order.refresh_from_db()
    assert order.caregiver == shop.far


def test_a_staff_member_of_another_provider_cannot_be_assigned(shop: Shop) -> None:
    from eldercare.providers.models import Provider

    rival = Provider.objects.create(
        region_code=shop.world.county_a,
        name="别家",
        credit_code="91431102MA4L000002",
        kind="enterprise",
    )
    stranger = staff(rival, "外人", region_code=shop.world.county_a, items=(shop.cleaning,))
    with pytest.raises(DispatchError, match="不是该订单服务机构的人员"):
        services.dispatch_order(actor=shop.manager, order=_accepted(shop), caregiver=stranger)


def test_skill_area_and_availability_are_required(shop: Shop) -> None:
    order = _accepted(shop)
    with pytest.raises(DispatchError, match="没有“居家保洁”的服务技能"):
        services.dispatch_order(actor=shop.manager, order=order, caregiver=shop.other)
    shop.far.region_code = shop.world.township_a_other
    shop.far.save()
    with pytest.raises(DispatchError, match="工作区域不包括"):
        services.dispatch_order(actor=shop.manager, order=order, caregiver=shop.far)
    StaffAvailability.objects.filter(staff=shop.near).update(starts_at=time(13), ends_at=time(18))
    with pytest.raises(DispatchError, match="不在可服务时间内"):
        services.dispatch_order(actor=shop.manager, order=order, caregiver=shop.near)
    assert services.propose(order) == []


def test_an_overlapping_assignment_is_refused_with_the_order_named(shop: Shop) -> None:
    first = services.dispatch_order(actor=shop.manager, order=_accepted(shop), caregiver=shop.near)
    second = _accepted(shop, starts_at=at(17, 10), ends_at=at(17, 12))
    with pytest.raises(DispatchError, match=first.number):
        services.dispatch_order(actor=shop.manager, order=second, caregiver=shop.near)
    assert [p.staff for p in services.propose(second)] == [shop.far]
    # Back to back is fine.
    third = _accepted(shop, starts_at=at(17, 11), ends_at=at(17, 12))
    assert services.dispatch_order(actor=shop.manager, order=third, caregiver=shop.near).pk


def test_reassignment_frees_the_first_caregiver(shop: Shop) -> None:
    order = services.dispatch_order(actor=shop.manager, order=_accepted(shop), caregiver=shop.near)
    order = services.dispatch_order(
        actor=shop.manager, order=order, caregiver=shop.far, reassign=True
    )
    assert order.caregiver == shop.far
    assert list(Assignment.objects.filter(is_active=True).values_list("caregiver", flat=True)) == [
        shop.far.pk
    ]
    with pytest.raises(DispatchError, match="已派给"):
        services.dispatch_order(actor=shop.manager, order=order, caregiver=shop.far, reassign=True)


def _row(shop: Shop, order_id: int, caregiver_id: int, start: int, end: int) -> Assignment:
    return Assignment.objects.create(
        order_id=order_id,
        caregiver_id=caregiver_id,
        starts_at=at(17, start),
        ends_at=at(17, end),
        assigned_by=shop.manager,
    )


def test_database_refuses_overlap_for_one_caregiver(shop: Shop) -> None:
    a, b = shop.place(), shop.place(starts_at=at(17, 10), ends_at=at(17, 12))
    _row(shop, a.pk, shop.near.pk, 9, 11)
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(shop, b.pk, shop.near.pk, 10, 12)
    _row(shop, b.pk, shop.far.pk, 10, 12)  # someone else: fine
    inactive = Assignment.objects.get(order=b)
    inactive.is_active = False
    inactive.save()
    _row(shop, b.pk, shop.near.pk, 11, 12)  # touching, not overlapping
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.filter(order=b, is_active=True).update(starts_at=at(17, 10))


def test_database_refuses_a_second_active_assignment_of_one_order(shop: Shop) -> None:
    a = shop.place()
    _row(shop, a.pk, shop.near.pk, 9, 11)
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(shop, a.pk, shop.far.pk, 9, 11)


def test_batched_proposals_equal_ranking_every_candidate(shop: Shop) -> None:
    """propose reads the nearest few dozen; the result must be what ranking all would give."""
    import random
    from collections import Counter

    from eldercare.orders import rules

    rng = random.Random(7)
    for n in range(120):
        staff(
            shop.provider,
            f"护理员{n}",
            region_code=shop.world.county_a,
            items=(shop.cleaning,),
            base=(
                f"{26.42 + rng.uniform(-0.08, 0.08):.6f}",
                f"{111.61 + rng.uniform(-0.08, 0.08):.6f}",
            ),
        )
    for hour in range(8, 16):
        busy = _accepted(shop, starts_at=at(17, hour), ends_at=at(17, hour + 1))
        services.dispatch_order(actor=shop.manager, order=busy)
    order = _accepted(shop, starts_at=at(17, 16), ends_at=at(17, 17))
    loads = Counter(Assignment.objects.values_list("caregiver_id", flat=True))
    # The oracle: why_not asked about every staff member, one rule at a time.
    everyone = rules.rank(
        [
            rules.Candidate(
                staff_id=member.pk,
                latitude=float(member.base_latitude) if member.base_latitude else None,
                longitude=float(member.base_longitude) if member.base_longitude else None,
                load=loads[member.pk],
            )
            for member in StaffMember.objects.select_related("provider")
            if services.why_not(order, member) is None
        ],
        (float(order.latitude), float(order.longitude)),
    )
    for limit in (1, 10, 50):
        proposed = services.propose(order, limit=limit)
        assert [p.staff.pk for p in proposed] == [r.candidate.staff_id for r in everyone[:limit]]
