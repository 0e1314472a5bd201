"""A small service market on the `world`: one provider serving county A with a cleaning item and
a meal item, three caregivers (one is the world's caregiver login), the world's provider manager
tied to the provider, and a clock fixed on Monday 2026-11-16 08:00 in Shanghai."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from eldercare.accounts.models import Role, User
from eldercare.catalogue.models import ServiceItem
from eldercare.entitlements import ledger
from eldercare.entitlements.models import FundSource
from eldercare.orders import services
from eldercare.orders.models import Order
from eldercare.providers.models import (
    Provider,
    ProviderArea,
    ProviderPrice,
    StaffAvailability,
    StaffMember,
    StaffSkill,
)
from eldercare.registry.models import Resident
from tests import factories
from tests.conftest import World

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 16, 8, 0, tzinfo=SHANGHAI)  # a Monday
HOME = (Decimal("26.420000"), Decimal("111.610000"))  # the resident's house


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


_numbers = iter(range(1, 10_000))


def staff(
    provider: Provider,
    name: str,
    *,
    region_code: str,
    items: tuple[ServiceItem, ...],
    base: tuple[str, str] | None = None,
    user: User | None = None,
    hours: tuple[time, time] = (time(8), time(18)),
    kind: str = "caregiver",
) -> StaffMember:
    member = StaffMember.objects.create(
        provider=provider,
        user=user,
        name=name,
        id_number=factories.id_number(date(1980, 1, 1), serial=next(_numbers)),
        kind=kind,
        region_code=region_code,
        base_latitude=Decimal(base[0]) if base else None,
        base_longitude=Decimal(base[1]) if base else None,
    )
    for item in items:
        StaffSkill.objects.create(staff=member, item=item)
    for weekday in range(7):
        StaffAvailability.objects.create(
            staff=member, weekday=weekday, starts_at=hours[0], ends_at=hours[1]
        )
    return member


@dataclass
class Shop:
    world: World
    clock: Any
    provider: Provider
    cleaning: ServiceItem
    meal: ServiceItem
    near: StaffMember  # the world's caregiver login, 300 m from HOME
    far: StaffMember  # 5 km away
    other: StaffMember  # no cleaning skill
    manager: User
    caregiver: User
    worker: User
    operator: User
    resident: Resident
    extras: dict[str, Any] = field(default_factory=dict)

    def place(self, **overrides: Any) -> Order:
        data = {
            "starts_at": at(17, 9),
            "ends_at": at(17, 11),
            "address": "零陵区多福社区 3 栋 201",
            "latitude": HOME[0],
            "longitude": HOME[1],
            "requested_by": "resident",
        }
        actor = overrides.pop("actor", self.worker)
        resident = overrides.pop("resident", self.resident)
        item = overrides.pop("item", self.cleaning)
        provider = overrides.pop("provider", self.provider)
        data.update(overrides)
        return services.place_order(
            actor=actor, resident=resident, provider=provider, item=item, data=data
        )

    def advance(self, order: Order, state: str, **kwargs: Any) -> Order:
        """Walk the order along the happy path up to `state`."""
        path = ["accepted", "dispatched", "in_service", "completed", "rated"]
        for step in path[: path.index(state) + 1]:
            if order.status == step:
                continue
            order = self._step(order, step, **kwargs)
        return order

    def _step(self, order: Order, step: str, **kwargs: Any) -> Order:
        if step == "accepted":
            return services.accept_order(actor=self.manager, order=order)
        if step == "dispatched":
            return services.dispatch_order(
                actor=self.manager, order=order, caregiver=kwargs.get("caregiver", self.near)
            )
        if step == "in_service":
            self.clock.move_to(order.starts_at + timedelta(minutes=5))
            return services.check_in(
                actor=self.caregiver, order=order, latitude=HOME[0], longitude=HOME[1]
            )
        if step == "completed":
            self.clock.move_to(order.starts_at + timedelta(minutes=95))
            return services.check_out(
                actor=self.caregiver, order=order, work_done="打扫客厅和厨房", notes=""
            )
        return services.rate_order(actor=self.worker, order=order, rating=5, comment="很好")

    def fund_resident(self, amount_fen: int, items: list[str] | None = None) -> None:
        admin = self.world.user(Role.COUNTY_ADMIN)
        fund = ledger.open_fund(
            actor=admin,
            region_code=self.world.county_a,
            source=FundSource.WELFARE_LOTTERY,
            name="福彩公益金2026",
            allows_negative=True,
        )
        ledger.credit_resident(
            actor=admin,
            resident=self.resident,
            fund=fund,
            amount_fen=amount_fen,
            month=date(2026, 11, 1),
            items=items,
            expires_on=date(2026, 12, 31),
            reference=f"credit:{self.resident.pk}:{amount_fen}:{items}",
        )


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def build_shop(world: World, clock: Any) -> Shop:
    provider = Provider.objects.create(
        region_code=world.county_a,
        name="零陵区颐康居家服务中心",
        credit_code="91431102MA4L000001",
        kind="enterprise",
    )
    ProviderArea.objects.create(provider=provider, region_code=world.county_a)
    cleaning = ServiceItem.objects.create(
        code="ZJ-901", name="居家保洁", category="cleaning", unit="visit", minimum_minutes=90
    )
    meal = ServiceItem.objects.create(code="ZC-901", name="上门送餐", category="meal", unit="meal")
    ProviderPrice.objects.create(
        provider=provider, item=cleaning, price_fen=5_000, effective_from=date(2026, 1, 1)
    )
    ProviderPrice.objects.create(
        provider=provider, item=cleaning, price_fen=6_000, effective_from=date(2026, 11, 20)
    )
    ProviderPrice.objects.create(
        provider=provider, item=meal, price_fen=1_500, effective_from=date(2026, 1, 1)
    )
    caregiver_user = world.user(Role.CAREGIVER)
    manager = world.user(Role.PROVIDER_MANAGER)
    near = staff(
        provider,
        "李护理",
        region_code=world.township_a,
        items=(cleaning, meal),
        base=("26.422000", "111.611000"),
        user=caregiver_user,
    )
    far = staff(
        provider, "王护理", region_code=world.county_a, items=(cleaning,), base=("26.460", "111.61")
    )
    other = staff(provider, "赵送餐", region_code=world.county_a, items=(meal,), base=None)
    staff(provider, "钱经理", region_code=world.county_a, items=(), user=manager, kind="manager")
    operator = factories.user("operator", Role.CALL_OPERATOR, world.county_a)
    return Shop(
        world=world,
        clock=clock,
        provider=provider,
        cleaning=cleaning,
        meal=meal,
        near=near,
        far=far,
        other=other,
        manager=manager,
        caregiver=caregiver_user,
        worker=world.user(Role.VILLAGE_WORKER),
        operator=operator,
        resident=factories.resident(world.village_a, name="张奶奶", sex="F"),
    )


@pytest.fixture
def shop(world: World, clock: Any) -> Shop:
    return build_shop(world, clock)
