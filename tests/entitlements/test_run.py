"""The monthly run: credits what the rules and grants say, once — run twice, crash midway and
resume or start again — reports per township what the ledger holds, and refuses overlaps."""

from datetime import date, datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import Http404

from eldercare.accounts.models import Role
from eldercare.entitlements import ledger
from eldercare.entitlements.documents import upload_policy_document
from eldercare.entitlements.errors import (
    EntitlementInputError,
    EntitlementStateError,
    RunConflict,
)
from eldercare.entitlements.grants import grant_entitlement
from eldercare.entitlements.models import (
    CREDIT_CAUSES,
    Cause,
    CreditKind,
    CreditLot,
    EntitlementRun,
    LedgerAccount,
    PolicyDocument,
    RunStatus,
    Transfer,
)
from eldercare.entitlements.policy import SHIPPED_POLICIES_DIR
from eldercare.entitlements.runs import execute_run, resume_monthly_run, start_monthly_run
from eldercare.regions.codes import subtree_range
from eldercare.registry.models import Resident
from tests import factories
from tests.catalogue.builders import item as catalogue_item
from tests.conftest import World
from tests.entitlements.conftest import SHANGHAI, assert_consistent
from tests.entitlements.test_run_fixtures import (  # noqa: F401 — fixtures
    People,
    people_fixture,
    state,
    yongzhou_fixture,
)

pytestmark = pytest.mark.django_db
NOVEMBER = date(2026, 11, 1)
DECEMBER = date(2026, 12, 1)
REFERENCE = "credit:2026-11:resident:{}:{}"


@pytest.fixture(autouse=True)
def now(clock: time_machine.Traveller) -> time_machine.Traveller:
    return clock


def run_month(
    world: World,
    region: str | None = None,
    month: date = NOVEMBER,
    *,
    actor: Any = None,
    batch_size: int = 2,
    progress: Any = None,
) -> EntitlementRun:
    run = start_monthly_run(
        actor=actor or world.user(Role.COUNTY_ADMIN),
        region_code=region or world.county_a,
        month=month,
        background=False,
    )
    execute_run(run.pk, batch_size=batch_size, progress=progress)
    run.refresh_from_db()
    return run


def credits_of(resident: Resident) -> dict[str, tuple[int, str]]:
    """reference → (amount, account kind) of the resident's credits."""
    return {
        reference: (amount, kind)
        for reference, amount, kind in Transfer.objects.filter(
            resident=resident, cause__in=CREDIT_CAUSES
        ).values_list("reference", "amount_fen", "payee__credit_kind")
    }


def expected_november(people: People) -> dict[int, dict[str, tuple[int, str]]]:
    d, v, s = people.destitute.pk, people.very_old.pk, people.several.pk
    return {
        d: {REFERENCE.format(d, "yz-home-care-destitute"): (10_000, CreditKind.SERVICE)},
        v: {REFERENCE.format(v, "yz-home-care-special-difficulty"): (6_000, CreditKind.SERVICE)},
        people.disabled.pk: {
            REFERENCE.format(people.disabled.pk, "yz-care-severe-disability"): (
                8_000,
                CreditKind.CARE,
            )
        },
        people.general.pk: {},
        s: {
            REFERENCE.format(s, "yz-home-care-special-difficulty"): (6_000, CreditKind.SERVICE),
            REFERENCE.format(s, "yz-care-severe-disability"): (8_000, CreditKind.CARE),
            REFERENCE.format(s, "yz-care-disabled-difficult"): (10_000, CreditKind.CARE),
        },
    }


def assert_credited_once(people: People) -> None:
    for resident in people.county_a:
        assert credits_of(resident) == expected_november(people)[resident.pk], resident.name
    assert credits_of(people.moved) == {}
    assert credits_of(people.other_county) == {}


def ledger_total(region_code: str, month: date) -> int:
    low, high = subtree_range(region_code)
    total = Transfer.objects.filter(
        cause__in=CREDIT_CAUSES, month=month, region_code__gte=low, region_code__lte=high
    ).aggregate(total=Sum("amount_fen"))["total"]
    return total or 0


