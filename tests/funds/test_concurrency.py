"""Races between real database connections (one per thread): two expenditures that together
exceed what an allocation has left, two allocations that exceed a source. Exactly one wins.

The check is slowed down between reading what is left and writing, so that without the row
lock both threads would read the same remainder.
"""

import time
from typing import Any

import pytest
from django.db.models import QuerySet

from eldercare.funds import services
from eldercare.funds.errors import FundsLimitError, FundsStateError
from eldercare.funds.models import Allocation, Expenditure
from eldercare.funds.services import entries
from tests.concurrency import race
from tests.funds.conftest import Books, allocation_input, assert_consistent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def slow_check(monkeypatch: pytest.MonkeyPatch) -> None:
    original = entries.check_fits

    def slow(*args: Any, **kwargs: Any) -> None:
        time.sleep(0.3)
        original(*args, **kwargs)

    monkeypatch.setattr(entries, "check_fits", slow)


def _one_wins(results: list[Any], kind: type) -> None:
    assert len([r for r in results if isinstance(r, kind)]) == 1, results
    assert len([r for r in results if isinstance(r, FundsLimitError)]) == 1, results


@pytest.mark.usefixtures("slow_check")
@pytest.mark.parametrize("attempt", range(2))
def test_two_expenditures_exceeding_the_remainder_one_succeeds(books: Books, attempt: int) -> None:
    results = race(
        lambda: books.spend(250_000, voucher_no="A"), lambda: books.spend(250_000, voucher_no="B")
    )
    _one_wins(results, Expenditure)
    books.allocation.refresh_from_db()
    assert books.allocation.spent_fen == 250_000
    assert Expenditure.objects.count() == 1
    assert_consistent()


@pytest.mark.usefixtures("slow_check")
def test_two_allocations_exceeding_the_source_one_succeeds(books: Books) -> None:
    results = race(lambda: books.allocate(400_000), lambda: books.allocate(400_000))
    _one_wins(results, Allocation)
    books.source.refresh_from_db()
    assert books.source.allocated_fen == 800_000
    assert_consistent()


@pytest.mark.usefixtures("slow_check")
def test_without_the_row_lock_the_database_check_still_refuses_the_overspend(
    books: Books, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defence in depth: with the lock taken away both threads pass the service's check; the
    maintained total's CHECK constraint lets only one of them through."""
    monkeypatch.setattr(QuerySet, "select_for_update", lambda self, *args, **kwargs: self)
    results = race(
        lambda: books.spend(250_000, voucher_no="A"), lambda: books.spend(250_000, voucher_no="B")
    )
    _one_wins(results, Expenditure)
    assert Expenditure.objects.count() == 1
    assert_consistent()


@pytest.mark.usefixtures("slow_check")
def test_a_correction_racing_a_payment_keeps_the_books(books: Books) -> None:
    """Shrinking the allocation to what is spent while a payment comes in: whichever runs
    second finds no room, or finds the payment already moved to the corrected allocation."""
    books.spend(100_000)
    results = race(
        lambda: services.correct_allocation(
            actor=books.admin,
            allocation=books.allocation,
            reason="按实际支出调减",
            replacement=allocation_input(books.world.township_a, 200_000),
        ),
        lambda: books.spend(100_000, voucher_no="B"),
    )
    correction, payment = results
    assert not isinstance(correction, BaseException) or isinstance(correction, FundsLimitError), (
        results
    )
    assert not isinstance(payment, BaseException) or isinstance(
        payment, FundsLimitError | FundsStateError
    ), results
    assert_consistent()
    for allocation in Allocation.objects.all():
        assert 0 <= allocation.spent_fen <= allocation.net_fen
