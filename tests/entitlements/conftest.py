"""Ledger test data: funds, providers and residents in the `world`, a frozen clock, and the
invariants every ledger state must satisfy (`assert_consistent`) and a "nothing changed" probe
(`snapshot`)."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import Count, F, Q, Sum

from eldercare.accounts.models import Role, User
from eldercare.core.models import AuditEvent
from eldercare.entitlements import ledger
from eldercare.entitlements.models import (
    AccountKind,
    CreditLot,
    FundSource,
    LedgerAccount,
    LedgerEntry,
    Transfer,
)
from eldercare.registry.models import Resident
from tests import factories
from tests.conftest import World

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 16, 10, 0, tzinfo=SHANGHAI)
NOVEMBER = date(2026, 11, 1)
NOVEMBER_END = date(2026, 11, 30)
MEAL, BATH = "meal", "bath"  # catalogue service categories
MEAL_ITEM, BATH_ITEM, CLEAN_ITEM = "ZC-001", "ZY-001", "ZJ-001"


@dataclass
class Ledger:
    world: World
    admin: User  # county admin of county A: manages funds, runs entitlements
    admin_b: User  # county admin of county B
    approver: User  # city admin: may approve corrections
    county_fund: LedgerAccount  # 县级财政, budget loaded: cannot go negative
    lottery_fund: LedgerAccount  # 福彩公益金, pays first and settles later: may go negative
    fund_b: LedgerAccount  # county B's fund
    provider: LedgerAccount
    provider_2: LedgerAccount
    resident: Resident  # village A
    resident_2: Resident  # another township of county A
    resident_b: Resident  # county B

    def credit(
        self,
        resident: Resident | None = None,
        amount_fen: int = 6_000,
        *,
        items: Sequence[str] | None = None,
        month: date = NOVEMBER,
        expires_on: date = NOVEMBER_END,
        reference: str | None = None,
        fund: LedgerAccount | None = None,
        actor: User | None = None,
    ) -> Transfer:
        resident = resident or self.resident
        return ledger.credit_resident(
            actor=actor or self.admin,
            resident=resident,
            fund=fund or self.county_fund,
            amount_fen=amount_fen,
            month=month,
            items=items,
            expires_on=expires_on,
            reference=reference or f"credit:{month:%Y-%m}:resident:{resident.pk}",
        )

    def pay(
        self,
        amount_fen: int,
        reference: str,
        *,
        resident: Resident | None = None,
        item_code: str = MEAL_ITEM,
        item_category: str = MEAL,
        payee: LedgerAccount | None = None,
    ) -> Transfer:
        return ledger.pay_from_credit(
            actor=self.admin,
            resident=resident or self.resident,
            amount_fen=amount_fen,
            item_code=item_code,
            item_category=item_category,
            payee_account=payee or self.provider,
            reference=reference,
        )


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def books(world: World, clock: time_machine.Traveller) -> Ledger:
    admin = world.user(Role.COUNTY_ADMIN)
    county_fund = ledger.open_fund(
        actor=admin,
        region_code=world.county_a,
        source=FundSource.COUNTY_FINANCE,
        name="县级财政2026",
    )
    ledger.load_fund_budget(
        actor=admin, fund=county_fund, amount_fen=10_000_000, reference="budget:2026:county-a"
    )
    lottery_fund = ledger.open_fund(
        actor=admin,
        region_code=world.county_a,
        source=FundSource.WELFARE_LOTTERY,
        name="福彩公益金2026",
        allows_negative=True,
    )
    fund_b = ledger.open_fund(
        actor=world.user("county_b_admin"),
        region_code=world.county_b,
        source=FundSource.COUNTY_FINANCE,
        name="县级财政2026",
        allows_negative=True,
    )
    provider = ledger.open_provider_account(
        actor=admin,
        owner_reference="provider:1",
        region_code=world.county_a,
        name="零陵区颐康居家服务中心",
    )
    provider_2 = ledger.open_provider_account(
        actor=admin, owner_reference="provider:2", region_code=world.county_a, name="朝阳街道助餐点"
    )
    county_fund.refresh_from_db()
    return Ledger(
        world=world,
        admin=admin,
        admin_b=world.user("county_b_admin"),
        approver=world.user(Role.CITY_ADMIN),
        county_fund=county_fund,
        lottery_fund=lottery_fund,
        fund_b=fund_b,
        provider=provider,
        provider_2=provider_2,
        resident=factories.resident(world.village_a, name="张三"),
        resident_2=factories.resident(world.village_a_other, name="李四"),
        resident_b=factories.resident(world.village_b, name="王五"),
    )


def snapshot() -> tuple[object, ...]:
    """Everything a refused request must leave as it was."""
    return (
        Transfer.objects.count(),
        LedgerEntry.objects.count(),
        CreditLot.objects.count(),
        AuditEvent.objects.count(),
        sorted(LedgerAccount.objects.values_list("pk", "balance_fen", "region_code")),
        sorted(CreditLot.objects.values_list("pk", "remaining_fen")),
    )


def assert_consistent() -> None:
    """The ledger's invariants, checked in SQL over every row."""
    assert (LedgerEntry.objects.aggregate(total=Sum("amount_fen"))["total"] or 0) == 0
    unbalanced = (
        LedgerEntry.objects.values("transfer").annotate(total=Sum("amount_fen")).exclude(total=0)
    )
    assert list(unbalanced) == []
    assert not Transfer.objects.annotate(n=Count("entries")).filter(n__lt=2).exists()
    accounts = LedgerAccount.objects.annotate(entries_total=Sum("entries__amount_fen"))
    for pk, balance, entries_total in accounts.values_list("pk", "balance_fen", "entries_total"):
        assert balance == (entries_total or 0), f"account {pk}"
    residents = LedgerAccount.objects.filter(kind=AccountKind.RESIDENT)
    assert not residents.filter(balance_fen__lt=0).exists()
    in_lots = residents.annotate(lots_total=Sum("lots__remaining_fen"))
    for pk, balance, lots_total in in_lots.values_list("pk", "balance_fen", "lots_total"):
        assert balance == (lots_total or 0), f"resident account {pk}"
    assert not LedgerEntry.objects.filter(
        account__kind=AccountKind.RESIDENT, lot__isnull=True
    ).exists()
    assert not LedgerEntry.objects.filter(~Q(lot__account=F("account")), lot__isnull=False).exists()
    for lot in CreditLot.objects.annotate(entries_total=Sum("entries__amount_fen")):
        assert 0 <= lot.remaining_fen <= lot.amount_fen
        assert lot.remaining_fen == lot.entries_total, lot
