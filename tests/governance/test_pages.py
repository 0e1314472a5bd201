"""The pages: the four seed tables load and render, progress is reported, supervision recorded,
manual scores entered and a sheet scored through the forms; access: another county is a 404,
a role without the action a 403, and nothing changes after a denial."""

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from eldercare.accounts.access import Action, can
from eldercare.accounts.models import Role
from eldercare.governance.models import (
    ManualIndicatorValue,
    ManualScore,
    ProgressReport,
    ScoringRun,
    SupervisionFinding,
    SupervisionRound,
    Task,
    TaskList,
)
from eldercare.governance.services.loading import (
    load_scoring_sheets,
    load_task_lists,
    shipped_scoring_sheets,
    shipped_task_lists,
)
from tests.conftest import World
from tests.governance import builders

pytestmark = pytest.mark.django_db

NOW = "2021-03-10 10:00 +08:00"


def login(client: Client, world: World, who: str) -> Client:
    client.force_login(world.users[who])
    return client


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def loaded(world: World) -> World:
    load_task_lists(shipped_task_lists())
    load_task_lists(
        [p for p in shipped_task_lists() if p.name.startswith("000000")], region=world.county_a
    )
    load_scoring_sheets(shipped_scoring_sheets(), region=world.county_a)
    return world


def test_the_four_seed_tables_render_for_the_system_administrator(
    client: Client, loaded: World
) -> None:
    login(client, loaded, Role.SYSTEM_ADMIN)
    home = text(client.get(reverse("governance:home")))
    for title in (
        "永州市居家和社区养老服务改革试点工作任务清单",
        "连云港市居家和社区养老服务改革试点重点工作任务分解表",
        "第一批中央财政支持开展居家和社区养老服务改革试点工作要求表",
        "会宁县居家和社区养老服务改革试点工作要求",
        "会宁县居家和社区养老服务改革试点工作要求及考核表",
    ):
        assert title in home
    expected = {
        "431100000000": [
            "推进医养结合",
            "市、县（区）人民政府，管理区、经开区管委会",
            "2019年11月",
            "2019-11-30",
        ],
        "320700000000": [
            "建立试点工作推进机制",
            "共同责任单位",
            "市级 2019 年底 前，各县（区）2020 年 3 月份前",
            "2020-03-31",
        ],
        "": ["一、基本试点任务", "二、特色试点任务", "2017年4月20日前", "三年工作目标"],
        "620422000000": ["2020年具体要求", "“幸福白银·银龄驿站”", "2020年9月底前", "2020-09-30"],
    }
    for region, fragments in expected.items():
        task_list = TaskList.objects.get(region_code=region)
        page = text(client.get(reverse("governance:task_list", args=[task_list.pk])))
        for fragment in fragments:
            assert fragment in page, (region, fragment)
        assert f'<div class="value">{task_list.tasks.count()}</div>' in page


def test_a_task_page_shows_its_timeline_and_the_report_form(client: Client, loaded: World) -> None:
    task = Task.objects.get(task_list__region_code="431100000000", number="4")
    login(client, loaded, Role.COUNTY_ADMIN)
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("governance:report", args=[task.pk]),
            {
                "organisation": task.lead_units.get(name="县（区）人民政府").pk,
                "reported_on": "2021-03-01",
                "percent": "70",
                "text": "零陵区筛查录入七成",
            },
        )
    assert response.status_code == 302
    page = text(client.get(reverse("governance:task", args=[task.pk])))
    assert "零陵区筛查录入七成" in page
    assert "70%" in page
    assert "逾期" in page  # due 2020-03-31, still open
    assert ProgressReport.objects.get().region_code == loaded.county_a
    # County B does not see county A's report on the same city task.
    client.force_login(loaded.user("county_b_admin"))
    assert "零陵区筛查录入七成" not in text(client.get(reverse("governance:task", args=[task.pk])))


def test_an_invalid_report_shows_the_error_in_place(client: Client, loaded: World) -> None:
    task = Task.objects.get(task_list__region_code="431100000000", number="5")
    login(client, loaded, Role.COUNTY_ADMIN)
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("governance:report", args=[task.pk]),
            {
                "organisation": task.lead_units.get(name="市民政局").pk,
                "reported_on": "2021-03-01",
                "percent": "10",
                "text": "x",
            },
        )
    assert response.status_code == 400
    assert ProgressReport.objects.count() == 0


def test_overdue_and_stale_page(client: Client, loaded: World) -> None:
    login(client, loaded, Role.COUNTY_ADMIN)
    with time_machine.travel(NOW, tick=False):
        page = text(client.get(reverse("governance:attention"), {"days": "30"}))
    assert "逾期未完成" in page
    assert "建立试点工作推进机制" not in page  # Lianyungang is not above county A
    assert "摸清底数建立数据库" in page


