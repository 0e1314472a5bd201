"""`eldercare run-entitlements`: the run synchronously, as a user or as the system job; a dry run
that writes nothing; resuming a failed run; exit codes."""

import json
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from eldercare.accounts.models import Role
from eldercare.entitlements import ledger
from eldercare.entitlements.models import EntitlementRun, RunStatus, Transfer
from tests.conftest import World
from tests.entitlements.test_run_fixtures import (  # noqa: F401 — fixtures
    People,
    people_fixture,
    state,
    yongzhou_fixture,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def now(clock: time_machine.Traveller) -> time_machine.Traveller:
    return clock


def command(*args: str) -> str:
    out = StringIO()
    call_command("run_entitlements", *args, stdout=out)
    return out.getvalue()


def test_a_run_as_a_user(world: World, people: People) -> None:
    output = command("--month", "2026-11", "--as", "county_admin", "--batch-size", "2")
    run = EntitlementRun.objects.get()
    assert (run.region_code, run.status, run.started_by_username) == (
        world.county_a,
        RunStatus.DONE,
        "county_admin",
    )
    lines = output.splitlines()
    assert lines[0] == f"2026-11 区划 {world.county_a} 发放任务 #{run.pk}：已完成"
    assert lines[1] == "在册老年人 5 人；本次写入 6 笔，此前已发放 0 笔"
    assert f"朝阳街道 {world.township_a}：3/4 人享受，5 笔，400.00 元" in output


def test_a_run_as_the_system_job_with_json(world: World, people: People) -> None:
    output = json.loads(command("--month", "2026-11", "--region", "431100000000", "--json"))
    assert (output["status"], output["residents"], output["written"]) == ("done", 6, 7)
    assert [row["code"] for row in output["regions"] if row["depth"] == 1] == [
        world.county_a,
        world.county_b,
    ]
    assert Transfer.objects.filter(actor_username="run-entitlements").count() == 7
    again = json.loads(command("--month", "2026-11", "--region", "431100000000", "--json"))
    assert (again["written"], again["skipped"]) == (0, 7)


def test_a_dry_run_writes_nothing(world: World, people: People) -> None:
    before = state()
    output = json.loads(
        command("--month", "2026-11", "--as", "county_admin", "--dry-run", "--json")
    )
    assert output["dry_run"] is True and output["run"] is None
    total = output["regions"][0]
    assert (total["residents"], total["entitled"], total["credits"], total["amount_fen"]) == (
        5,
        4,
        6,
        48_000,
    )
    assert state() == before


def test_resume_a_failed_run(world: World, people: People) -> None:
    run = EntitlementRun.objects.create(
        month="2026-11-01",
        region_code=world.county_a,
        evaluated_on="2026-11-01",
        status=RunStatus.FAILED,
        started_by=world.user(Role.COUNTY_ADMIN),
        started_by_username="county_admin",
    )
    output = command("--resume", str(run.pk), "--as", "county_admin")
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert "本次写入 6 笔" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--month", "2026-11"), "请用 --region 指定区划代码"),
        (("--month", "11/2026", "--region", "431102000000"), "--month 应为 YYYY-MM"),
        (("--month", "2026-09", "--region", "431102000000"), "2026-09 已过去"),
        (("--month", "2026-11", "--as", "nobody"), "找不到在用的用户“nobody”"),
        (("--month", "2026-11", "--as", "township_worker"), "当前角色无权执行此操作"),
        (
            ("--month", "2026-11", "--as", "county_admin", "--region", "431103000000"),
            "不在您的管辖范围内",
        ),
        (("--resume", "999", "--as", "county_admin"), "发放任务 #999 不存在"),
        (("--as", "county_admin"), "请用 --month YYYY-MM 指定补贴月份"),
    ],
)
def test_refusals(world: World, people: People, args: tuple[str, ...], message: str) -> None:
    before = state()
    with pytest.raises(CommandError, match=message) as error:
        command(*args)
    assert error.value.returncode == 2
    assert state() == before


def test_a_failed_run_exits_with_1(
    world: World, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(**kwargs: Any) -> Any:
        raise ledger.LedgerInputError("credits", "x", "测试用的拒绝")

    monkeypatch.setattr(ledger, "credit_residents_bulk", refuse)
    with pytest.raises(SystemExit) as exit_info:
        command("--month", "2026-11", "--as", "county_admin")
    assert exit_info.value.code == 1
    run = EntitlementRun.objects.get()
    assert (run.status, run.error) == (RunStatus.FAILED, "发放清单：测试用的拒绝")
