"""Individual grants (an approved application): validated, idempotent by source reference, audited,
scoped; ending one cannot undo a month already credited."""

from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.http import Http404

from eldercare.accounts.models import Role
from eldercare.core.models import AuditAction, AuditEvent
from eldercare.entitlements.errors import (
    EntitlementInputError,
    EntitlementStateError,
    GrantConflict,
)
from eldercare.entitlements.ledger import SystemActor
from eldercare.entitlements.models import Entitlement, EntitlementStatus
from eldercare.entitlements.runs import execute_run, start_monthly_run
from eldercare.entitlements.services import end_entitlement, grant_entitlement
from eldercare.registry.models import Resident
from tests import factories
from tests.catalogue.builders import item as catalogue_item
from tests.conftest import World
from tests.entitlements.test_run_fixtures import state

pytestmark = pytest.mark.django_db
NOVEMBER = date(2026, 11, 1)


@pytest.fixture(autouse=True)
def now(clock: time_machine.Traveller) -> time_machine.Traveller:
    return clock


@pytest.fixture
def resident(world: World) -> Resident:
    return factories.resident(world.village_a, name="张三")


def grant(world: World, person: Resident, **changes: Any) -> Entitlement:
    values: dict[str, Any] = {
        "actor": world.user(Role.COUNTY_ADMIN),
        "resident": person,
        "kind": "monthly_service_credit",
        "amount_fen": 8_000,
        "items": ["meal", "bath"],
        "first_month": date(2026, 11, 20),
        "last_month": None,
        "reason": "经审核批准的居家养老服务补贴申请",
        "source_reference": "application:123",
    }
    values.update(changes)
    return grant_entitlement(**values)


def test_a_grant_is_stored_and_audited(world: World, resident: Resident) -> None:
    granted = grant(world, resident, last_month=date(2027, 4, 30))

    assert (
        granted.kind,
        granted.amount_fen,
        granted.items,
        granted.first_month,
        granted.last_month,
        granted.status,
        granted.granted_by_username,
    ) == (
        "monthly_service_credit",
        8_000,
        ["meal", "bath"],
        NOVEMBER,
        date(2027, 4, 1),
        EntitlementStatus.ACTIVE,
        "county_admin",
    )
    assert granted.key == f"grant:{granted.pk}"
    assert granted.in_effect(NOVEMBER) and granted.in_effect(date(2027, 4, 1))
    assert not granted.in_effect(date(2027, 5, 1)) and not granted.in_effect(date(2026, 10, 1))
    event = AuditEvent.objects.get(object_type="entitlements.entitlement")
    assert (event.action, event.object_id, event.region_code, event.actor_username) == (
        AuditAction.CREATE,
        str(granted.pk),
        world.village_a,
        "county_admin",
    )
    assert event.detail["source_reference"] == "application:123"


def test_granting_twice_grants_once(world: World, resident: Resident) -> None:
    first = grant(world, resident)
    before = state()
    assert grant(world, resident, reason="另一段说明文字") == first
    assert state() == before


@pytest.mark.parametrize(
    ("changes", "differences"),
    [
        ({"amount_fen": 9_000}, ["金额"]),
        ({"kind": "care_subsidy", "items": None}, ["补贴类型", "限用项目"]),
        ({"first_month": date(2026, 12, 1)}, ["起始月份"]),
    ],
)
def test_the_same_reference_for_another_grant_is_a_conflict(
    world: World, resident: Resident, changes: dict[str, Any], differences: list[str]
) -> None:
    grant(world, resident)
    before = state()
    with pytest.raises(GrantConflict) as error:
        grant(world, resident, **changes)
    assert error.value.differences == differences
    assert "application:123" in str(error.value)
    assert state() == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": "cash"}, "补贴类型：无法识别：'cash'"),
        ({"amount_fen": 0}, "金额：必须大于零"),
        ({"amount_fen": 60.5}, "金额：应为整数（单位：分）"),
        ({"amount_fen": True}, "金额：应为整数（单位：分）"),
        ({"items": ["meal", "sing"]}, "限用项目：未知的服务类别 “sing”"),
        ({"items": []}, "限用项目：限用项目列表为空"),
        ({"items": "meal"}, "限用项目：应为服务类别或 item:编码 的列表"),
        ({"items": ["item:ZZ-9"]}, "限用项目：服务项目不在目录中：item:ZZ-9"),
        ({"kind": "care_subsidy"}, "限用项目：护理补贴不限服务项目"),
        ({"first_month": "2026-11"}, "起始月份：应为日期"),
        ({"last_month": date(2026, 10, 31)}, "终止月份：终止月份 2026-10 早于起始月份 2026-11"),
        ({"reason": "  "}, "事由：必须填写"),
        ({"source_reference": ""}, "来源编号：不能为空"),
        ({"source_reference": "x" * 121}, "来源编号：最长 120 个字符"),
        ({"resident": None}, "老年人：应为已登记的老年人"),
    ],
)
def test_invalid_grants_are_refused(
    world: World, resident: Resident, changes: dict[str, Any], message: str
) -> None:
    before = state()
    with pytest.raises(EntitlementInputError) as error:
        grant(world, resident, **changes)
    assert str(error.value).startswith(message)
    assert state() == before


