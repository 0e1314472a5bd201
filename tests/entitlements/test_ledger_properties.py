"""Property-based proof of the ledger: random sequences of credits, payments (some refused for lack
of credit or for the wrong item), refunds, corrections, expiry runs and days passing, checked
against a small model of the lots after every step.

After each step: every transfer's entries sum to zero and so do all entries; each account's
balance column equals the sum of its entries; resident balances are never negative and equal
the sum of their lots' remainders; each lot's remainder is what the model says; and the resident
accounts together hold credits − payments + refunds − expiries ± corrections.
"""

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.db.models import Q, Sum
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from eldercare.accounts.models import Role
from eldercare.entitlements import ledger
from eldercare.entitlements.models import (
    CREDIT_CAUSES,
    AccountKind,
    Cause,
    CreditLot,
    FundSource,
    LedgerAccount,
    LedgerEntry,
    Transfer,
)
from tests import factories
from tests.entitlements.conftest import SHANGHAI, assert_consistent, snapshot

pytestmark = pytest.mark.django_db

COUNTY, VILLAGES = "431102000000", ("431102001001", "431102101201")
START = date(2026, 11, 16)
ITEMS = [("ZC-001", "meal"), ("ZY-001", "bath"), ("ZJ-001", "cleaning"), ("XX-999", "")]
RESTRICTIONS = [None, None, ["meal"], ["ZY-001", "meal"], ["ZJ-001"]]
BUDGET = 60_000


def allows(items: list[str] | None, code: str, category: str) -> bool:
    return items is None or code in items or (bool(category) and category in items)


@dataclass
class Lot:
    resident: int
    remaining: int
    items: list[str] | None
    expires_on: date


@dataclass
class Payment:
    transfer: Transfer
    taken: dict[int, int]  # lot pk → fen
    restored: dict[int, int] = field(default_factory=dict)

    @property
    def refundable(self) -> int:
        return sum(self.taken.values()) - sum(self.restored.values())


