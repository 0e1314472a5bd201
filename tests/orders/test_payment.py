"""Paying a completed order: subsidy credit restricted to the item first, then self-pay."""

from hypothesis import given
from hypothesis import strategies as st

from eldercare.entitlements import ledger
from eldercare.entitlements.ledger.orders import pay_order_from_credit
from eldercare.entitlements.models import Transfer
from eldercare.orders import rules
from eldercare.orders.services.payment import payment_reference, provider_account
from tests.orders.conftest import Shop, at


@given(st.integers(0, 10**9), st.integers(0, 10**9))
def test_split_is_fen_exact(price: int, credit: int) -> None:
    subsidy, self_pay = rules.split_payment(price, credit)
    assert subsidy + self_pay == price
    assert 0 <= subsidy <= min(price, credit)
    assert subsidy == min(price, credit)


def test_no_credit_means_all_self_pay(shop: Shop) -> None:
    order = shop.advance(shop.place(), "completed")
    assert (order.subsidy_fen, order.self_pay_fen) == (0, 5_000)
    assert not Transfer.objects.filter(cause="order_payment").exists()


def test_credit_pays_part_and_the_rest_is_self_pay(shop: Shop) -> None:
    shop.fund_resident(3_000, items=["cleaning"])
    order = shop.advance(shop.place(), "completed")
    assert (order.subsidy_fen, order.self_pay_fen) == (3_000, 2_000)
    transfer = Transfer.objects.get(reference=payment_reference(order))
    assert transfer.amount_fen == 3_000
    assert transfer.payee == provider_account(shop.provider)
    assert ledger.balance(shop.resident).total_fen == 0


def test_credit_for_another_item_is_not_used(shop: Shop) -> None:
    shop.fund_resident(10_000, items=["meal"])
    order = shop.advance(shop.place(), "completed")
    assert (order.subsidy_fen, order.self_pay_fen) == (0, 5_000)
    meal = shop.advance(
        shop.place(item=shop.meal, starts_at=at(17, 12), ends_at=at(17, 13)),
        "completed",
    )
    assert (meal.subsidy_fen, meal.self_pay_fen) == (1_500, 0)
    assert ledger.balance(shop.resident).total_fen == 8_500


def test_a_retried_payment_is_never_charged_twice(shop: Shop) -> None:
    shop.fund_resident(10_000)
    order = shop.advance(shop.place(), "completed")
    again = pay_order_from_credit(
        resident=shop.resident,
        price_fen=order.price_fen,
        item_code=order.item.code,
        item_category=order.item.category,
        payee_account=provider_account(shop.provider),
        reference=payment_reference(order),
    )
    assert again is not None and again.amount_fen == 5_000
    assert Transfer.objects.filter(cause="order_payment").count() == 1
    assert ledger.balance(shop.resident).total_fen == 5_000