def test_catalogue_items_are_normalised(world: World, resident: Resident) -> None:
    catalogue_item("ZC-001")
    granted = grant(world, resident, items=["item:zc-001", "meal", "meal"])
    assert granted.items == ["item:ZC-001", "meal"]


def test_care_and_one_off_grants(world: World, resident: Resident) -> None:
    care = grant(world, resident, kind="care_subsidy", items=None, source_reference="a:1")
    once = grant(world, resident, kind="one_off_subsidy", items=None, source_reference="a:2")
    assert (care.items, once.items) == (None, None)


def test_an_inactive_resident_gets_no_grant(world: World) -> None:
    gone = factories.resident(
        world.village_a, status="deceased", status_date=date(2026, 10, 1), name="故人"
    )
    before = state()
    with pytest.raises(EntitlementStateError, match="故人 的状态为死亡"):
        grant(world, gone)
    assert state() == before


@pytest.mark.parametrize(
    "who",
    [Role.VILLAGE_WORKER, Role.TOWNSHIP_WORKER, Role.COUNTY_ADMIN, Role.CITY_ADMIN],
)
def test_reviewers_and_runners_may_grant(world: World, resident: Resident, who: str) -> None:
    assert grant(world, resident, actor=world.user(who)).granted_by_username == who


def test_a_system_job_may_grant(world: World, resident: Resident) -> None:
    granted = grant(world, resident, actor=SystemActor("applications"))
    assert (granted.granted_by, granted.granted_by_username) == (None, "applications")


@pytest.mark.parametrize(
    ("who", "error"),
    [
        (Role.AUDITOR, PermissionDenied),
        (Role.ASSESSOR, PermissionDenied),
        (Role.PROVIDER_MANAGER, PermissionDenied),
        ("no_role", PermissionDenied),
        ("county_b_admin", Http404),
        ("township_other", Http404),
        ("unbound", Http404),
    ],
)
def test_others_may_not(world: World, resident: Resident, who: str, error: type[Exception]) -> None:
    before = state()
    with pytest.raises(error):
        grant(world, resident, actor=world.user(who))
    assert state() == before


# --- ending -------------------------------------------------------------------------------------


def test_ending_a_grant(world: World, resident: Resident) -> None:
    granted = grant(world, resident)
    admin = world.user(Role.COUNTY_ADMIN)

    ended = end_entitlement(
        actor=admin, entitlement=granted, last_month=date(2027, 2, 14), reason="本人申请停止"
    )

    assert (ended.status, ended.last_month, ended.end_reason, ended.ended_by_username) == (
        EntitlementStatus.ENDED,
        date(2027, 2, 1),
        "本人申请停止",
        "county_admin",
    )
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE).get()
    assert event.changes == {"status": ["active", "ended"], "last_month": [None, "2027-02-01"]}
    before = state()
    assert (
        end_entitlement(
            actor=admin, entitlement=granted, last_month=date(2027, 2, 1), reason="again"
        )
        == ended
    )
    assert state() == before
    with pytest.raises(EntitlementStateError, match="不能改为更晚的 2027-03"):
        end_entitlement(
            actor=admin, entitlement=granted, last_month=date(2027, 3, 1), reason="延长"
        )
    # A month before the first: cancelled before it takes effect.
    cancelled = end_entitlement(
        actor=admin, entitlement=granted, last_month=date(2026, 10, 1), reason="撤销"
    )
    assert not cancelled.in_effect(NOVEMBER)


def test_a_month_already_credited_cannot_be_ended(world: World, resident: Resident) -> None:
    granted = grant(world, resident)
    run = start_monthly_run(
        actor=world.user(Role.COUNTY_ADMIN),
        region_code=world.county_a,
        month=NOVEMBER,
        background=False,
    )
    execute_run(run.pk)
    before = state()
    with pytest.raises(EntitlementStateError, match="已发放至 2026-11"):
        end_entitlement(
            actor=world.user(Role.COUNTY_ADMIN),
            entitlement=granted,
            last_month=date(2026, 10, 1),
            reason="撤销",
        )
    assert state() == before
    end_entitlement(
        actor=world.user(Role.COUNTY_ADMIN),
        entitlement=granted,
        last_month=NOVEMBER,
        reason="到本月为止",
    )


def test_ending_needs_a_reason_and_the_scope(world: World, resident: Resident) -> None:
    granted = grant(world, resident)
    before = state()
    with pytest.raises(EntitlementInputError, match="事由：必须填写"):
        end_entitlement(
            actor=world.user(Role.COUNTY_ADMIN),
            entitlement=granted,
            last_month=NOVEMBER,
            reason="",
        )
    with pytest.raises(Http404):
        end_entitlement(
            actor=world.user("county_b_admin"),
            entitlement=granted,
            last_month=NOVEMBER,
            reason="x",
        )
    with pytest.raises(PermissionDenied):
        end_entitlement(
            actor=world.user(Role.AUDITOR), entitlement=granted, last_month=NOVEMBER, reason="x"
        )
    assert state() == before