def assert_report_matches_ledger(run: EntitlementRun) -> None:
    townships = run.report["townships"]
    assert townships
    for code, figures in townships.items():
        assert figures["amount_fen"] == ledger_total(code, run.month), code
        assert figures["service_fen"] + figures["care_fen"] == figures["amount_fen"]
    total = sum(figures["amount_fen"] for figures in townships.values())
    assert total == ledger_total(run.region_code, run.month)


# --- what is credited ---------------------------------------------------------------------------


def test_the_run_credits_every_eligible_resident_what_the_rules_say(
    world: World, people: People
) -> None:
    run = run_month(world)

    assert run.status == RunStatus.DONE, run.error
    assert_credited_once(people)
    assert (run.residents_total, run.residents_done, run.batches_done) == (5, 5, 3)
    assert (run.report["written"], run.report["skipped"]) == (6, 0)
    assert run.report["townships"][world.township_a] == {
        "residents": 4,  # 张特, 李高, 赵普 in one village, 周五 in the other
        "no_policy": 0,
        "entitled": 3,
        "credits": 5,
        "amount_fen": 10_000 + 6_000 + 6_000 + 8_000 + 10_000,
        "service_fen": 22_000,
        "care_fen": 18_000,
        "grant_credits": 0,
        "grant_fen": 0,
    }
    assert run.report["townships"][world.township_a_other]["amount_fen"] == 8_000
    assert run.report["by_basis"]["yz-care-disabled-difficult"] == {
        "count": 1,
        "amount_fen": 10_000,
    }
    assert_report_matches_ledger(run)
    lot = CreditLot.objects.get(
        transfer__reference=REFERENCE.format(people.destitute.pk, "yz-home-care-destitute")
    )
    assert (lot.month, lot.expires_on, lot.remaining_fen) == (NOVEMBER, date(2026, 11, 30), 10_000)
    assert lot.items == sorted(
        [
            *("meal", "bath", "cleaning", "medical", "mobility", "emergency"),
            *("rehabilitation", "companionship"),
        ]
    )
    care = CreditLot.objects.get(
        transfer__reference=REFERENCE.format(people.disabled.pk, "yz-care-severe-disability")
    )
    assert care.items is None
    transfer = lot.transfer
    assert (transfer.cause, transfer.actor_username, transfer.region_code) == (
        Cause.MONTHLY_CREDIT,
        "county_admin",
        people.destitute.region_code,
    )
    fund = LedgerAccount.objects.get(pk=transfer.payer_id)
    assert (fund.region_code, fund.name, fund.allows_negative) == (
        world.county_a,
        "居家养老服务补贴（月度发放）",
        True,
    )
    assert run.documents == {
        "431100000000": {
            "id": people_document_id(),
            "revision": 1,
            "sha256": run.documents["431100000000"]["sha256"],
        }
    }
    assert_consistent()


def people_document_id() -> int:
    return PolicyDocument.objects.get(region_code="431100000000").pk


def test_running_twice_credits_once(world: World, people: People) -> None:
    first = run_month(world)
    balances = sorted(LedgerAccount.objects.values_list("pk", "balance_fen"))
    transfers = Transfer.objects.count()

    second = run_month(world)

    assert second.status == RunStatus.DONE
    assert (second.report["written"], second.report["skipped"]) == (0, 6)
    assert second.report["townships"] == first.report["townships"]
    assert Transfer.objects.count() == transfers
    assert sorted(LedgerAccount.objects.values_list("pk", "balance_fen")) == balances
    assert_credited_once(people)
    assert_report_matches_ledger(second)


class Crash(Exception):
    pass


def crash_after(batches: int) -> Any:
    def progress(run: EntitlementRun) -> None:
        if run.batches_done == batches:
            raise Crash("worker killed")

    return progress