class LedgerMachine(RuleBasedStateMachine):
    """The ledger against a model: which lots hold how much, what each payment took."""

    def __init__(self) -> None:
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.today = START
        self.travel = time_machine.travel(self._moment(), tick=False)
        self.clock = self.travel.start()
        self.references = itertools.count(1)
        self.lots: dict[int, Lot] = {}
        self.payments: list[Payment] = []
        self.budget_left = BUDGET
        self.totals = {"credits": 0, "payments": 0, "refunds": 0, "expiries": 0, "corrections": 0}
        self.last: tuple[Any, int] | None = None

    def teardown(self) -> None:
        self.travel.stop()
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    def _moment(self) -> datetime:
        return datetime.combine(self.today, time(10), tzinfo=SHANGHAI)

    def _reference(self, kind: str) -> str:
        return f"{kind}:{next(self.references)}"

    @initialize(
        opening=st.lists(
            st.tuples(
                st.sampled_from(RESTRICTIONS), st.sampled_from([3_000, 6_000]), st.integers(0, 2)
            ),
            min_size=1,
            max_size=4,
        )
    )
    def open_books(self, opening: list[tuple[list[str] | None, int, int]]) -> None:
        self.admin = factories.user("p_admin", Role.COUNTY_ADMIN, COUNTY)
        self.approver = factories.user("p_approver", Role.CITY_ADMIN, "431100000000")
        self.residents = [factories.resident(code, name="老人") for code in VILLAGES]
        self.budget_fund = ledger.open_fund(
            actor=self.admin, region_code=COUNTY, source=FundSource.COUNTY_FINANCE, name="县级财政"
        )
        ledger.load_fund_budget(
            actor=self.admin, fund=self.budget_fund, amount_fen=BUDGET, reference="budget"
        )
        self.open_fund = ledger.open_fund(
            actor=self.admin,
            region_code=COUNTY,
            source=FundSource.WELFARE_LOTTERY,
            name="福彩公益金",
            allows_negative=True,
        )
        self.providers = [
            ledger.open_provider_account(
                actor=self.admin, owner_reference=f"p:{n}", region_code=COUNTY, name=f"机构{n}"
            )
            for n in range(2)
        ]
        for index, (items, amount, carry_over) in enumerate(opening):
            self.credit(index % 2, amount, items, carry_over, from_budget=False)

    # --- model helpers ---------------------------------------------------------------------

    def _open_lots(self, resident: int) -> list[tuple[int, Lot]]:
        return sorted(
            (
                (pk, lot)
                for pk, lot in self.lots.items()
                if lot.resident == resident and lot.remaining
            ),
            key=lambda pair: (pair[1].expires_on, pair[0]),
        )

    def _month(self) -> date:
        return self.today.replace(day=1)

    # --- rules -----------------------------------------------------------------------------

    @rule(
        who=st.integers(0, 1),
        amount=st.sampled_from([3_000, 6_000, 10_000]) | st.integers(1, 12_000),
        items=st.sampled_from(RESTRICTIONS),
        carry_over=st.integers(0, 2),
        from_budget=st.booleans(),
    )
    def credit(
        self, who: int, amount: int, items: list[str] | None, carry_over: int, from_budget: bool
    ) -> None:
        fund = self.budget_fund if from_budget else self.open_fund
        reference = self._reference("credit")
        month = self._month()
        expires_on = ledger.credit_expiry(month, carry_over_months=carry_over)

        def call() -> Transfer:
            return ledger.credit_resident(
                actor=self.admin,
                resident=self.residents[who],
                fund=fund,
                amount_fen=amount,
                month=month,
                items=items,
                expires_on=expires_on,
                reference=reference,
            )

        if from_budget and amount > self.budget_left:
            before = snapshot()
            with pytest.raises(ledger.InsufficientBalance):
                call()
            assert snapshot() == before
            return
        transfer = call()
        self.budget_left -= amount if from_budget else 0
        self.lots[transfer.created_lot.pk] = Lot(
            who, amount, sorted(items) if items else None, expires_on
        )
        event("credit")
        self.totals["credits"] += amount
        self.last = (call, transfer.pk)

    @rule(
        who=st.integers(0, 1),
        amount=st.sampled_from([1_000, 2_500, 3_000, 4_000]) | st.integers(1, 15_000),
        item=st.sampled_from(ITEMS),
        provider=st.integers(0, 1),
    )
    def pay(self, who: int, amount: int, item: tuple[str, str], provider: int) -> None:
        code, category = item
        reference = self._reference("order")

        def call() -> Transfer:
            return ledger.pay_from_credit(
                actor=self.admin,
                resident=self.residents[who],
                amount_fen=amount,
                item_code=code,
                item_category=category,
                payee_account=self.providers[provider],
                reference=reference,
            )

        usable = [
            (pk, lot)
            for pk, lot in self._open_lots(who)
            if lot.expires_on >= self.today and allows(lot.items, code, category)
        ]
        available = sum(lot.remaining for _, lot in usable)
        if available < amount:
            before = snapshot()
            with pytest.raises(ledger.InsufficientCredit) as error:
                call()
            assert (error.value.available_fen, error.value.needed_fen) == (available, amount)
            assert snapshot() == before
            event("payment refused: not enough usable credit")
            return
        transfer = call()
        taken, left = {}, amount
        for pk, lot in usable:
            take = min(left, lot.remaining)
            lot.remaining -= take
            taken[pk] = take
            left -= take
            if not left:
                break
        self.payments.append(Payment(transfer, taken))
        event(f"payment from {len(taken)} lot(s)")
        self.totals["payments"] += amount
        self.last = (call, transfer.pk)

    @precondition(lambda self: self.payments)
    @rule(data=st.data())
    def refund(self, data: st.DataObject) -> None:
        payment = data.draw(st.sampled_from(self.payments))
        amount = data.draw(st.none() | st.integers(1, max(payment.transfer.amount_fen, 1) + 100))
        reference = self._reference("refund")

        def call() -> Transfer:
            return ledger.refund_payment(
                actor=self.admin,
                payment=payment.transfer,
                amount_fen=amount,
                reference=reference,
                reason="退款",
            )

        wanted = payment.refundable if amount is None else amount
        if payment.refundable == 0 or wanted > payment.refundable:
            before = snapshot()
            with pytest.raises(ledger.LedgerError):
                call()
            assert snapshot() == before
            return
        transfer = call()
        left = wanted
        for pk in sorted(
            payment.taken, key=lambda pk: (self.lots[pk].expires_on, pk), reverse=True
        ):
            give = min(left, payment.taken[pk] - payment.restored.get(pk, 0))
            if give <= 0:
                continue
            payment.restored[pk] = payment.restored.get(pk, 0) + give
            if self.lots[pk].expires_on < self.today:
                self.totals["expiries"] += give  # straight on to the expiry sink
                event("refund of expired credit to the sink")
            else:
                self.lots[pk].remaining += give
            left -= give
            if not left:
                break
        self.totals["refunds"] += wanted
        event("refund")
        self.last = (call, transfer.pk)

    @rule(who=st.integers(0, 1), amount=st.integers(-9_000, 9_000).filter(bool))
    def correct(self, who: int, amount: int) -> None:
        account = LedgerAccount.objects.filter(resident=self.residents[who]).first()
        if account is None:
            return
        reference = self._reference("fix")

        def call() -> Transfer:
            return ledger.correct(
                actor=self.admin,
                approver=self.approver,
                account=account,
                amount_fen=amount,
                reason="调账",
                reference=reference,
            )

        open_lots = self._open_lots(who)
        if amount < 0 and sum(lot.remaining for _, lot in open_lots) < -amount:
            before = snapshot()
            with pytest.raises(ledger.InsufficientCredit):
                call()
            assert snapshot() == before
            return
        transfer = call()
        if amount > 0:
            end = ledger.credit_expiry(self._month())
            self.lots[transfer.created_lot.pk] = Lot(who, amount, None, end)
        else:
            left = -amount
            for _, lot in open_lots:
                take = min(left, lot.remaining)
                lot.remaining -= take
                left -= take
        self.totals["corrections"] += amount
        event("correction up" if amount > 0 else "correction down")
        self.last = (call, transfer.pk)

    @rule(days=st.sampled_from([1, 2, 5, 10, 20, 40]))
    def time_passes(self, days: int) -> None:
        self.today += timedelta(days=days)
        self.clock.move_to(self._moment())

    @rule()
    def expiry_run(self) -> None:
        due = {
            pk: lot.remaining
            for pk, lot in self.lots.items()
            if lot.expires_on < self.today and lot.remaining
        }
        summary = ledger.expire_credit(on=self.today, batch_size=3)
        assert (summary.lots, summary.amount_fen) == (len(due), sum(due.values()))
        for pk in due:
            self.lots[pk].remaining = 0
        event("expiry run swept lots" if due else "expiry run found nothing")
        self.totals["expiries"] += sum(due.values())

    @precondition(lambda self: self.last is not None)
    @rule()
    def same_request_again(self) -> None:
        assert self.last is not None
        call, pk = self.last
        before = snapshot()
        assert call().pk == pk
        assert snapshot() == before

    @rule(amount=st.sampled_from([0, -1, 1.5, "100", None]))
    def malformed_payment(self, amount: Any) -> None:
        before = snapshot()
        with pytest.raises(ledger.LedgerInputError):
            ledger.pay_from_credit(
                actor=self.admin,
                resident=self.residents[0],
                amount_fen=amount,
                item_code="ZC-001",
                item_category="meal",
                payee_account=self.providers[0],
                reference=self._reference("bad"),
            )
        assert snapshot() == before

    # --- invariants ------------------------------------------------------------------------

    @invariant()
    def books_balance(self) -> None:
        assert_consistent()

    @invariant()
    def lots_are_as_modelled(self) -> None:
        actual = dict(CreditLot.objects.values_list("pk", "remaining_fen"))
        assert actual == {pk: lot.remaining for pk, lot in self.lots.items()}

    @invariant()
    def residents_hold_credits_minus_spending(self) -> None:
        held = (
            LedgerAccount.objects.filter(kind=AccountKind.RESIDENT).aggregate(
                total=Sum("balance_fen")
            )["total"]
            or 0
        )
        t = self.totals
        expected = t["credits"] - t["payments"] + t["refunds"] - t["expiries"] + t["corrections"]
        assert held == expected
        # The same identity from the transfers themselves, by cause.
        by_cause = dict(
            Transfer.objects.values_list("cause").annotate(total=Sum("amount_fen")).order_by()
        )
        through_sink = (
            LedgerEntry.objects.filter(
                transfer__cause=Cause.REFUND, account__kind=AccountKind.EXPIRY
            ).aggregate(total=Sum("amount_fen"))["total"]
            or 0
        )
        corrections = (
            LedgerEntry.objects.filter(
                transfer__cause=Cause.CORRECTION, account__kind=AccountKind.RESIDENT
            ).aggregate(total=Sum("amount_fen"))["total"]
            or 0
        )
        assert held == (
            sum(by_cause.get(cause, 0) for cause in CREDIT_CAUSES)
            - by_cause.get(Cause.ORDER_PAYMENT, 0)
            + by_cause.get(Cause.REFUND, 0)
            - by_cause.get(Cause.EXPIRY, 0)
            - through_sink
            + corrections
        )
        providers = LedgerAccount.objects.filter(kind=AccountKind.PROVIDER)
        assert (providers.aggregate(total=Sum("balance_fen"))["total"] or 0) == (
            t["payments"] - t["refunds"]
        )
        budget = LedgerAccount.objects.get(pk=self.budget_fund.pk)
        assert budget.balance_fen == self.budget_left >= 0
        assert not LedgerAccount.objects.filter(
            Q(balance_fen__lt=0),
            ~Q(kind__in=[AccountKind.FUND, AccountKind.ADJUSTMENT, AccountKind.APPROPRIATION]),
        ).exists()


def test_ledger_invariants_hold_for_any_sequence_of_movements() -> None:
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