def test_supervision_round_through_the_pages(client: Client, loaded: World) -> None:
    login(client, loaded, Role.COUNTY_ADMIN)
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("governance:supervision_create"),
            {
                "region_code": loaded.county_a,
                "level": "county",
                "held_on": "2021-03-05",
                "title": "一季度督查",
                "finding": "驿站运营不足",
                "rectification_due_on": "2021-03-08",
            },
        )
        assert response.status_code == 302
        round_ = SupervisionRound.objects.get()
        page = text(client.get(reverse("governance:supervision")))
        assert "一季度督查" in page
        assert "逾期未整改的问题（1）" in page
        finding = SupervisionFinding.objects.get()
        client.post(
            reverse("governance:finding_rectify", args=[finding.pk]),
            {"rectified_on": "2021-03-09", "note": "已补充运营方"},
        )
        assert "已补充运营方" in text(client.get(reverse("governance:round", args=[round_.pk])))
    client.force_login(loaded.user("county_b_admin"))
    assert client.get(reverse("governance:round", args=[round_.pk])).status_code == 404


def test_scoring_through_the_pages_and_the_exports(client: Client, loaded: World) -> None:
    sheet = builders.huining_sheet(loaded.county_a)
    builders.screened(builders.resident(loaded.village_a, birth=date(1935, 1, 2)), date(2020, 8, 1))
    builders.resident(loaded.village_a, birth=date(1936, 1, 2))
    login(client, loaded, Role.COUNTY_ADMIN)
    with time_machine.travel(NOW, tick=False):
        page = text(client.get(reverse("governance:sheet", args=[sheet.pk])))
        assert "第3项声明5分，细项合计8分（2+2+2+2），评分以5分封顶" in page
        assert (
            client.post(
                reverse("governance:manual_score", args=[sheet.pk]),
                {
                    "sub_item": "1.4",
                    "region_code": loaded.county_a,
                    "as_of": "2021-03-01",
                    "points": "2",
                    "evidence": "县政府办文件",
                },
            ).status_code
            == 302
        )
        refused = client.post(
            reverse("governance:manual_score", args=[sheet.pk]),
            {
                "sub_item": "1.4",
                "region_code": loaded.county_a,
                "as_of": "2021-03-01",
                "points": "5",
                "evidence": "x",
            },
        )
        assert refused.status_code == 400
        assert "得分应在0–2分之间" in text(refused)
        assert (
            client.post(
                reverse("governance:indicator_value"),
                {
                    "code": "fund_execution_rate",
                    "region_code": loaded.county_a,
                    "as_of": "2020-12-31",
                    "numerator": "60",
                    "denominator": "100",
                    "evidence": "财政局报表",
                },
            ).status_code
            == 302
        )
        response = client.post(
            reverse("governance:run_create", args=[sheet.pk]),
            {"region_code": loaded.county_a, "as_of": "2021-03-01"},
        )
    run = ScoringRun.objects.get()
    assert response.url == reverse("governance:run", args=[run.pk])
    assert (run.total, ManualScore.objects.count(), ManualIndicatorValue.objects.count()) == (
        Decimal(9),
        1,
        1,
    )
    page = text(client.get(response.url))
    assert "总得分" in page and ">9<" in page
    assert "特殊困难老年人筛查摸底率：0.5（1/2）" in page
    drill = re.search(
        r'href="(/governance/indicators/special_difficulty_screened_share/\?[^"]+)"', page
    )
    assert drill is not None
    detail = text(client.get(drill.group(1).replace("&amp;", "&")))
    assert "50%（1/2）" in detail
    rows = text(
        client.get(
            reverse("governance:indicator_rows", args=["special_difficulty_screened_share"]),
            {"region": loaded.county_a, "on": "2021-03-01", "part": "missing"},
        )
    )
    assert "共 1 人" in rows


def test_the_indicator_page_shows_values_targets_and_gaps(client: Client, loaded: World) -> None:
    builders.resident(loaded.village_a, birth=date(1935, 1, 2))
    login(client, loaded, Role.AUDITOR)
    page = text(client.get(reverse("governance:indicators"), {"on": "2021-03-01"}))
    assert "特殊困难老年人筛查摸底率" in page
    assert "0%" in page and "差 -100%" in page
    assert "<h2>填报指标</h2>" not in page  # the auditor reads only


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("governance:task_list", "county_list"),
        ("governance:task", "county_task"),
        ("governance:sheet", "sheet"),
        ("governance:run", "run"),
        ("governance:run_xlsx", "run"),
        ("governance:run_pdf", "run"),
    ],
)
def test_another_county_gets_404(client: Client, loaded: World, name: str, args: str) -> None:
    with time_machine.travel(NOW, tick=False):
        run = builders.run_for(loaded)
    objects = {
        "county_list": TaskList.objects.get(region_code=loaded.county_a),
        "county_task": Task.objects.filter(task_list__region_code=loaded.county_a).first(),
        "sheet": run.sheet,
        "run": run,
    }
    client.force_login(loaded.user("county_b_admin"))
    assert client.get(reverse(name, args=[objects[args].pk])).status_code == 404
    client.force_login(loaded.user(Role.CITY_ADMIN))
    assert client.get(reverse(name, args=[objects[args].pk])).status_code == 200