def test_a_crash_midway_then_resume_credits_everyone_exactly_once(
    world: World, people: People
) -> None:
    with pytest.raises(Crash):
        run_month(world, progress=crash_after(1))
    run = EntitlementRun.objects.get()
    assert run.status == RunStatus.FAILED
    assert "内部错误" in run.error
    assert (run.residents_done, run.batches_done) == (2, 1)
    done = Resident.objects.filter(
        pk__in=[p.pk for p in people.county_a],
        transfers__isnull=False,
    ).distinct()
    assert 0 < done.count() < 4
    assert_report_matches_ledger(run)
    assert_consistent()

    resume_monthly_run(actor=world.user(Role.COUNTY_ADMIN), run=run, background=False)
    execute_run(run.pk, batch_size=2)
    run.refresh_from_db()

    assert run.status == RunStatus.DONE
    assert (run.residents_done, run.attempts) == (5, 2)
    assert (run.report["written"], run.report["skipped"]) == (6, 0)
    assert_credited_once(people)
    assert_report_matches_ledger(run)
    assert_consistent()


def test_a_crash_in_the_middle_of_a_batch_loses_only_that_batch(
    world: World, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"n": 0}
    original = ledger.credit_residents_bulk

    def dies_in_second_batch(**kwargs: Any) -> Any:
        calls["n"] += 1
        result = original(**kwargs)
        if calls["n"] == 3:  # batch 1 has one bulk call; batch 2's second one crashes after it
            raise Crash("killed between two bulk calls of a batch")
        return result

    monkeypatch.setattr(ledger, "credit_residents_bulk", dies_in_second_batch)
    with pytest.raises(Crash):
        run_month(world)
    monkeypatch.undo()
    run = EntitlementRun.objects.get()
    assert run.batches_done == 1
    assert_report_matches_ledger(run)

    second = run_month(world)  # a new run of the month, not a resume: the ledger skips batch 1

    assert second.status == RunStatus.DONE
    assert second.report["skipped"] == run.report["written"]
    assert_credited_once(people)
    assert_report_matches_ledger(second)
    assert_consistent()


def test_a_resumed_run_does_not_evaluate_the_done_residents_again(
    world: World, people: People
) -> None:
    with pytest.raises(Crash):
        run_month(world, progress=crash_after(2))
    run = EntitlementRun.objects.get()
    seen: list[int] = []
    resume_monthly_run(actor=world.user(Role.COUNTY_ADMIN), run=run, background=False)

    def watch(current: EntitlementRun) -> None:
        seen.append(current.residents_done)

    execute_run(run.pk, batch_size=2, progress=watch)
    assert seen == [5]


# --- grants next to the rules -------------------------------------------------------------------


def test_grants_are_credited_next_to_the_rules(world: World, people: People) -> None:
    catalogue_item("ZC-001", "助餐·集中就餐")
    admin = world.user(Role.COUNTY_ADMIN)
    monthly = grant_entitlement(
        actor=admin,
        resident=people.general,
        kind="monthly_service_credit",
        amount_fen=5_000,
        items=["meal", "item:ZC-001"],
        first_month=NOVEMBER,
        last_month=None,
        reason="申请批准",
        source_reference="application:1",
    )
    once = grant_entitlement(
        actor=admin,
        resident=people.destitute,
        kind="one_off_subsidy",
        amount_fen=300_000,
        items=["home_adaptation"],
        first_month=NOVEMBER,
        last_month=None,
        reason="适老化改造",
        source_reference="application:2",
    )
    later = grant_entitlement(
        actor=admin,
        resident=people.very_old,
        kind="care_subsidy",
        amount_fen=2_000,
        items=None,
        first_month=DECEMBER,
        last_month=None,
        reason="下月起",
        source_reference="application:3",
    )

    run = run_month(world)

    general = credits_of(people.general)
    assert general == {
        f"credit:2026-11:resident:{people.general.pk}:grant:{monthly.pk}": (
            5_000,
            CreditKind.SERVICE,
        )
    }
    lot = CreditLot.objects.get(transfer__reference__endswith=f"grant:{monthly.pk}")
    assert lot.items == ["ZC-001", "meal"]
    adaptation = Transfer.objects.get(reference__endswith=f"grant:{once.pk}")
    assert adaptation.reference == (
        f"credit:one-off:resident:{people.destitute.pk}:grant:{once.pk}"
    )
    assert (adaptation.cause, adaptation.month) == (Cause.ONE_OFF_CREDIT, NOVEMBER)
    assert adaptation.created_lot.expires_on == date(2027, 10, 31)
    assert not Transfer.objects.filter(reference__endswith=f"grant:{later.pk}").exists()
    figures = run.report["townships"][world.township_a]
    assert (figures["grant_credits"], figures["grant_fen"]) == (2, 305_000)
    assert run.report["by_basis"]["grant"] == {"count": 2, "amount_fen": 305_000}
    assert_report_matches_ledger(run)

    rerun = run_month(world)
    assert rerun.report["written"] == 0
    assert rerun.report["townships"] == run.report["townships"]
    assert_report_matches_ledger(rerun)
    assert_consistent()


