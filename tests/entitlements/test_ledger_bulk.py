"""The bulk path of the monthly run and the batched expiry: same books as one by one, idempotent,
resumable after a crash."""

from datetime import date, datetime
from typing import Any

import pytest
import time_machine

from eldercare.core.models import AuditEvent
from eldercare.entitlements import ledger
from eldercare.entitlements.models import (
    AccountKind,
    Cause,
    CreditLot,
    LedgerAccount,
    LedgerEntry,
    Transfer,
)
from eldercare.registry.models import Resident
from tests import factories
from tests.entitlements.conftest import (
    MEAL,
    NOVEMBER,
    NOVEMBER_END,
    SHANGHAI,
    Ledger,
    assert_consistent,
    snapshot,
)

pytestmark = pytest.mark.django_db
PREFIX = "credit:2026-11:service"


@pytest.fixture
def residents(books: Ledger) -> list[Resident]:
    return [books.resident, books.resident_2] + [
        factories.resident(books.world.village_a2, name=f"老人{n}") for n in range(3)
    ]


def rows(residents: list[Resident], amount: int = 6_000) -> list[tuple[Any, ...]]:
    return [
        (resident.pk, amount + index, [MEAL] if index % 2 else None, NOVEMBER_END)
        for index, resident in enumerate(residents)
    ]


def run(books: Ledger, credits: Any, **extra: Any) -> ledger.BulkCreditResult:
    return ledger.credit_residents_bulk(
        actor=books.admin,
        fund=books.county_fund,
        month=NOVEMBER,
        credits=credits,
        reference_prefix=PREFIX,
        **{"batch_size": 2, **extra},
    )


def test_bulk_credit_writes_what_single_credits_would(
    books: Ledger, residents: list[Resident]
) -> None:
    books.credit(books.resident, amount_fen=100, reference="earlier")  # the account exists already
    result = run(books, rows(residents))

    assert (result.credited, result.skipped, result.batches) == (5, 0, 3)
    assert result.amount_fen == 5 * 6_000 + (0 + 1 + 2 + 3 + 4)
    transfer = Transfer.objects.get(reference=f"{PREFIX}:resident:{residents[1].pk}")
    lot = transfer.created_lot
    assert (transfer.cause, transfer.amount_fen, transfer.month, transfer.region_code) == (
        Cause.MONTHLY_CREDIT,
        6_001,
        NOVEMBER,
        residents[1].region_code,
    )
    assert (lot.amount_fen, lot.remaining_fen, lot.items, lot.expires_on) == (
        6_001,
        6_001,
        [MEAL],
        NOVEMBER_END,
    )
    assert LedgerAccount.objects.filter(kind=AccountKind.RESIDENT).count() == 5
    assert ledger.balance(books.resident).total_fen == 6_100
    books.county_fund.refresh_from_db()
    assert books.county_fund.balance_fen == 10_000_000 - 100 - result.amount_fen
    audits = AuditEvent.objects.filter(object_repr__startswith="批量发放")
    assert sorted(len(event.detail["transfers"]) for event in audits) == [1, 2, 2]
    assert_consistent()


def test_a_rerun_skips_everything_already_credited(
    books: Ledger, residents: list[Resident]
) -> None:
    run(books, rows(residents))
    before = snapshot()
    result = run(books, rows(residents))
    assert (result.credited, result.skipped, result.amount_fen) == (0, 5, 0)
    assert snapshot() == before


def test_a_single_credit_with_the_same_reference_counts_as_done(
    books: Ledger, residents: list[Resident]
) -> None:
    books.credit(residents[0], amount_fen=6_000, reference=f"{PREFIX}:resident:{residents[0].pk}")
    result = run(books, rows(residents))
    assert (result.credited, result.skipped) == (4, 1)


def test_a_crash_midway_loses_only_the_batch_in_progress(
    books: Ledger, residents: list[Resident], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = LedgerEntry.objects.bulk_create
    calls = {"n": 0}

    def crash_on_second_batch(objs: Any, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        return original(objs, *args, **kwargs)

    monkeypatch.setattr(LedgerEntry.objects, "bulk_create", crash_on_second_batch)
    with pytest.raises(RuntimeError):
        run(books, rows(residents))
    monkeypatch.undo()
    assert Transfer.objects.filter(reference__startswith=PREFIX).count() == 2
    assert CreditLot.objects.count() == 2
    assert_consistent()

    result = run(books, rows(residents))
    assert (result.credited, result.skipped) == (3, 2)
    assert Transfer.objects.filter(reference__startswith=PREFIX).count() == 5
    assert_consistent()


def test_a_rerun_with_another_amount_is_a_conflict(
    books: Ledger, residents: list[Resident]
) -> None:
    run(books, rows(residents))
    before = snapshot()
    with pytest.raises(ledger.ReferenceConflict, match="金额"):
        run(books, rows(residents, amount=7_000))
    assert snapshot() == before


def test_bad_rows_stop_the_run_at_their_batch(books: Ledger, residents: list[Resident]) -> None:
    credits = rows(residents)
    credits[3] = (residents[3].pk, 0, None, NOVEMBER_END)
    with pytest.raises(
        ledger.LedgerInputError, match=f"第 4 行（老人 {residents[3].pk}）：金额：不能为零"
    ):
        run(books, iter(credits))
    assert Transfer.objects.filter(reference__startswith=PREFIX).count() == 2  # the first batch
    assert_consistent()


def test_progress_is_reported_per_batch(books: Ledger, residents: list[Resident]) -> None:
    seen: list[int] = []
    run(books, rows(residents), progress=lambda result: seen.append(result.credited))
    assert seen == [2, 4, 5]


def test_expiry_in_batches_sweeps_every_lot(
    books: Ledger, residents: list[Resident], clock: time_machine.Traveller
) -> None:
    run(books, rows(residents))
    books.pay(1_000, "order:1")
    clock.move_to(datetime(2026, 12, 1, 1, tzinfo=SHANGHAI))
    summary = ledger.expire_credit(on=date(2026, 12, 1), batch_size=2)
    assert (summary.lots, summary.amount_fen) == (5, 5 * 6_000 + 10 - 1_000)
    assert Transfer.objects.filter(cause=Cause.EXPIRY).count() == 5
    assert set(CreditLot.objects.values_list("remaining_fen", flat=True)) == {0}
    sink = LedgerAccount.objects.get(kind=AccountKind.EXPIRY, region_code=books.world.county_a)
    assert sink.balance_fen == summary.amount_fen
    assert_consistent()


def test_bulk_credit_moves_an_account_with_its_resident(
    books: Ledger, residents: list[Resident]
) -> None:
    books.credit(books.resident, amount_fen=100, reference="earlier")
    books.resident.region_code = books.world.village_a2
    books.resident.save()
    run(books, rows(residents))
    account = LedgerAccount.objects.get(resident=books.resident)
    assert account.region_code == books.world.village_a2
    transfer = Transfer.objects.get(reference=f"{PREFIX}:resident:{books.resident.pk}")
    assert transfer.region_code == books.world.village_a2
