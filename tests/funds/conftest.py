"""Fund books on the shared `world`: a county's central subsidy and helpers to allocate and
spend, plus the consistency check every test of the books ends with."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Sum

from eldercare.accounts.models import Role, User
from eldercare.funds import rules, services
from eldercare.funds.models import Allocation, Expenditure, Source
from tests.conftest import World

DAY = date(2020, 3, 1)


def source_input(region_code: str, amount_fen: int = 1_000_000, **extra: Any) -> rules.SourceInput:
    values: dict[str, Any] = {
        "region_code": region_code,
        "kind": "central",
        "year": 2020,
        "name": "中央财政居家和社区养老服务改革试点补助资金",
        "amount_fen": amount_fen,
        "received_on": DAY,
        "document_no": "财社〔2020〕1号",
    }
    values.update(extra)
    return rules.SourceInput(**values)


def allocation_input(region_code: str, amount_fen: int, **extra: Any) -> rules.AllocationInput:
    values: dict[str, Any] = {
        "region_code": region_code,
        "amount_fen": amount_fen,
        "allocated_on": date(2020, 4, 1),
    }
    values.update(extra)
    return rules.AllocationInput(**values)


def expenditure_input(amount_fen: int, **extra: Any) -> rules.ExpenditureInput:
    values: dict[str, Any] = {
        "amount_fen": amount_fen,
        "spent_on": date(2020, 5, 10),
        "payee": "零陵区康乐养老服务中心",
        "purpose": "日间照料中心设备采购",
        "voucher_no": "记-0001",
    }
    values.update(extra)
    return rules.ExpenditureInput(**values)


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Books:
    world: World
    admin: User
    source: Source
    allocation: Allocation

    def allocate(self, amount_fen: int, **extra: Any) -> Allocation:
        return services.allocate(
            actor=self.admin,
            source=self.source,
            data=allocation_input(
                extra.pop("region_code", self.world.township_a), amount_fen, **extra
            ),
        )

    def spend(
        self, amount_fen: int, allocation: Allocation | None = None, **extra: Any
    ) -> Expenditure:
        return services.spend(
            actor=self.admin,
            allocation=allocation or self.allocation,
            data=expenditure_input(amount_fen, **extra),
            vouchers=extra.pop("vouchers", ()),
        )


@pytest.fixture
def books(world: World) -> Books:
    """10,000 yuan of central subsidy at county A, 4,000 of it allocated to township A."""
    admin = world.user(Role.COUNTY_ADMIN)
    source = services.create_source(actor=admin, data=source_input(world.county_a))
    allocation = services.allocate(
        actor=admin, source=source, data=allocation_input(world.township_a, 400_000)
    )
    return Books(world, admin, source, allocation)


def assert_consistent() -> None:
    """Every maintained total equals the sum of its entries; every reversal mirrors its original."""
    for source in Source.objects.all():
        allocated = (
            Allocation.objects.filter(source=source).aggregate(t=Sum("amount_fen"))["t"] or 0
        )
        assert source.allocated_fen == allocated, source
        reversed_ = Source.objects.filter(reverses=source).exists()
        expected_net = 0 if (reversed_ or source.reverses_id) else source.amount_fen
        assert source.net_fen == expected_net, source
    for allocation in Allocation.objects.all():
        spent = (
            Expenditure.objects.filter(allocation=allocation).aggregate(t=Sum("amount_fen"))["t"]
            or 0
        )
        assert allocation.spent_fen == spent, allocation
        reversed_ = Allocation.objects.filter(reverses=allocation).exists()
        expected_net = 0 if (reversed_ or allocation.reverses_id) else allocation.amount_fen
        assert allocation.net_fen == expected_net, allocation
    for model in (Source, Allocation, Expenditure):
        for reversal in model.objects.filter(reverses__isnull=False).select_related("reverses"):
            assert reversal.amount_fen == -reversal.reverses.amount_fen
            assert reversal.reason