def test_a_one_off_grant_is_paid_once_across_months(
    world: World, people: People, now: time_machine.Traveller
) -> None:
    once = grant_entitlement(
        actor=world.user(Role.COUNTY_ADMIN),
        resident=people.general,
        kind="one_off_subsidy",
        amount_fen=100_000,
        items=None,
        first_month=NOVEMBER,
        last_month=None,
        reason="一次性",
        source_reference="decision:7",
    )
    run_month(world)
    now.move_to(datetime(2026, 12, 2, 9, tzinfo=SHANGHAI))
    december = run_month(world, month=DECEMBER)

    assert Transfer.objects.filter(reference__endswith=f"grant:{once.pk}").count() == 1
    assert december.report["townships"][world.township_a]["grant_credits"] == 0
    assert_report_matches_ledger(december)


# --- unused credit ------------------------------------------------------------------------------


def test_unused_credit_expires_at_month_end_and_is_swept_by_the_next_run(
    world: World, people: People, now: time_machine.Traveller
) -> None:
    run_month(world)
    october_left = ledger.balance(people.destitute).total_fen
    assert october_left == 10_000
    now.move_to(datetime(2026, 12, 1, 8, tzinfo=SHANGHAI))

    december = run_month(world, month=DECEMBER)

    assert december.expiry["lots"] == 6
    assert december.expiry["amount_fen_in_region"] == 48_000
    assert ledger.balance(people.destitute).total_fen == 10_000  # December's only
    assert (
        CreditLot.objects.get(
            transfer__reference=REFERENCE.format(people.destitute.pk, "yz-home-care-destitute")
        ).remaining_fen
        == 0
    )
    assert_consistent()


def test_carry_over_months_from_the_rule_file(world: World, people: People) -> None:
    admin = world.user(Role.CITY_ADMIN)
    text = yongzhou_text().replace("carry_over_months: 0", "carry_over_months: 2")
    upload_policy_document(actor=admin, text=text, source_name="yz.yaml", activate=True)

    run_month(world, actor=admin)

    lot = CreditLot.objects.get(
        transfer__reference=REFERENCE.format(people.destitute.pk, "yz-home-care-destitute")
    )
    assert lot.expires_on == date(2027, 1, 31)


def yongzhou_text() -> str:
    return (SHIPPED_POLICIES_DIR / "431100-yongzhou.yaml").read_text(encoding="utf-8")


def test_a_county_file_replaces_its_citys_for_its_residents(world: World, people: People) -> None:
    county_text = (
        yongzhou_text()
        .replace('region: "431100000000"', f'region: "{world.county_b}"')
        .replace("amount: 100\n", "amount: 120\n", 1)
    )
    upload_policy_document(
        actor=world.user(Role.CITY_ADMIN), text=county_text, source_name="b.yaml", activate=True
    )

    run = run_month(world, "431100000000", actor=world.user(Role.CITY_ADMIN))

    assert credits_of(people.other_county) == {
        REFERENCE.format(people.other_county.pk, "yz-home-care-destitute"): (
            12_000,
            CreditKind.SERVICE,
        )
    }
    assert credits_of(people.destitute)[
        REFERENCE.format(people.destitute.pk, "yz-home-care-destitute")
    ] == (10_000, CreditKind.SERVICE)
    assert set(run.documents) == {"431100000000", world.county_b}
    assert_report_matches_ledger(run)


