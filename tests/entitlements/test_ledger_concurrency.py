"""Races between real database connections (one per thread): the last 30 yuan are spent once,
a reference submitted twice at once is one transfer, an account opened twice at once is one.

Each service is slowed down between reading the lots and writing, so that without the account's
row lock both threads would read the same credit and both decide to spend it.
"""

import time
from typing import Any

import pytest
from django.db.models import QuerySet

from eldercare.entitlements import ledger
from eldercare.entitlements.ledger import services
from eldercare.entitlements.models import CreditLot, LedgerAccount, Transfer
from tests.concurrency import race
from tests.entitlements.conftest import Ledger, assert_consistent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def slow_posting(monkeypatch: pytest.MonkeyPatch) -> None:
    original = services.post

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.3)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "post", slow)


@pytest.mark.usefixtures("slow_posting")
@pytest.mark.parametrize("attempt", range(3))
def test_two_orders_spending_the_last_30_yuan_at_once_one_succeeds(
    books: Ledger, attempt: int
) -> None:
    books.credit(amount_fen=6_000)
    books.pay(3_000, "order:0")  # exactly 30 yuan remain

    results = race(lambda: books.pay(3_000, "order:a"), lambda: books.pay(3_000, "order:b"))

    successes = [r for r in results if isinstance(r, Transfer)]
    failures = [r for r in results if isinstance(r, Exception)]
    assert len(successes) == 1, results
    assert len(failures) == 1 and isinstance(failures[0], ledger.InsufficientCredit), results
    assert "可用余额为 0.00 元，本次需要 30.00 元" in str(failures[0])
    assert ledger.balance(books.resident).total_fen == 0
    assert Transfer.objects.filter(reference__in=["order:a", "order:b"]).count() == 1
    books.provider.refresh_from_db()
    assert books.provider.balance_fen == 6_000
    assert_consistent()


@pytest.mark.usefixtures("slow_posting")
def test_the_same_payment_submitted_twice_at_once_is_one_transfer(books: Ledger) -> None:
    books.credit(amount_fen=6_000)

    results = race(lambda: books.pay(3_000, "order:1"), lambda: books.pay(3_000, "order:1"))

    assert all(isinstance(r, Transfer) for r in results), results
    assert results[0].pk == results[1].pk
    assert Transfer.objects.filter(reference="order:1").count() == 1
    assert ledger.balance(books.resident).total_fen == 3_000
    assert_consistent()


@pytest.mark.usefixtures("slow_posting")
def test_the_same_credit_submitted_twice_at_once_opens_one_account_and_credits_once(
    books: Ledger,
) -> None:
    results = race(
        lambda: books.credit(amount_fen=6_000, reference="credit:1"),
        lambda: books.credit(amount_fen=6_000, reference="credit:1"),
    )

    assert all(isinstance(r, Transfer) for r in results), results
    assert results[0].pk == results[1].pk
    assert LedgerAccount.objects.filter(resident=books.resident).count() == 1
    assert CreditLot.objects.count() == 1
    assert ledger.balance(books.resident).total_fen == 6_000
    assert_consistent()


@pytest.mark.usefixtures("slow_posting")
def test_a_refund_racing_a_payment_keeps_the_books(books: Ledger) -> None:
    books.credit(amount_fen=6_000)
    payment = books.pay(6_000, "order:1")

    results = race(
        lambda: ledger.refund_payment(
            actor=books.admin, payment=payment, reference="refund:1", reason="取消"
        ),
        lambda: books.pay(3_000, "order:2"),
    )

    refund, second = results
    assert isinstance(refund, Transfer), results
    # Whichever ran first decides: the payment finds the refunded credit or it finds nothing.
    if isinstance(second, Transfer):
        assert ledger.balance(books.resident).total_fen == 3_000
    else:
        assert isinstance(second, ledger.InsufficientCredit), results
        assert ledger.balance(books.resident).total_fen == 6_000
    assert_consistent()


@pytest.mark.usefixtures("slow_posting")
def test_without_the_row_lock_the_conditional_updates_still_refuse_a_double_spend(
    books: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defence in depth: with the lock taken away, both threads decide to spend the same lot;
    the lot's and the account's conditional UPDATEs let only one of them through."""
    books.credit(amount_fen=3_000)
    monkeypatch.setattr(QuerySet, "select_for_update", lambda self, *args, **kwargs: self)

    results = race(lambda: books.pay(3_000, "order:a"), lambda: books.pay(3_000, "order:b"))

    assert len([r for r in results if isinstance(r, Transfer)]) == 1, results
    assert len([r for r in results if isinstance(r, ledger.LedgerError)]) == 1, results
    assert ledger.balance(books.resident).total_fen == 0
    assert_consistent()
