"""Ledger use cases, one behaviour each: credits, payments, refunds, expiry, corrections, reading."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404

from eldercare.accounts.models import Role
from eldercare.core.models import AuditEvent
from eldercare.entitlements import ledger
from eldercare.entitlements.models import (
    AccountKind,
    Cause,
    CreditKind,
    CreditLot,
    FundSource,
    LedgerAccount,
    LedgerEntry,
    Transfer,
)
from tests.entitlements.conftest import (
    BATH,
    BATH_ITEM,
    MEAL,
    MEAL_ITEM,
    NOVEMBER,
    NOVEMBER_END,
    SHANGHAI,
    Ledger,
    assert_consistent,
    snapshot,
)

pytestmark = pytest.mark.django_db
OCTOBER = date(2026, 10, 1)


def entries(transfer: Transfer) -> list[tuple[int, int, int | None]]:
    return sorted(transfer.entries.values_list("account_id", "amount_fen", "lot_id"))


def resident_account(books: Ledger, kind: str = CreditKind.SERVICE) -> LedgerAccount:
    return LedgerAccount.objects.get(resident=books.resident, credit_kind=kind)


# --- credits ---------------------------------------------------------------------------------


def test_credit_moves_money_from_the_fund_into_a_new_lot(books: Ledger) -> None:
    transfer = books.credit(amount_fen=6_000, items=[MEAL, BATH_ITEM])

    account = resident_account(books)
    lot = CreditLot.objects.get(transfer=transfer)
    assert (transfer.cause, transfer.amount_fen, transfer.month) == (
        Cause.MONTHLY_CREDIT,
        6_000,
        NOVEMBER,
    )
    assert (transfer.payer, transfer.payee, transfer.resident) == (
        books.county_fund,
        account,
        books.resident,
    )
    assert (transfer.region_code, transfer.actor, transfer.actor_username) == (
        books.world.village_a,
        books.admin,
        books.admin.username,
    )
    assert (lot.account, lot.amount_fen, lot.remaining_fen, lot.items, lot.expires_on) == (
        account,
        6_000,
        6_000,
        [BATH_ITEM, MEAL],
        NOVEMBER_END,
    )
    assert entries(transfer) == sorted(
        [(books.county_fund.pk, -6_000, None), (account.pk, 6_000, lot.pk)]
    )
    assert account.balance_fen == 6_000
    assert (account.kind, account.region_code, account.name) == (
        AccountKind.RESIDENT,
        books.world.village_a,
        "张三·居家养老服务补贴",
    )
    books.county_fund.refresh_from_db()
    assert books.county_fund.balance_fen == 10_000_000 - 6_000
    event = AuditEvent.objects.get(object_type="entitlements.transfer", object_id=str(transfer.pk))
    assert (event.actor, event.region_code, event.detail["amount_fen"]) == (
        books.admin,
        books.world.village_a,
        6_000,
    )
    assert_consistent()


def test_each_kind_of_credit_has_its_own_account(books: Ledger) -> None:
    books.credit(amount_fen=6_000)
    ledger.credit_resident(
        actor=books.admin,
        resident=books.resident,
        fund=books.county_fund,
        amount_fen=20_000,
        month=NOVEMBER,
        items=None,
        expires_on=NOVEMBER_END,
        reference="care:2026-11:1",
        kind=CreditKind.CARE,
    )
    assert ledger.balance(books.resident).by_kind == {"service": 6_000, "care": 20_000}
    with pytest.raises(ledger.InsufficientCredit):
        books.pay(7_000, "order:1")  # service credit only; the care subsidy is another account


def test_the_same_reference_again_returns_the_first_transfer_and_changes_nothing(
    books: Ledger,
) -> None:
    first = books.credit(amount_fen=6_000, reference="credit:2026-11:resident:1")
    before = snapshot()
    again = books.credit(amount_fen=6_000, reference="credit:2026-11:resident:1")
    assert again.pk == first.pk
    assert snapshot() == before


@pytest.mark.parametrize(
    ("change", "difference"),
    [
        ({"amount_fen": 7_000}, "金额"),
        ({"items": [MEAL]}, "限用项目"),
        ({"expires_on": date(2026, 12, 31)}, "有效期"),
        ({"month": OCTOBER, "expires_on": NOVEMBER_END}, "补贴月份"),
    ],
)
def test_a_reference_reused_for_another_credit_is_refused(
    books: Ledger, change: dict[str, object], difference: str
) -> None:
    books.credit(amount_fen=6_000, reference="credit:x")
    before = snapshot()
    with pytest.raises(ledger.ReferenceConflict, match=difference) as error:
        books.credit(**{"amount_fen": 6_000, "reference": "credit:x", **change})  # type: ignore[arg-type]
    assert error.value.code == "reference_conflict"
    assert snapshot() == before


def test_a_reference_reused_by_another_kind_of_movement_is_refused(books: Ledger) -> None:
    books.credit(amount_fen=6_000, reference="same")
    before = snapshot()
    with pytest.raises(ledger.ReferenceConflict, match="原因"):
        books.pay(1_000, "same")
    assert snapshot() == before


def test_a_fund_with_a_budget_cannot_credit_beyond_it(books: Ledger) -> None:
    small = ledger.open_fund(
        actor=books.admin,
        region_code=books.world.county_a,
        source=FundSource.DONATION,
        name="慈善捐赠",
    )
    ledger.load_fund_budget(actor=books.admin, fund=small, amount_fen=5_000, reference="budget:s")
    before = snapshot()
    with pytest.raises(ledger.InsufficientBalance) as error:
        books.credit(amount_fen=6_000, fund=small)
    assert str(error.value) == "账户“慈善捐赠”余额不足：余额 50.00 元，本次需要 60.00 元"
    assert snapshot() == before


def test_a_fund_declared_so_may_go_negative_and_the_books_still_balance(books: Ledger) -> None:
    books.credit(amount_fen=6_000, fund=books.lottery_fund)
    books.lottery_fund.refresh_from_db()
    assert books.lottery_fund.balance_fen == -6_000
    assert_consistent()


def test_a_budget_comes_from_the_regions_appropriation_account(books: Ledger) -> None:
    source = LedgerAccount.objects.get(
        kind=AccountKind.APPROPRIATION, region_code=books.world.county_a
    )
    assert (source.balance_fen, source.allows_negative) == (-10_000_000, True)


# --- payments --------------------------------------------------------------------------------


def test_payment_takes_the_soonest_expiring_credit_first(books: Ledger) -> None:
    october = books.credit(
        amount_fen=6_000,
        month=OCTOBER,
        expires_on=ledger.credit_expiry(OCTOBER, carry_over_months=2),
        reference="credit:oct",
    )
    november = books.credit(
        amount_fen=6_000,
        expires_on=ledger.credit_expiry(NOVEMBER, carry_over_months=2),
        reference="credit:nov",
    )
    payment = books.pay(8_000, "order:1")

    account = resident_account(books)
    october_lot, november_lot = october.created_lot, november.created_lot
    assert october_lot.expires_on == date(2026, 12, 31)
    assert entries(payment) == sorted(
        [
            (account.pk, -6_000, october_lot.pk),
            (account.pk, -2_000, november_lot.pk),
            (books.provider.pk, 8_000, None),
        ]
    )
    october_lot.refresh_from_db()
    november_lot.refresh_from_db()
    assert (october_lot.remaining_fen, november_lot.remaining_fen) == (0, 4_000)
    assert (payment.payer, payment.payee, payment.item_code, payment.item_category) == (
        account,
        books.provider,
        MEAL_ITEM,
        MEAL,
    )
    books.provider.refresh_from_db()
    assert books.provider.balance_fen == 8_000
    assert_consistent()


def test_payment_uses_only_credit_that_allows_the_item(books: Ledger) -> None:
    books.credit(amount_fen=6_000, items=[MEAL], reference="meal")
    books.credit(amount_fen=6_000, items=[BATH_ITEM], reference="bath")
    before = snapshot()
    with pytest.raises(ledger.InsufficientCredit) as error:
        books.pay(7_000, "order:1")
    assert str(error.value) == (
        "补贴余额不足：服务项目“ZC-001”（meal）的可用余额为 60.00 元，本次需要 70.00 元"
        "（账户余额 120.00 元，其中 60.00 元限用于其他服务项目或已过有效期）"
    )
    assert (error.value.available_fen, error.value.needed_fen, error.value.code) == (
        6_000,
        7_000,
        "insufficient_credit",
    )
    assert snapshot() == before

    books.pay(6_000, "order:2")  # all of the meal credit
    books.pay(6_000, "order:3", item_code=BATH_ITEM, item_category=BATH)
    assert ledger.balance(books.resident).total_fen == 0


@pytest.mark.parametrize(
    ("items", "item_code", "item_category", "allowed"),
    [
        (None, "ANY-1", "", True),
        ([MEAL], MEAL_ITEM, MEAL, True),  # by category
        ([MEAL], "ZC-002", MEAL, True),
        ([MEAL], BATH_ITEM, BATH, False),
        ([MEAL_ITEM], MEAL_ITEM, "", True),  # by item code, whatever the category
        ([MEAL_ITEM], "ZC-002", MEAL, False),
        (["ZC-002", BATH], BATH_ITEM, BATH, True),
    ],
)
def test_restrictions_match_item_codes_or_categories(
    books: Ledger, items: list[str] | None, item_code: str, item_category: str, allowed: bool
) -> None:
    books.credit(amount_fen=6_000, items=items)
    if allowed:
        books.pay(6_000, "order:1", item_code=item_code, item_category=item_category)
        assert ledger.balance(books.resident).total_fen == 0
    else:
        with pytest.raises(ledger.InsufficientCredit, match=r"可用余额为 0\.00 元"):
            books.pay(6_000, "order:1", item_code=item_code, item_category=item_category)


def test_a_resident_never_credited_has_nothing_to_pay_with(books: Ledger) -> None:
    before = snapshot()
    with pytest.raises(ledger.InsufficientCredit, match="尚未发放过该类补贴"):
        books.pay(100, "order:1")
    assert snapshot() == before


def test_expired_credit_cannot_pay(books: Ledger, clock: time_machine.Traveller) -> None:
    books.credit(amount_fen=6_000)
    clock.move_to(datetime(2026, 12, 1, 9, tzinfo=SHANGHAI))
    before = snapshot()
    with pytest.raises(ledger.InsufficientCredit, match=r"可用余额为 0\.00 元.*已过有效期"):
        books.pay(1_000, "order:1")
    assert snapshot() == before


def test_credit_is_usable_on_its_last_day(books: Ledger, clock: time_machine.Traveller) -> None:
    books.credit(amount_fen=6_000)
    clock.move_to(datetime(2026, 11, 30, 23, 59, tzinfo=SHANGHAI))
    books.pay(6_000, "order:1")
    assert ledger.balance(books.resident).total_fen == 0


def test_the_resident_balance_check_constraint_holds_in_the_database(books: Ledger) -> None:
    books.credit(amount_fen=6_000)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.filter(kind=AccountKind.RESIDENT).update(
            balance_fen=F("balance_fen") - 6_001
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditLot.objects.update(remaining_fen=-1)


# --- refunds ---------------------------------------------------------------------------------


def test_refunds_restore_the_lots_latest_expiring_first(books: Ledger) -> None:
    october = books.credit(
        amount_fen=6_000, month=OCTOBER, expires_on=NOVEMBER_END, reference="credit:oct"
    )
    november = books.credit(amount_fen=6_000, expires_on=date(2026, 12, 31), reference="nov")
    payment = books.pay(8_000, "order:1")  # 6,000 from October's lot, 2,000 from November's
    account = resident_account(books)

    first = ledger.refund_payment(
        actor=books.admin,
        payment=payment,
        amount_fen=3_000,
        reference="refund:1",
        reason="服务未完成",
    )
    assert entries(first) == sorted(
        [
            (books.provider.pk, -3_000, None),
            (account.pk, 2_000, november.created_lot.pk),
            (account.pk, 1_000, october.created_lot.pk),
        ]
    )
    assert (first.refund_of, first.payer, first.payee, first.reason) == (
        payment,
        books.provider,
        account,
        "服务未完成",
    )
    rest = ledger.refund_payment(
        actor=books.admin, payment=payment, reference="refund:2", reason="订单取消"
    )
    assert rest.amount_fen == 5_000
    assert entries(rest) == sorted(
        [(books.provider.pk, -5_000, None), (account.pk, 5_000, october.created_lot.pk)]
    )
    assert sorted(CreditLot.objects.values_list("remaining_fen", flat=True)) == [6_000, 6_000]
    before = snapshot()
    with pytest.raises(ledger.LedgerStateError, match="已全额退款"):
        ledger.refund_payment(actor=books.admin, payment=payment, reference="refund:3", reason="x")
    assert snapshot() == before
    assert_consistent()


def test_a_refund_cannot_exceed_what_is_left_of_the_payment(books: Ledger) -> None:
    books.credit(amount_fen=6_000)
    payment = books.pay(3_000, "order:1")
    ledger.refund_payment(
        actor=books.admin, payment=payment, amount_fen=2_000, reference="r1", reason="部分退款"
    )
    before = snapshot()
    with pytest.raises(ledger.LedgerInputError, match=r"退款 10\.01 元超过可退金额 10\.00 元"):
        ledger.refund_payment(
            actor=books.admin, payment=payment, amount_fen=1_001, reference="r2", reason="再退"
        )
    assert snapshot() == before


def test_a_refund_of_expired_credit_goes_to_the_expiry_sink(
    books: Ledger, clock: time_machine.Traveller
) -> None:
    credit = books.credit(amount_fen=6_000)
    payment = books.pay(4_000, "order:1")
    clock.move_to(datetime(2026, 12, 5, 9, tzinfo=SHANGHAI))
    refund = ledger.refund_payment(
        actor=books.admin, payment=payment, reference="refund:1", reason="投诉退款"
    )
    account = resident_account(books)
    sink = LedgerAccount.objects.get(kind=AccountKind.EXPIRY, region_code=books.world.county_a)
    lot = credit.created_lot
    assert entries(refund) == sorted(
        [
            (books.provider.pk, -4_000, None),
            (account.pk, 4_000, lot.pk),
            (account.pk, -4_000, lot.pk),
            (sink.pk, 4_000, None),
        ]
    )
    lot.refresh_from_db()
    assert (lot.remaining_fen, sink.balance_fen) == (2_000, 4_000)
    assert_consistent()


def test_a_refund_needs_the_provider_to_hold_the_money(books: Ledger) -> None:
    books.credit(amount_fen=6_000)
    payment = books.pay(4_000, "order:1")
    ledger.correct(
        actor=books.admin,
        approver=books.approver,
        account=books.provider,
        amount_fen=-3_000,
        reason="已线下结算给机构",
        reference="settle:1",
    )
    before = snapshot()
    with pytest.raises(ledger.InsufficientBalance, match=r"余额 10\.00 元，本次需要 40\.00 元"):
        ledger.refund_payment(actor=books.admin, payment=payment, reference="r", reason="退款")
    assert snapshot() == before


# --- expiry ----------------------------------------------------------------------------------


def test_expiry_moves_what_is_left_to_the_sink_once(
    books: Ledger, clock: time_machine.Traveller
) -> None:
    november = books.credit(amount_fen=6_000)
    carried = books.credit(
        amount_fen=6_000,
        expires_on=ledger.credit_expiry(NOVEMBER, carry_over_months=1),
        reference="carried",
    )
    books.credit(books.resident_b, amount_fen=5_000, fund=books.fund_b, actor=books.admin_b)
    books.pay(1_000, "order:1")  # from November's lot, the soonest to expire
    clock.move_to(datetime(2026, 12, 1, 0, 30, tzinfo=SHANGHAI))

    summary = ledger.expire_credit(on=date(2026, 12, 1))

    assert (summary.lots, summary.amount_fen) == (2, 10_000)
    assert summary.by_region == {books.world.village_a: 5_000, books.world.village_b: 5_000}
    sweep = Transfer.objects.get(reference=f"expiry:lot:{november.created_lot.pk}")
    sink = LedgerAccount.objects.get(kind=AccountKind.EXPIRY, region_code=books.world.county_a)
    assert (sweep.cause, sweep.amount_fen, sweep.payee, sweep.actor_username) == (
        Cause.EXPIRY,
        5_000,
        sink,
        "system",
    )
    assert sink.balance_fen == 5_000
    carried.created_lot.refresh_from_db()
    assert carried.created_lot.remaining_fen == 6_000  # carried over to December
    assert ledger.balance(books.resident).total_fen == 6_000
    assert AuditEvent.objects.filter(object_repr__startswith="过期核销").count() == 2  # 2 sinks
    assert_consistent()

    before = snapshot()
    again = ledger.expire_credit(on=date(2026, 12, 1))
    assert (again.lots, again.amount_fen) == (0, 0)
    assert snapshot() == before


def test_expiry_cannot_run_ahead_of_today(books: Ledger) -> None:
    books.credit(amount_fen=6_000)
    before = snapshot()
    with pytest.raises(ledger.LedgerInputError, match="不能提前核销"):
        ledger.expire_credit(on=date(2026, 12, 1))
    assert snapshot() == before


def test_expiry_run_by_a_user_covers_their_scope_only(
    books: Ledger, clock: time_machine.Traveller
) -> None:
    books.credit(amount_fen=6_000)
    books.credit(books.resident_b, amount_fen=5_000, fund=books.fund_b, actor=books.admin_b)
    clock.move_to(datetime(2026, 12, 1, 9, tzinfo=SHANGHAI))
    summary = ledger.expire_credit(on=date(2026, 12, 1), actor=books.admin)
    assert summary.by_region == {books.world.village_a: 6_000}
    with pytest.raises(PermissionDenied):
        ledger.expire_credit(on=date(2026, 12, 1), actor=books.world.user(Role.TOWNSHIP_WORKER))


# --- corrections -----------------------------------------------------------------------------


def test_a_correction_upwards_is_a_new_lot_against_the_adjustment_account(books: Ledger) -> None:
    transfer = ledger.correct(
        actor=books.admin,
        approver=books.approver,
        account=books.credit(amount_fen=6_000).payee,
        amount_fen=1_500,
        reason="10月少发15元",
        reference="fix:1",
    )
    adjustment = LedgerAccount.objects.get(
        kind=AccountKind.ADJUSTMENT, region_code=books.world.county_a
    )
    lot = transfer.created_lot
    assert (transfer.cause, transfer.payer, transfer.approver, transfer.reason) == (
        Cause.CORRECTION,
        adjustment,
        books.approver,
        "10月少发15元",
    )
    assert (lot.amount_fen, lot.items, lot.expires_on) == (1_500, None, NOVEMBER_END)
    assert (adjustment.balance_fen, ledger.balance(books.resident).total_fen) == (-1_500, 7_500)
    event = AuditEvent.objects.get(object_id=str(transfer.pk), object_type="entitlements.transfer")
    assert event.detail["approver"] == books.approver.username
    assert_consistent()


def test_a_correction_downwards_takes_the_soonest_expiring_credit(books: Ledger) -> None:
    books.credit(amount_fen=6_000, items=[BATH], expires_on=date(2026, 12, 31), reference="a")
    first = books.credit(amount_fen=3_000, items=[MEAL], reference="b")
    account = resident_account(books)
    transfer = ledger.correct(
        actor=books.admin,
        approver=books.approver,
        account=account,
        amount_fen=-4_000,
        reason="重复发放",
        reference="fix:1",
        counter_account=books.county_fund,
    )
    assert transfer.payee == books.county_fund
    assert sorted(CreditLot.objects.values_list("remaining_fen", flat=True)) == [0, 5_000]
    first.created_lot.refresh_from_db()
    assert first.created_lot.remaining_fen == 0
    before = snapshot()
    with pytest.raises(ledger.InsufficientCredit, match="调减不能使账户为负"):
        ledger.correct(
            actor=books.admin,
            approver=books.approver,
            account=account,
            amount_fen=-5_001,
            reason="多扣",
            reference="fix:2",
        )
    assert snapshot() == before
    assert_consistent()


@pytest.mark.parametrize(
    ("approver", "error", "message"),
    [
        (Role.COUNTY_ADMIN, ledger.LedgerInputError, "不能自己审批"),  # the actor himself
        (Role.TOWNSHIP_WORKER, PermissionDenied, "approve_ledger_correction"),
        (Role.AUDITOR, PermissionDenied, "approve_ledger_correction"),
        ("county_b_admin", Http404, "记录不存在"),
    ],
)
def test_a_correction_needs_a_second_person_with_the_right(
    books: Ledger, approver: str, error: type[Exception], message: str
) -> None:
    account = books.credit(amount_fen=6_000).payee
    before = snapshot()
    with pytest.raises(error, match=message):
        ledger.correct(
            actor=books.admin,
            approver=books.world.user(approver),
            account=account,
            amount_fen=100,
            reason="补发",
            reference="fix:1",
        )
    assert snapshot() == before


def test_a_correction_without_a_system_actor(books: Ledger) -> None:
    with pytest.raises(PermissionDenied, match="审批人须为已登录的用户"):
        ledger.correct(
            actor=books.admin,
            approver=ledger.SYSTEM,
            account=books.provider,
            amount_fen=100,
            reason="补发",
            reference="fix:1",
        )


# --- permissions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.SYSTEM_ADMIN, True),
        (Role.CITY_ADMIN, True),
        (Role.COUNTY_ADMIN, True),
        (Role.TOWNSHIP_WORKER, False),
        (Role.VILLAGE_WORKER, False),
        (Role.ASSESSOR, False),
        (Role.PROVIDER_MANAGER, False),
        (Role.CAREGIVER, False),
        (Role.AUDITOR, False),
        ("unbound", False),
        ("no_role", False),
    ],
)
def test_who_may_credit_and_pay(books: Ledger, role: str, allowed: bool) -> None:
    actor = books.world.user(role)
    books.credit(amount_fen=6_000, reference="seed")
    before = snapshot()

    def credit() -> Transfer:
        return ledger.credit_resident(
            actor=actor,
            resident=books.resident,
            fund=books.county_fund,
            amount_fen=100,
            month=NOVEMBER,
            items=None,
            expires_on=NOVEMBER_END,
            reference="credit:role",
        )

    def pay() -> Transfer:
        return ledger.pay_from_credit(
            actor=actor,
            resident=books.resident,
            amount_fen=100,
            item_code=MEAL_ITEM,
            item_category=MEAL,
            payee_account=books.provider,
            reference="pay:role",
        )

    for action in (credit, pay):
        if allowed:
            assert action().actor == actor
        else:
            with pytest.raises((PermissionDenied, Http404)):
                action()
            assert snapshot() == before


def test_a_resident_outside_the_actors_region_does_not_exist_for_them(books: Ledger) -> None:
    books.credit(amount_fen=6_000)
    before = snapshot()
    with pytest.raises(Http404):
        ledger.pay_from_credit(
            actor=books.world.user("county_b_admin"),
            resident=books.resident,
            amount_fen=100,
            item_code=MEAL_ITEM,
            item_category=MEAL,
            payee_account=books.provider,
            reference="pay:b",
        )
    with pytest.raises(Http404):
        books.credit(books.resident_b, amount_fen=100, fund=books.fund_b)  # county A's admin
    assert snapshot() == before


def test_no_actor_is_refused(books: Ledger) -> None:
    with pytest.raises(PermissionDenied):
        ledger.credit_resident(
            actor=None,
            resident=books.resident,
            fund=books.county_fund,
            amount_fen=100,
            month=NOVEMBER,
            items=None,
            expires_on=NOVEMBER_END,
            reference="credit:none",
        )


def test_a_background_job_acts_as_a_named_system_actor(books: Ledger) -> None:
    transfer = ledger.credit_resident(
        actor=ledger.SystemActor("entitlement-run"),
        resident=books.resident,
        fund=books.county_fund,
        amount_fen=100,
        month=NOVEMBER,
        items=None,
        expires_on=NOVEMBER_END,
        reference="credit:job",
    )
    assert (transfer.actor, transfer.actor_username) == (None, "entitlement-run")
    event = AuditEvent.objects.get(object_id=str(transfer.pk), object_type="entitlements.transfer")
    assert (event.actor, event.actor_username) == (None, "entitlement-run")


# --- reading ---------------------------------------------------------------------------------


def test_statement_of_a_month(books: Ledger, clock: time_machine.Traveller) -> None:
    clock.move_to(datetime(2026, 10, 31, 23, 50, tzinfo=SHANGHAI))
    books.credit(amount_fen=6_000, month=OCTOBER, expires_on=date(2026, 12, 31), reference="oct")
    clock.move_to(datetime(2026, 11, 1, 0, 10, tzinfo=SHANGHAI))
    books.credit(amount_fen=6_000, reference="nov")
    payment = books.pay(2_500, "order:1")
    ledger.refund_payment(
        actor=books.admin, payment=payment, amount_fen=500, reference="r1", reason="少服务一次"
    )
    clock.move_to(datetime(2026, 12, 1, 0, 10, tzinfo=SHANGHAI))
    books.pay(1_000, "order:2")

    account = resident_account(books)
    november = ledger.statement(account, NOVEMBER)
    assert (november.opening_fen, november.closing_fen) == (6_000, 10_000)
    assert [(line.cause, line.amount_fen, line.balance_fen) for line in november.lines] == [
        (Cause.MONTHLY_CREDIT, 6_000, 12_000),
        (Cause.ORDER_PAYMENT, -2_500, 9_500),
        (Cause.REFUND, 500, 10_000),
    ]
    assert (november.in_fen, november.out_fen) == (6_500, 2_500)
    assert november.lines[1].cause_label == "服务订单支付"
    assert ledger.statement(account, date(2026, 12, 1)).closing_fen == 9_000
    assert ledger.statement(account, date(2026, 9, 1)).lines == []


def test_balance_separates_what_is_still_usable(
    books: Ledger, clock: time_machine.Traveller
) -> None:
    books.credit(amount_fen=6_000, reference="nov")
    books.credit(amount_fen=3_000, expires_on=date(2026, 12, 31), reference="carried")
    clock.move_to(datetime(2026, 12, 1, 9, tzinfo=SHANGHAI))
    result = ledger.balance(books.resident)
    assert (result.total_fen, result.usable_fen, result.by_kind) == (
        9_000,
        3_000,
        {"service": 9_000},
    )
    assert [lot.expires_on for lot in result.open_lots] == [NOVEMBER_END, date(2026, 12, 31)]
    assert ledger.balance(books.resident_2).total_fen == 0


def test_an_account_follows_the_resident_when_they_move(books: Ledger) -> None:
    books.credit(amount_fen=6_000)
    books.resident.region_code = books.world.village_a2
    books.resident.save()
    books.pay(1_000, "order:1")
    assert resident_account(books).region_code == books.world.village_a2
    assert LedgerEntry.objects.filter(transfer__reference="order:1").count() == 2
