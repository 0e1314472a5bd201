"""Entering sources, projects, allocations and expenditures: what is written, what is refused
(with a clear message and nothing written), who may do it."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from eldercare.accounts.models import Role
from eldercare.core.models import AuditEvent
from eldercare.funds import rules, services
from eldercare.funds.errors import FundsDataError, FundsLimitError, FundsStateError
from eldercare.funds.models import Allocation, Expenditure, Project, Source
from tests.conftest import World
from tests.funds.conftest import (
    Books,
    allocation_input,
    assert_consistent,
    expenditure_input,
    source_input,
)

pytestmark = pytest.mark.django_db


def test_a_source_is_written_with_its_net_amount_and_audited(world: World) -> None:
    admin = world.user(Role.COUNTY_ADMIN)
    source = services.create_source(
        actor=admin, data=source_input(world.county_a, 123_456, name="  中央  补助 ")
    )
    source.refresh_from_db()
    assert (source.amount_fen, source.net_fen, source.allocated_fen) == (123_456, 123_456, 0)
    assert source.name == "中央 补助"
    event = AuditEvent.objects.get(object_type="funds.source", object_id=str(source.pk))
    assert event.actor == admin and event.region_code == world.county_a
    assert event.detail["amount_fen"] == 123_456


def test_every_problem_of_a_source_is_reported_at_once_and_nothing_is_written(
    world: World,
) -> None:
    bad = source_input(
        world.county_a, 0, kind="gift", year=1999, name="", received_on=date.today() + timedelta(2)
    )
    with pytest.raises(FundsDataError) as caught:
        services.create_source(actor=world.user(Role.COUNTY_ADMIN), data=bad)
    assert {p.field for p in caught.value.problems} == {
        "kind",
        "year",
        "name",
        "amount_fen",
        "received_on",
    }
    assert "金额：金额应大于零" in str(caught.value)
    assert Source.objects.count() == 0


def test_a_source_needs_an_existing_region_in_scope_and_manage_funds(world: World) -> None:
    with pytest.raises(FundsDataError, match="区划代码不存在"):
        services.create_source(
            actor=world.user(Role.COUNTY_ADMIN), data=source_input("431102999000")
        )
    with pytest.raises(Http404):
        services.create_source(
            actor=world.user(Role.COUNTY_ADMIN), data=source_input(world.county_b)
        )
    for role in (Role.TOWNSHIP_WORKER, Role.AUDITOR, Role.VILLAGE_WORKER):
        with pytest.raises(PermissionDenied):
            services.create_source(actor=world.user(role), data=source_input(world.township_a))
    assert Source.objects.count() == 0


def test_an_allocation_takes_from_the_source_and_is_audited(books: Books) -> None:
    books.source.refresh_from_db()
    assert books.source.allocated_fen == 400_000
    assert books.source.unallocated_fen == 600_000
    books.allocate(600_000, region_code=books.world.county_a)
    books.source.refresh_from_db()
    assert books.source.unallocated_fen == 0
    assert AuditEvent.objects.filter(object_type="funds.allocation").count() == 2
    assert_consistent()


def test_an_allocation_beyond_what_the_source_has_left_is_refused(books: Books) -> None:
    with pytest.raises(FundsLimitError) as caught:
        books.allocate(600_001)
    assert "尚余 6,000.00 元，本次需要 6,000.01 元" in str(caught.value)
    assert (caught.value.remaining_fen, caught.value.requested_fen) == (600_000, 600_001)
    assert Allocation.objects.count() == 1
    books.source.refresh_from_db()
    assert books.source.allocated_fen == 400_000


def test_an_allocation_stays_inside_the_source_region_and_after_its_arrival(
    books: Books,
) -> None:
    with pytest.raises(FundsDataError) as caught:
        services.allocate(
            actor=books.world.user(Role.CITY_ADMIN),
            source=books.source,
            data=allocation_input(books.world.county_b, 1_000, allocated_on=date(2020, 1, 1)),
        )
    assert {p.code for p in caught.value.problems} == {"outside_source", "before_source"}
    assert Allocation.objects.count() == 1


def test_an_allocation_to_a_project_needs_the_project_inside_its_region(books: Books) -> None:
    other = services.create_project(
        actor=books.admin,
        data=rules.ProjectInput(books.world.township_a_other, "水口山镇日间照料中心", "facility"),
    )
    with pytest.raises(FundsDataError, match="项目不存在或不在下达区划内"):
        books.allocate(1_000, project_id=other.pk)
    mine = services.create_project(
        actor=books.admin,
        data=rules.ProjectInput(books.world.township_a, "朝阳街道日间照料中心", "facility"),
    )
    assert books.allocate(1_000, project_id=mine.pk).project == mine


def test_a_project_name_is_unique_in_its_region(world: World) -> None:
    admin = world.user(Role.COUNTY_ADMIN)
    data = rules.ProjectInput(world.county_a, "智慧养老平台", "platform")
    services.create_project(actor=admin, data=data)
    with pytest.raises(FundsDataError, match="本区划已有项目"):
        services.create_project(actor=admin, data=data)
    with pytest.raises(FundsDataError, match="无法识别的项目类别"):
        services.create_project(
            actor=admin, data=rules.ProjectInput(world.county_a, "培训", "party")
        )
    assert Project.objects.count() == 1


def test_an_expenditure_takes_from_its_allocation(books: Books) -> None:
    expenditure = books.spend(150_000)
    assert expenditure.region_code == books.world.township_a
    books.allocation.refresh_from_db()
    assert (books.allocation.spent_fen, books.allocation.unspent_fen) == (150_000, 250_000)
    event = AuditEvent.objects.get(object_type="funds.expenditure")
    assert event.detail["voucher_no"] == "记-0001"
    assert_consistent()


def test_an_expenditure_beyond_the_allocation_is_refused_and_nothing_is_written(
    books: Books,
) -> None:
    books.spend(300_000)
    with pytest.raises(
        FundsLimitError, match=r"该笔下达资金尚余 1,000\.00 元，本次需要 1,000\.01 元"
    ):
        books.spend(100_001)
    assert Expenditure.objects.count() == 1
    books.allocation.refresh_from_db()
    assert books.allocation.spent_fen == 300_000


def test_every_problem_of_an_expenditure_is_reported(books: Books) -> None:
    with pytest.raises(FundsDataError) as caught:
        books.spend(-5, payee=" ", purpose="", voucher_no="x" * 41, spent_on=date(2020, 3, 2))
    assert {p.field for p in caught.value.problems} == {
        "amount_fen",
        "payee",
        "purpose",
        "voucher_no",
    }
    with pytest.raises(FundsDataError, match="不能早于资金下达日期（2020-04-01）"):
        books.spend(100, spent_on=date(2020, 3, 31))
    with pytest.raises(FundsDataError, match="金额应为整数"):
        books.spend(10.5)  # type: ignore[arg-type]
    assert Expenditure.objects.count() == 0


def test_spending_is_for_county_managers_in_scope(books: Books) -> None:
    with pytest.raises(PermissionDenied):
        services.spend(
            actor=books.world.user(Role.TOWNSHIP_WORKER),
            allocation=books.allocation,
            data=expenditure_input(100),
        )
    with pytest.raises(Http404):
        services.spend(
            actor=books.world.user("county_b_admin"),
            allocation=books.allocation,
            data=expenditure_input(100),
        )
    assert Expenditure.objects.count() == 0


def test_nothing_can_be_drawn_on_a_reversed_allocation(books: Books) -> None:
    services.correct_allocation(
        actor=books.admin, allocation=books.allocation, reason="重复下达", replacement=None
    )
    with pytest.raises(FundsStateError, match="已被冲销"):
        books.spend(100)
    assert_consistent()
