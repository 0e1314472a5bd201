"""A scoring run of the Huining sheet for county A of the `world`, from live data: registry
residents and screenings, supervision rounds, manual indicator values and manual scores — with
the exact points of every item, the item caps, and the stored evidence."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from eldercare.accounts.models import Role
from eldercare.core.models import AuditAction, AuditEvent
from eldercare.governance.errors import GovernanceError
from eldercare.governance.models import (
    ManualScore,
    ScoringRun,
    ScoringSheet,
    ScoringSubItem,
    SupervisionRound,
)
from eldercare.governance.services.indicators import enter_indicator_value
from eldercare.governance.services.scoring import enter_manual_score, run_scoring
from eldercare.registry.models import Resident
from tests.conftest import World
from tests.governance import builders

pytestmark = pytest.mark.django_db

RUN_ON = date(2021, 3, 1)
NOW = "2021-03-10 10:00 +08:00"
D = Decimal


def sub(sheet: ScoringSheet, key: str) -> ScoringSubItem:
    return ScoringSubItem.objects.get(item__sheet=sheet, key=key)


def county_a_data(world: World, sheet: ScoringSheet) -> dict[str, Resident]:
    admin = world.user(Role.COUNTY_ADMIN)
    r = {
        "very_old": builders.resident(world.village_a, birth=date(1935, 1, 2)),
        "dibao": builders.resident(
            world.village_a2, birth=date(1950, 4, 1), economic_status="dibao"
        ),
        "alone": builders.resident(
            world.village_a_other, birth=date(1952, 1, 1), living_arrangement="alone"
        ),
        "ordinary": builders.resident(world.village_a, birth=date(1955, 6, 1)),
        "died": builders.resident(
            world.village_a,
            birth=date(1951, 1, 1),
            economic_status="destitute",
            status="deceased",
            status_date=date(2020, 6, 1),
        ),
        "late": builders.resident(
            world.village_a, birth=date(1953, 1, 1), living_arrangement="empty_nest"
        ),
        "county_b": builders.resident(world.village_b, birth=date(1930, 1, 1)),
    }
    builders.screened(r["very_old"], date(2020, 8, 1))
    builders.screened(r["dibao"], date(2020, 9, 15))
    builders.screened(r["ordinary"], date(2020, 9, 15))
    builders.screened(r["died"], date(2020, 3, 1))
    builders.screened(r["late"], date(2021, 4, 1))  # after the scoring date
    for held_on in (date(2020, 11, 1), date(2021, 1, 15), date(2021, 2, 20)):
        SupervisionRound.objects.create(
            region_code=world.county_a,
            level="county",
            held_on=held_on,
            title=f"{held_on:%Y年%m月}督查",
            created_by=admin,
        )
    SupervisionRound.objects.create(
        region_code=world.county_b,
        level="county",
        held_on=date(2021, 1, 5),
        title="乙县督查",
        created_by=admin,
    )
    values: list[tuple[str, str, date]] = [
        ("fund_execution_rate", "0.55", date(2020, 12, 31)),
        ("fund_execution_rate", "0.9", date(2021, 2, 28)),  # not used: 2.2 is read on 2020-12-31
        ("lottery_fund_elderly_share", "0.65", date(2021, 1, 31)),
        ("branded_providers_count", "2", date(2021, 1, 31)),
        ("new_residential_areas_without_facilities", "3", date(2021, 1, 31)),
        ("stations_planned", "10", date(2021, 1, 31)),
        ("stations_built", "14", date(2021, 2, 28)),
        ("stations_operating_share", "0.7", date(2021, 2, 28)),
        ("four_batches_rate", "0.6", date(2021, 2, 28)),
    ]
    for code, number, as_of in values:
        enter_indicator_value(
            actor=admin,
            code=code,
            region_code=world.county_a,
            as_of=as_of,
            value=D(number),
            evidence=f"{code} 统计表",
        )
    scores: list[tuple[str, str, date]] = [
        ("1.1", "1", date(2020, 10, 1)),
        ("1.2", "1", date(2020, 10, 1)),
        ("1.3", "1", date(2020, 10, 1)),
        ("1.4", "2", date(2020, 10, 1)),
        ("2.1", "2", date(2020, 10, 1)),
        ("3.1", "2", date(2020, 10, 1)),
        ("3.3", "2", date(2020, 10, 1)),
        ("3.4", "2", date(2020, 10, 1)),
        ("5.1", "3", date(2021, 1, 10)),
        ("6.1", "4", date(2021, 1, 10)),
        ("6.2", "3", date(2021, 1, 10)),
        ("6.3", "1.5", date(2021, 1, 10)),
        ("7.1", "2", date(2020, 8, 1)),
        ("8.1", "3", date(2021, 1, 10)),
        ("9.1", "3", date(2021, 1, 10)),
        ("10.1", "2", date(2021, 1, 10)),
        ("10.2", "1", date(2020, 12, 1)),
        ("10.2", "2", date(2021, 2, 1)),  # the later entry counts
        ("10.3", "2", date(2021, 3, 5)),  # after the scoring date: not counted
        ("11.1", "5", date(2021, 1, 10)),
    ]
    for key, points, as_of in scores:
        enter_manual_score(
            actor=admin,
            sub_item=sub(sheet, key),
            region_code=world.county_a,
            as_of=as_of,
            points=D(points),
            evidence=f"第{key}项 佐证材料",
        )
    return r


@pytest.fixture
def scored(world: World) -> tuple[World, ScoringSheet, ScoringRun]:
    with time_machine.travel(NOW, tick=False):
        sheet = builders.huining_sheet(world.county_a)
        county_a_data(world, sheet)
        run = run_scoring(
            actor=world.user(Role.COUNTY_ADMIN),
            sheet=sheet,
            region_code=world.county_a,
            as_of=RUN_ON,
        )
    return world, sheet, run


def points_by_item(run: ScoringRun) -> dict[str, tuple[str, str]]:
    return {item["number"]: (item["raw"], item["points"]) for item in run.report["items"]}


def sub_items(run: ScoringRun) -> dict[str, dict[str, Any]]:
    return {s["key"]: s for item in run.report["items"] for s in item["sub_items"]}


def test_the_huining_sheet_scores_county_a_from_live_data(scored) -> None:
    _world, _sheet, run = scored
    assert points_by_item(run) == {
        "1": ("5", "5"),
        "2": ("5", "5"),  # 2 manual + 3 (fund execution 55% on 2020-12-31) + 0 (lottery 65% < 70%)
        "3": ("8", "5"),  # 2+2+2+2 capped at the declared 5
        "4": ("4", "4"),  # 8 × 2 screened / 4 special-difficulty on the register
        "5": ("7", "7"),
        "6": ("8.5", "8.5"),
        "7": ("31", "30"),  # 2 + (8 − 3) + (13 + 4 extra stations) + 7, capped at 30
        "8": ("3", "3"),
        "9": ("6", "6"),  # 3 + 3 (60% ≥ 60%) + 0 (no value for 三个一)
        "10": ("4", "4"),  # 10.3 was scored after the scoring date
        "11": ("5", "5"),
    }
    assert (run.base_total, run.bonus_total, run.total) == (D("77.5"), D(5), D("82.5"))
    assert run.report["base_maximum"] == "100"
    assert run.report["bonus_maximum"] == "10"
    assert run.report["warnings"] == ["第3项声明5分，细项合计8分（2+2+2+2），评分以5分封顶"]


def test_the_run_stores_the_indicator_values_behind_each_point(scored) -> None:
    world, _sheet, run = scored
    subs = sub_items(run)
    screening = subs["4.1"]
    assert screening["points"] == "4"
    assert screening["explanation"] == "8 × 0.5 / 1 = 4"
    assert screening["indicator"] == {
        "code": "special_difficulty_screened_share",
        "name": "特殊困难老年人筛查摸底率",
        "unit": "share",
        "as_of": "2021-03-01",
        "value": "0.5",
        "numerator": "2",
        "denominator": "4",
        "source": "registry",
        "evidence": "",
    }
    fund = subs["2.2"]
    assert (fund["points"], fund["indicator"]["value"], fund["indicator"]["as_of"]) == (
        "3",
        "0.55",
        "2020-12-31",
    )
    assert fund["indicator"]["evidence"] == "fund_execution_rate 统计表"
    assert subs["3.2"]["indicator"]["value"] == "2"  # two rounds in 2021, not the 2020 one
    stations = subs["7.3"]
    assert stations["points"] == "17"
    assert stations["target"]["code"] == "stations_planned"
    assert (
        stations["explanation"]
        == "“幸福白银·银龄驿站”建成数 = 14，目标 10：少 0 个，多 4 个，13 + 0 + 4 = 17"
    )
    assert subs["9.3"]["status"] == "missing"
    assert subs["10.3"]["status"] == "missing"
    assert subs["10.2"]["evidence"] == "第10.2项 佐证材料"
    assert subs["1.1"]["rule"] == "人工评分"
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.CREATE,
            object_type="governance.scoringrun",
            region_code=world.county_a,
        ).count()
        == 1
    )


def test_a_stored_run_does_not_change_when_the_data_does(scored) -> None:
    world, sheet, run = scored
    builders.screened(Resident.objects.get(living_arrangement="alone"), date(2020, 12, 1))
    run.refresh_from_db()
    assert run.total == D("82.5")
    with time_machine.travel(NOW, tick=False):
        again = run_scoring(
            actor=world.user(Role.CITY_ADMIN), sheet=sheet, region_code=world.county_a, as_of=RUN_ON
        )
    assert points_by_item(again)["4"] == ("6", "6")  # 8 × 3/4


@pytest.mark.parametrize(
    ("who", "region", "error"),
    [
        (Role.COUNTY_ADMIN, "431103000000", GovernanceError),  # county B: out of scope
        ("county_b_admin", "431102000000", GovernanceError),
        (Role.TOWNSHIP_WORKER, "431102000000", GovernanceError),  # above the township
        (Role.AUDITOR, "431102000000", PermissionDenied),
        (Role.VILLAGE_WORKER, "431102000000", PermissionDenied),
        (Role.CITY_ADMIN, "431100000000", GovernanceError),  # the city is not inside the sheet
    ],
)
def test_who_may_run_and_where(world: World, who: str, region: str, error: type) -> None:
    with time_machine.travel(NOW, tick=False):
        sheet = builders.huining_sheet(world.county_a)
        before = ScoringRun.objects.count()
        with pytest.raises(error):
            run_scoring(actor=world.users[who], sheet=sheet, region_code=region, as_of=RUN_ON)
    assert ScoringRun.objects.count() == before


def test_a_sub_region_of_the_sheet_can_be_scored(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        sheet = builders.huining_sheet(world.county_a)
        run = run_scoring(
            actor=world.user(Role.COUNTY_ADMIN),
            sheet=sheet,
            region_code=world.township_a,
            as_of=RUN_ON,
        )
    assert (run.region_code, run.total) == (world.township_a, D(0))


@pytest.mark.parametrize(
    ("key", "points", "evidence", "field", "code"),
    [
        ("1.4", "3", "x", "points", "points_range"),
        ("1.4", "-1", "x", "points", "points_range"),
        ("1.4", "1", " ", "evidence", "required"),
        ("2.2", "1", "x", "sub_item", "not_manual"),
    ],
)
def test_manual_scores_are_checked(
    world: World, key: str, points: str, evidence: str, field: str, code: str
) -> None:
    with time_machine.travel(NOW, tick=False):
        sheet = builders.huining_sheet(world.county_a)
        with pytest.raises(GovernanceError) as caught:
            enter_manual_score(
                actor=world.user(Role.COUNTY_ADMIN),
                sub_item=sub(sheet, key),
                region_code=world.county_a,
                as_of=RUN_ON,
                points=D(points),
                evidence=evidence,
            )
    assert (caught.value.field, caught.value.code) == (field, code)
    assert ManualScore.objects.count() == 0
