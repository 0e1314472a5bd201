"""Progress reports, task status, overdue and stale tasks, supervision rounds and findings."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from eldercare.accounts.models import Role
from eldercare.core.models import AuditEvent
from eldercare.governance import queries
from eldercare.governance.errors import GovernanceError
from eldercare.governance.models import (
    Organisation,
    ProgressReport,
    SupervisionFinding,
    SupervisionRound,
    Task,
    TaskList,
    TaskStatus,
)
from eldercare.governance.services.tasks import (
    add_finding,
    record_supervision,
    rectify_finding,
    report_progress,
    reporting_units,
)
from tests.conftest import World
from tests.governance import builders

pytestmark = pytest.mark.django_db

NOW = "2020-06-15 10:00 +08:00"
CITY = "431100000000"


@pytest.fixture
def yongzhou(world: World) -> TaskList:
    return builders.task_list("431100")


def task(task_list: TaskList, number: str, part: int = 1) -> Task:
    return task_list.tasks.get(number=number, part=part)


def unit(name: str, region: str = CITY) -> Organisation:
    return Organisation.objects.get(region_code=region, name=name)


def test_a_city_bureau_reports_and_completes_its_task(world: World, yongzhou: TaskList) -> None:
    planning = task(yongzhou, "5")  # 市民政局 … lead, due 2020-06
    with time_machine.travel(NOW, tick=False):
        report_progress(
            actor=world.user(Role.CITY_ADMIN),
            task=planning,
            organisation=unit("市民政局"),
            reported_on=date(2020, 5, 10),
            percent=60,
            text="规划初稿完成",
        )
        planning.refresh_from_db()
        assert (planning.status, planning.percent, planning.last_reported_on) == (
            TaskStatus.IN_PROGRESS,
            60,
            date(2020, 5, 10),
        )
        report_progress(
            actor=world.user(Role.CITY_ADMIN),
            task=planning,
            organisation=unit("市民政局"),
            reported_on=date(2020, 6, 12),
            percent=100,
            text="规划已印发",
        )
    planning.refresh_from_db()
    assert (planning.status, planning.completed_on) == (TaskStatus.COMPLETED, date(2020, 6, 12))
    assert AuditEvent.objects.filter(object_type="governance.progressreport").count() == 2


def test_a_county_reports_its_share_under_the_collective_unit(
    world: World, yongzhou: TaskList
) -> None:
    database = task(yongzhou, "4")
    collective = unit("县（区）人民政府")
    county = world.user(Role.COUNTY_ADMIN)
    assert [u.name for u in reporting_units(county, database)] == ["县（区）人民政府"]
    with time_machine.travel(NOW, tick=False):
        report = report_progress(
            actor=county,
            task=database,
            organisation=collective,
            reported_on=date(2020, 3, 20),
            percent=100,
            text="零陵区完成筛查摸底",
        )
    assert report.region_code == world.county_a
    township = world.user(Role.TOWNSHIP_WORKER)
    with time_machine.travel(NOW, tick=False):
        report = report_progress(
            actor=township,
            task=database,
            organisation=collective,
            reported_on=date(2020, 3, 21),
            percent=80,
            text="朝阳街道录入中",
        )
    assert report.region_code == world.township_a
    database.refresh_from_db()
    assert (database.status, database.percent) == (TaskStatus.IN_PROGRESS, 80)


@pytest.mark.parametrize(
    ("who", "name", "error", "code"),
    [
        (Role.COUNTY_ADMIN, "市民政局", GovernanceError, "unit_out_of_scope"),
        (Role.CITY_ADMIN, "市工信局", GovernanceError, "unit_not_responsible"),
        (Role.AUDITOR, "县（区）人民政府", PermissionDenied, None),
        (Role.VILLAGE_WORKER, "县（区）人民政府", PermissionDenied, None),
        ("county_b_admin", "市民政局", GovernanceError, "unit_out_of_scope"),
    ],
)
def test_who_may_report_for_which_unit(
    world: World, yongzhou: TaskList, who: str, name: str, error: type, code: str | None
) -> None:
    with time_machine.travel(NOW, tick=False), pytest.raises(error) as caught:
        report_progress(
            actor=world.users[who],
            task=task(yongzhou, "4"),
            organisation=unit(name),
            reported_on=date(2020, 3, 20),
            percent=10,
            text="x",
        )
    if code:
        assert caught.value.code == code
    assert ProgressReport.objects.count() == 0
    assert task(yongzhou, "4").status == TaskStatus.NOT_STARTED


@pytest.mark.parametrize(
    ("percent", "text", "reported_on", "field"),
    [
        (101, "x", date(2020, 6, 1), "percent"),
        (50, "  ", date(2020, 6, 1), "text"),
        (50, "x", date(2020, 6, 16), "reported_on"),
    ],
)
def test_report_values_are_checked(
    world: World, yongzhou: TaskList, percent: int, text: str, reported_on: date, field: str
) -> None:
    with time_machine.travel(NOW, tick=False), pytest.raises(GovernanceError) as caught:
        report_progress(
            actor=world.user(Role.CITY_ADMIN),
            task=task(yongzhou, "5"),
            organisation=unit("市民政局"),
            reported_on=reported_on,
            percent=percent,
            text=text,
        )
    assert caught.value.field == field
    assert ProgressReport.objects.count() == 0


def test_a_requirements_task_without_units_takes_reports_for_the_region(world: World) -> None:
    requirements = builders.task_list("000000", region=world.county_a)
    row = requirements.tasks.get(section_position=1, number="1", part=1)
    with time_machine.travel(NOW, tick=False):
        report = report_progress(
            actor=world.user(Role.COUNTY_ADMIN),
            task=row,
            organisation=None,
            reported_on=date(2020, 6, 1),
            percent=100,
            text="领导小组已成立",
        )
        assert report.region_code == world.county_a
        with pytest.raises(GovernanceError):
            report_progress(
                actor=world.user("county_b_admin"),
                task=row,
                organisation=None,
                reported_on=date(2020, 6, 1),
                percent=100,
                text="x",
            )
    row.refresh_from_db()
    assert row.status == TaskStatus.COMPLETED


def test_overdue_and_stale_tasks(world: World, yongzhou: TaskList) -> None:
    tasks = yongzhou.tasks.all()
    today = date(2020, 4, 1)
    # Due by then: 1(1) 2019-11, 1(2) 2020-03, 3 2019-12, 4 2020-03, 6(1) 2019-12, 8 2020-03.
    assert sorted(t.display_number for t in queries.overdue(tasks, today)) == [
        "1（1）",
        "1（2）",
        "3",
        "4",
        "6（1）",
        "8",
    ]
    assert queries.overdue(tasks, date(2020, 3, 31)).count() == 3  # the due day is still in time
    done = task(yongzhou, "3")
    done.status, done.completed_on, done.last_reported_on = TaskStatus.COMPLETED, today, today
    done.save()
    recent = task(yongzhou, "8")
    recent.status, recent.last_reported_on = TaskStatus.IN_PROGRESS, date(2020, 3, 20)
    recent.save()
    assert queries.overdue(tasks, today).count() == 5
    assert queries.stale(tasks, today, 30).count() == 17  # 19 − completed − reported 12 days ago
    assert queries.stale(tasks, today, 10).count() == 18
    counts = queries.status_counts(tasks, today)
    assert counts == {
        "not_started": 17,
        "in_progress": 1,
        "completed": 1,
        "overdue": 5,
        "total": 19,
    }


def test_a_supervision_round_with_findings_and_rectification(
    world: World, yongzhou: TaskList
) -> None:
    county = world.user(Role.COUNTY_ADMIN)
    with time_machine.travel(NOW, tick=False):
        round_ = record_supervision(
            actor=county,
            region_code=world.county_a,
            level="county",
            held_on=date(2020, 6, 1),
            title="第二季度督查",
            task_list=yongzhou,
            findings=[("筛查录入不全", date(2020, 6, 30))],
        )
        finding = round_.findings.get()
        extra = add_finding(
            actor=county,
            round_=round_,
            text="经费配套未到位",
            rectification_due_on=date(2020, 7, 31),
            task=task(yongzhou, "3"),
        )
        rectify_finding(
            actor=county, finding=finding, rectified_on=date(2020, 6, 10), note="已补录"
        )
        with pytest.raises(GovernanceError) as caught:
            rectify_finding(
                actor=county, finding=finding, rectified_on=date(2020, 6, 11), note="再次"
            )
        assert caught.value.code == "already_rectified"
        with pytest.raises(GovernanceError):
            add_finding(
                actor=world.user("county_b_admin"),
                round_=round_,
                text="x",
                rectification_due_on=None,
            )
        with pytest.raises(GovernanceError) as caught:
            record_supervision(
                actor=county,
                region_code=world.county_b,
                level="county",
                held_on=date(2020, 6, 1),
                title="越权",
            )
        assert caught.value.code == "region_out_of_scope"
    finding.refresh_from_db()
    assert (finding.rectified_on, finding.rectification_note) == (date(2020, 6, 10), "已补录")
    assert extra.task is not None
    assert SupervisionRound.objects.count() == 1
    assert SupervisionFinding.objects.count() == 2
