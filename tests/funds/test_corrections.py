"""Corrections keep the original: a reversal and a new entry, linked, with the reason; no row is
ever updated (beyond its maintained totals) or deleted."""

from datetime import date
from typing import Any

import pytest
from django.db.models import Model

from eldercare.funds import services
from eldercare.funds.errors import FundsDataError, FundsLimitError, FundsStateError
from eldercare.funds.models import Allocation, Expenditure, Source
from tests.funds.conftest import (
    Books,
    allocation_input,
    assert_consistent,
    expenditure_input,
    source_input,
)

pytestmark = pytest.mark.django_db

MAINTAINED = {"net_fen", "allocated_fen", "spent_fen"}


def snapshot() -> dict[tuple[str, int], dict[str, Any]]:
    """Every entry's recorded fields (maintained totals left out)."""
    rows: dict[tuple[str, int], dict[str, Any]] = {}
    model: type[Model]
    for model in (Source, Allocation, Expenditure):
        for row in model._default_manager.values():
            rows[(model.__name__, row["id"])] = {
                key: value for key, value in row.items() if key not in MAINTAINED
            }
    return rows


def assert_only_appended(before: dict[tuple[str, int], dict[str, Any]]) -> None:
    after = snapshot()
    for key, values in before.items():
        assert after[key] == values, key


def test_correcting_an_expenditure_reverses_it_and_enters_the_corrected_one(
    books: Books,
) -> None:
    original = books.spend(150_000)
    before = snapshot()

    result = services.correct_expenditure(
        actor=books.admin,
        expenditure=original,
        reason="金额录入错误，应为 1,200 元",
        replacement=expenditure_input(120_000, voucher_no="记-0001"),
    )

    assert_only_appended(before)
    assert result.reversal.reverses == original
    assert result.reversal.amount_fen == -150_000
    assert result.reversal.spent_on == original.spent_on
    assert result.replacement is not None
    assert result.replacement.corrects == original
    assert result.replacement.reason == "金额录入错误，应为 1,200 元"
    books.allocation.refresh_from_db()
    assert books.allocation.spent_fen == 120_000
    original.refresh_from_db()
    assert original.is_reversed and not original.is_live
    assert services.voucher_chain(result.replacement) == [result.replacement, original]
    assert_consistent()


def test_an_expenditure_can_be_moved_to_another_allocation(books: Books) -> None:
    other = books.allocate(200_000, region_code=books.world.township_a_other)
    original = books.spend(150_000)
    result = services.correct_expenditure(
        actor=books.admin,
        expenditure=original,
        reason="记错了下达批次",
        replacement=expenditure_input(150_000),
        allocation=other,
    )
    assert result.replacement is not None
    assert result.replacement.region_code == books.world.township_a_other
    other.refresh_from_db()
    books.allocation.refresh_from_db()
    assert (books.allocation.spent_fen, other.spent_fen) == (0, 150_000)
    assert_consistent()


def test_a_correction_needs_a_reason_and_cannot_be_repeated(books: Books) -> None:
    original = books.spend(150_000)
    with pytest.raises(FundsDataError, match="必须说明原因"):
        services.correct_expenditure(
            actor=books.admin, expenditure=original, reason="  ", replacement=None
        )
    result = services.correct_expenditure(
        actor=books.admin, expenditure=original, reason="重复录入", replacement=None
    )
    assert result.replacement is None
    with pytest.raises(FundsStateError, match="已被冲销"):
        services.correct_expenditure(
            actor=books.admin, expenditure=original, reason="再次", replacement=None
        )
    with pytest.raises(FundsStateError, match="这是一条冲销记录"):
        services.correct_expenditure(
            actor=books.admin, expenditure=result.reversal, reason="再次", replacement=None
        )
    assert Expenditure.objects.count() == 2
    assert_consistent()


def test_a_replacement_beyond_the_allocation_rolls_the_whole_correction_back(
    books: Books,
) -> None:
    original = books.spend(150_000)
    before = snapshot()
    with pytest.raises(FundsLimitError):
        services.correct_expenditure(
            actor=books.admin,
            expenditure=original,
            reason="金额有误",
            replacement=expenditure_input(400_001),
        )
    assert snapshot() == before
    books.allocation.refresh_from_db()
    assert books.allocation.spent_fen == 150_000


def test_correcting_an_allocation_moves_its_expenditures(books: Books) -> None:
    first = books.spend(100_000)
    second = books.spend(50_000, voucher_no="记-0002", spent_on=date(2020, 6, 1))
    before = snapshot()

    result = services.correct_allocation(
        actor=books.admin,
        allocation=books.allocation,
        reason="下达文件金额为 3,000 元",
        replacement=allocation_input(books.world.township_a, 300_000),
    )

    assert_only_appended(before)
    new = result.replacement
    assert new is not None and new.corrects == books.allocation
    assert result.reversal.amount_fen == -400_000
    moved = list(new.expenditures.order_by("spent_on"))
    assert [(row.corrects, row.amount_fen) for row in moved] == [(first, 100_000), (second, 50_000)]
    new.refresh_from_db()
    assert new.spent_fen == 150_000
    books.source.refresh_from_db()
    assert books.source.allocated_fen == 300_000
    assert_consistent()


def test_an_allocation_cannot_shrink_below_what_was_spent(books: Books) -> None:
    books.spend(150_000)
    before = snapshot()
    with pytest.raises(FundsLimitError):
        services.correct_allocation(
            actor=books.admin,
            allocation=books.allocation,
            reason="金额有误",
            replacement=allocation_input(books.world.township_a, 100_000),
        )
    assert snapshot() == before


def test_cancelling_an_allocation_with_expenditures_is_refused(books: Books) -> None:
    books.spend(150_000)
    with pytest.raises(FundsStateError, match=r"已有 1 笔支出，共 1,500\.00 元"):
        services.correct_allocation(
            actor=books.admin, allocation=books.allocation, reason="撤销", replacement=None
        )
    assert Allocation.objects.count() == 1


def test_correcting_a_source_moves_allocations_and_their_expenditures(books: Books) -> None:
    books.spend(150_000)
    before = snapshot()
    result = services.correct_source(
        actor=books.admin,
        source=books.source,
        reason="到位金额以国库拨款单为准",
        replacement=source_input(books.world.county_a, 800_000),
    )
    assert_only_appended(before)
    new = result.replacement
    assert new is not None
    new.refresh_from_db()
    assert (new.amount_fen, new.allocated_fen) == (800_000, 400_000)
    moved = Allocation.objects.get(source=new)
    assert moved.corrects == books.allocation and moved.spent_fen == 150_000
    assert_consistent()


def test_a_source_cannot_shrink_below_what_was_allocated(books: Books) -> None:
    before = snapshot()
    with pytest.raises(FundsLimitError):
        services.correct_source(
            actor=books.admin,
            source=books.source,
            reason="金额有误",
            replacement=source_input(books.world.county_a, 399_999),
        )
    assert snapshot() == before
    with pytest.raises(FundsStateError, match="已下达 1 笔"):
        services.correct_source(
            actor=books.admin, source=books.source, reason="撤销", replacement=None
        )
