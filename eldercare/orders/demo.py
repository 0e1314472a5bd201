"""Demo orders for the demo provider (the one the `provider` login works for), called by
load_demo after load_demo_providers.

Three dozen orders in every state, past ones completed, rated, cancelled or refused, today's in
service, future ones new, accepted or dispatched; each with its history and, once dispatched, a
caregiver's assignment. Rows are written directly (a past visit cannot be placed through the
services, which only book windows still to come) under numbers DEMO0001…, so a second run finds
them and changes nothing. Completed demo orders are self-paid: the demo moves no subsidy money.
"""

from datetime import datetime, time, timedelta
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from eldercare.accounts.models import User
from eldercare.orders import rules
from eldercare.orders.models import Assignment, Channel, Order, OrderEvent, Requester
from eldercare.orders.services.placing import price_on
from eldercare.providers.models import Provider, ProviderPrice, StaffMember, StaffSkill, StaffStatus
from eldercare.regions.codes import subtree_range
from eldercare.registry.models import Resident

COUNT = 36
# state, day offset from today (negative: past)
PLAN = [
    (rules.RATED, -9),
    (rules.COMPLETED, -6),
    (rules.CANCELLED, -5),
    (rules.REFUSED, -4),
    (rules.IN_SERVICE, 0),
    (rules.DISPATCHED, 1),
    (rules.ACCEPTED, 2),
    (rules.NEW, 3),
    (rules.RATED, -2),
]
PATH = [rules.NEW, rules.ACCEPTED, rules.DISPATCHED, rules.IN_SERVICE, rules.COMPLETED, rules.RATED]
EVENT_OF = {
    rules.NEW: "place",
    rules.ACCEPTED: "accept",
    rules.DISPATCHED: "dispatch",
    rules.IN_SERVICE: "check_in",
    rules.COMPLETED: "check_out",
    rules.RATED: "rate",
}


def load_demo_orders(stdout: TextIO) -> None:
    """Idempotent; needs the demo providers (and the `provider` and `worker`-side logins)."""
    manager = User.objects.filter(username="provider").first()
    member = getattr(manager, "staff_member", None) if manager else None
    if manager is None or member is None:
        stdout.write("服务订单：没有演示服务机构（请先加载服务机构演示数据），跳过")
        return
    if Order.objects.filter(number__startswith="DEMO").exists():
        stdout.write("服务订单：演示订单已存在，跳过")
        return
    provider = member.provider
    area = provider.areas.order_by("region_code").first()
    if area is None:
        stdout.write("服务订单：演示服务机构没有服务区域，跳过")
        return
    low, high = subtree_range(area.region_code)
    residents = list(
        Resident.objects.filter(
            region_code__gte=low, region_code__lte=high, status="active"
        ).order_by("pk")[:12]
    )
    item_ids = ProviderPrice.objects.filter(provider=provider).values_list("item_id", flat=True)
    skills = list(
        StaffSkill.objects.filter(
            item_id__in=item_ids, staff__provider=provider, staff__status=StaffStatus.ACTIVE
        )
        .select_related("item", "staff")
        .order_by("item__code", "staff_id")
    )
    if not residents or not skills:
        stdout.write("服务订单：没有可用的老人或护理员技能，跳过")
        return
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    with transaction.atomic():
        for n in range(COUNT):
            state, offset = PLAN[n % len(PLAN)]
            skill = skills[n % len(skills)]
            resident = residents[n % len(residents)]
            day = today + timedelta(days=offset)
            # Each plan entry has its own day and each round its own hour: one slot per order,
            # so no caregiver is ever booked twice at once.
            starts = datetime.combine(day, time(8 + 2 * (n // len(PLAN))), tzinfo=tz)
            price = price_on(provider, skill.item, day)
            if price is None:
                continue
            order = _order(n, state, provider, resident, skill, starts, price, manager)
            _history(order, state, manager, skill.staff)
    stdout.write(f"服务订单：演示订单 {Order.objects.filter(number__startswith='DEMO').count()} 个")


def _order(
    n: int,
    state: str,
    provider: Provider,
    resident: Resident,
    skill: StaffSkill,
    starts: datetime,
    price: int,
    manager: User,
) -> Order:
    reached = PATH.index(state) if state in PATH else (1 if state == rules.REFUSED else 2)
    visited = state in PATH and reached >= PATH.index(rules.IN_SERVICE)
    done = state in (rules.COMPLETED, rules.RATED)
    order = Order.objects.create(
        number=f"DEMO{n + 1:04d}",
        resident=resident,
        region_code=resident.region_code,
        provider=provider,
        item=skill.item,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        address=f"{resident.name}家",
        price_fen=price,
        subsidy_fen=0 if done else None,
        self_pay_fen=price if done else None,
        channel=[Channel.WORKER, Channel.HOTLINE, Channel.PROVIDER][n % 3],
        requested_by=[Requester.RESIDENT, Requester.FAMILY][n % 2],
        requester_name="" if n % 2 == 0 else "家属",
        requester_phone="13800000000" if n % 3 == 1 else "",
        status=state,
        status_reason={rules.CANCELLED: "老人住院", rules.REFUSED: "该时段人手已满"}.get(state, ""),
        caregiver=skill.staff
        if (state in PATH and reached >= 2) or state == rules.CANCELLED
        else None,
        placed_by=manager,
        placed_at=starts - timedelta(days=2),
        check_in_at=starts + timedelta(minutes=5) if visited else None,
        check_in_distance_m=120 if visited else None,
        check_out_at=starts + timedelta(minutes=65) if done else None,
        completed_at=starts + timedelta(minutes=65) if done else None,
        work_done="按服务标准完成" if done else "",
        rating=5 - n % 2 if state == rules.RATED else None,
        rated_by=Requester.RESIDENT if state == rules.RATED else "",
    )
    if order.caregiver is not None:
        Assignment.objects.create(
            order=order,
            caregiver=order.caregiver,
            starts_at=order.starts_at,
            ends_at=order.ends_at,
            is_active=state != rules.CANCELLED,
            assigned_by=manager,
        )
    return order


def _history(order: Order, state: str, manager: User, caregiver: StaffMember) -> None:
    if state in PATH:
        steps = PATH[: PATH.index(state) + 1]
    else:
        steps = [rules.NEW, rules.ACCEPTED] + (
            [rules.DISPATCHED] if state == rules.CANCELLED else []
        )
        steps.append(state)
    previous = ""
    for step in steps:
        OrderEvent.objects.create(
            order=order,
            kind=EVENT_OF.get(step, "cancel" if step == rules.CANCELLED else "refuse"),
            from_status=previous,
            to_status=step,
            actor=manager,
            actor_name=caregiver.name
            if step in (rules.IN_SERVICE, rules.COMPLETED)
            else manager.username,
            comment=order.status_reason if step == state else "",
        )
        previous = step
