"""Any sequence of entries and corrections keeps the books: totals equal their entries, nothing
exceeds its limit, and every original row stays as it was written. The database CHECKs refuse a
total beyond its limit written past the services."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eldercare.funds import services
from eldercare.funds.errors import FundsLimitError, FundsStateError
from eldercare.funds.models import Allocation, Expenditure, Source
from tests.funds.conftest import (
    Books,
    allocation_input,
    assert_consistent,
    expenditure_input,
)
from tests.funds.test_corrections import assert_only_appended, snapshot

pytestmark = pytest.mark.django_db

operations = st.lists(
    st.one_of(
        st.tuples(st.just("spend"), st.integers(1, 250_000)),
        st.tuples(st.just("allocate"), st.integers(1, 400_000)),
        st.tuples(st.just("correct_expenditure"), st.integers(0, 10**6)),
        st.tuples(st.just("cancel_expenditure"), st.integers(0, 10**6)),
        st.tuples(st.just("correct_allocation"), st.integers(1, 600_000)),
    ),
    min_size=1,
    max_size=12,
)


def _pick(rows: list, index: int):  # type: ignore[no-untyped-def]
    return rows[index % len(rows)] if rows else None


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations)
def test_any_sequence_keeps_the_books(books: Books, steps: list[tuple[str, int]]) -> None:
    with transaction.atomic():
        for name, value in steps:
            before = snapshot()
            live_allocations = list(services.live(Allocation.objects.all()).order_by("pk"))
            live_expenditures = list(services.live(Expenditure.objects.all()).order_by("pk"))
            try:
                if name == "spend" and live_allocations:
                    books.spend(value, allocation=_pick(live_allocations, value))
                elif name == "allocate":
                    books.allocate(value)
                elif name == "correct_expenditure" and live_expenditures:
                    services.correct_expenditure(
                        actor=books.admin,
                        expenditure=_pick(live_expenditures, value),
                        reason="更正",
                        replacement=expenditure_input(value % 50_000 + 1),
                    )
                elif name == "cancel_expenditure" and live_expenditures:
                    services.correct_expenditure(
                        actor=books.admin,
                        expenditure=_pick(live_expenditures, value),
                        reason="冲销",
                        replacement=None,
                    )
                elif name == "correct_allocation" and live_allocations:
                    services.correct_allocation(
                        actor=books.admin,
                        allocation=_pick(live_allocations, value),
                        reason="更正",
                        replacement=allocation_input(books.world.township_a, value),
                    )
            except (FundsLimitError, FundsStateError):
                assert snapshot() == before
            assert_only_appended(before)
            assert_consistent()
            for source in Source.objects.all():
                assert 0 <= source.allocated_fen <= source.net_fen
            for allocation in Allocation.objects.all():
                assert 0 <= allocation.spent_fen <= allocation.net_fen
        transaction.set_rollback(True)


@pytest.mark.parametrize(
    ("model", "field", "delta"),
    [
        (Allocation, "spent_fen", 400_001),
        (Allocation, "spent_fen", -1),
        (Source, "allocated_fen", 600_001),
        (Source, "allocated_fen", -400_001),
    ],
)
def test_the_database_refuses_a_total_beyond_its_limit(
    books: Books, model: type, field: str, delta: int
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.update(**{field: F(field) + delta})


def test_the_database_refuses_a_reversal_without_a_reason(books: Books) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Expenditure.objects.create(
            allocation=books.allocation,
            region_code=books.allocation.region_code,
            amount_fen=-5,
            spent_on=date(2020, 5, 1),
            payee="x",
            purpose="y",
            voucher_no="1",
            reverses=books.spend(5),
            created_by=books.admin,
        )