@pytest.mark.parametrize("role", [Role.ASSESSOR, Role.PROVIDER_MANAGER, Role.CAREGIVER])
def test_roles_without_governance_get_403(client: Client, loaded: World, role: str) -> None:
    assert not can(loaded.user(role), Action.VIEW_GOVERNANCE)
    login(client, loaded, role)
    assert client.get(reverse("governance:home")).status_code == 403
    assert client.get(reverse("governance:indicators")).status_code == 403


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.VILLAGE_WORKER])
def test_readers_cannot_write(client: Client, loaded: World, role: str) -> None:
    task = Task.objects.get(task_list__region_code="431100000000", number="4")
    sheet = builders.huining_sheet(loaded.county_a)
    login(client, loaded, role)
    assert client.get(reverse("governance:task", args=[task.pk])).status_code == 200
    with time_machine.travel(NOW, tick=False):
        for url, data in [
            (
                reverse("governance:report", args=[task.pk]),
                {"reported_on": "2021-03-01", "percent": "1", "text": "x"},
            ),
            (
                reverse("governance:run_create", args=[sheet.pk]),
                {"region_code": loaded.county_a, "as_of": "2021-03-01"},
            ),
            (
                reverse("governance:supervision_create"),
                {
                    "region_code": loaded.county_a,
                    "level": "county",
                    "held_on": "2021-03-01",
                    "title": "x",
                },
            ),
            (
                reverse("governance:indicator_value"),
                {
                    "code": "fund_execution_rate",
                    "region_code": loaded.county_a,
                    "as_of": "2021-03-01",
                    "value": "1",
                    "evidence": "x",
                },
            ),
        ]:
            assert client.post(url, data).status_code == 403
    assert (
        ProgressReport.objects.count(),
        ScoringRun.objects.count(),
        SupervisionRound.objects.count(),
    ) == (0, 0, 0)
    assert ManualIndicatorValue.objects.count() == 0


def test_an_out_of_scope_region_in_the_query_is_a_404(client: Client, loaded: World) -> None:
    login(client, loaded, Role.COUNTY_ADMIN)
    assert (
        client.get(reverse("governance:indicators"), {"region": loaded.county_b}).status_code == 404
    )
    assert (
        client.get(
            reverse("governance:indicator", args=["screened_share"]), {"region": loaded.county_b}
        ).status_code
        == 404
    )
    assert client.get(reverse("governance:indicator", args=["no_such"])).status_code == 404


def test_list_pages_use_a_bounded_number_of_queries(
    client: Client, loaded: World, django_assert_max_num_queries: Any
) -> None:
    login(client, loaded, Role.SYSTEM_ADMIN)
    with django_assert_max_num_queries(40):
        client.get(reverse("governance:home"))
    lianyungang = TaskList.objects.get(region_code="320700000000")
    with django_assert_max_num_queries(15):
        client.get(reverse("governance:task_list", args=[lianyungang.pk]))


def test_a_report_can_carry_an_attachment(
    client: Client, loaded: World, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    task = Task.objects.get(task_list__region_code="431100000000", number="5")
    login(client, loaded, Role.CITY_ADMIN)
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("governance:report", args=[task.pk]),
            {
                "organisation": task.lead_units.get(name="市民政局").pk,
                "reported_on": "2021-03-01",
                "percent": "100",
                "text": "规划已印发",
                "attachment": SimpleUploadedFile(
                    "规划.pdf", b"%PDF-1.4 test", content_type="application/pdf"
                ),
            },
        )
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert report.attachment.name.startswith("governance/reports/2021/03/")
    assert report.attachment.read() == b"%PDF-1.4 test"
    task.refresh_from_db()
    assert (task.status, task.completed_on) == ("completed", date(2021, 3, 1))
    download = client.get(reverse("governance:report_attachment", args=[report.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
    # A city bureau's report is visible below the city; a user bound to no region sees nothing.
    client.force_login(loaded.user("county_b_admin"))
    assert client.get(reverse("governance:report_attachment", args=[report.pk])).status_code == 200
    client.force_login(loaded.user("unbound"))
    assert client.get(reverse("governance:report_attachment", args=[report.pk])).status_code == 404