def test_residents_without_a_rule_file_get_only_their_grants(world: World) -> None:
    resident = factories.resident(world.village_a, economic_status="destitute")
    run = run_month(world)
    assert credits_of(resident) == {}
    assert run.report["townships"][world.township_a]["no_policy"] == 1


# --- refusals -----------------------------------------------------------------------------------


def test_a_second_run_for_an_overlapping_region_and_month_is_refused(
    world: World, people: People
) -> None:
    city = start_monthly_run(
        actor=world.user(Role.CITY_ADMIN),
        region_code="431100000000",
        month=NOVEMBER,
        background=False,
    )
    before = state()
    with pytest.raises(RunConflict, match=f"#{city.pk}") as error:
        start_monthly_run(
            actor=world.user(Role.COUNTY_ADMIN),
            region_code=world.county_a,
            month=NOVEMBER,
            background=False,
        )
    assert error.value.run_id == city.pk
    with pytest.raises(RunConflict):
        start_monthly_run(
            actor=world.user(Role.SYSTEM_ADMIN),
            region_code="430000000000",
            month=NOVEMBER,
            background=False,
        )
    assert state() == before
    # Another month, or the same month once the first run is over, is fine.
    start_monthly_run(
        actor=world.user(Role.COUNTY_ADMIN),
        region_code=world.county_a,
        month=DECEMBER,
        background=False,
    )
    execute_run(city.pk)
    start_monthly_run(
        actor=world.user(Role.COUNTY_ADMIN),
        region_code=world.county_a,
        month=NOVEMBER,
        background=False,
    )


@pytest.mark.parametrize(
    ("who", "region", "error"),
    [
        (Role.TOWNSHIP_WORKER, "township_a", PermissionDenied),
        (Role.VILLAGE_WORKER, "village_a", PermissionDenied),
        (Role.AUDITOR, "county_a", PermissionDenied),
        ("county_b_admin", "county_a", Http404),
        (Role.COUNTY_ADMIN, "county_b", Http404),
        ("unbound", "county_a", Http404),
    ],
)
def test_who_may_start_a_run(
    world: World, people: People, who: str, region: str, error: type[Exception]
) -> None:
    before = state()
    with pytest.raises(error):
        start_monthly_run(
            actor=world.user(who),
            region_code=getattr(world, region),
            month=NOVEMBER,
            background=False,
        )
    assert state() == before


@pytest.mark.parametrize(
    ("month", "message"),
    [
        (date(2026, 10, 1), "2026-10 已过去"),
        (date(2027, 1, 1), "最多提前发放下月（2026-12）"),
    ],
)
def test_months_that_cannot_be_run(world: World, month: date, message: str) -> None:
    with pytest.raises(EntitlementInputError, match=message):
        start_monthly_run(
            actor=world.user(Role.COUNTY_ADMIN),
            region_code=world.county_a,
            month=month,
            background=False,
        )


def test_only_failed_or_dead_runs_can_be_resumed(
    world: World, people: People, now: time_machine.Traveller
) -> None:
    run = run_month(world)
    with pytest.raises(EntitlementStateError, match="只有失败或中断的任务可以继续"):
        resume_monthly_run(actor=world.user(Role.COUNTY_ADMIN), run=run, background=False)
    stuck = start_monthly_run(
        actor=world.user(Role.COUNTY_ADMIN),
        region_code=world.county_a,
        month=DECEMBER,
        background=False,
    )
    EntitlementRun.objects.filter(pk=stuck.pk).update(
        status=RunStatus.RUNNING, heartbeat_at=datetime(2026, 11, 16, 9, tzinfo=SHANGHAI)
    )
    stuck.refresh_from_db()
    assert stuck.is_stale
    resume_monthly_run(actor=world.user(Role.COUNTY_ADMIN), run=stuck, background=False)
    stuck.refresh_from_db()
    assert stuck.status == RunStatus.QUEUED


def test_a_task_delivered_twice_runs_once(world: World, people: People) -> None:
    run = run_month(world)
    assert execute_run(run.pk) is None
