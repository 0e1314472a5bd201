"""The .xlsx export of the list in effect: headers, rows, prices as numbers, notes, audit."""

import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.http import Http404
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from eldercare.accounts.models import Role
from eldercare.catalogue.exporting import HEADERS, export_in_effect
from eldercare.catalogue.models import ListKind, ServiceListEntry
from eldercare.core.models import AuditAction, AuditEvent
from tests.catalogue.builders import CITY, item, service_list
from tests.conftest import World


@pytest.fixture(autouse=True)
def fixed_today() -> Any:
    with time_machine.travel(datetime(2026, 5, 1, 12, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def lists(world: World) -> dict[str, Any]:
    meal = item(
        "ZC-001",
        "助餐·集中就餐",
        category="meal",
        unit="meal",
        service_standard="午餐一荤两素",
        minimum_minutes=30,
    )
    formula = item("ZJ-001", '=HYPERLINK("http://x")', category="cleaning", unit="hour")
    subsidy = item("JB-WZ-03", "高龄补贴", category="material_help", unit="month")
    national = service_list("", kind=ListKind.BASIC, entries=[(subsidy, None)], name="国家清单")
    city = service_list(CITY, entries=[(meal, 1250), (formula, 3500)], name="永州市清单")
    ServiceListEntry.objects.filter(service_list=city, item=meal).update(
        is_basic=True, is_price_example=True, eligibility="60岁及以上", funding="个人付费"
    )
    return {"national": national, "city": city}


def read(buffer: io.BytesIO) -> dict[str, list[list[Any]]]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue()))
    return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}


def test_the_export_has_one_row_per_item_in_effect(world, lists) -> None:
    buffer = io.BytesIO()
    count = export_in_effect(
        actor=world.user(Role.VILLAGE_WORKER),
        region_code=world.village_a,
        on=date(2026, 5, 1),
        path_or_buffer=buffer,
    )
    assert count == 3
    sheets = read(buffer)
    rows = sheets["服务清单"]
    assert rows[0] == list(HEADERS)
    assert rows[1] == [
        "助餐",
        "ZC-001",
        "助餐·集中就餐",
        "餐",
        12.5,
        "是",
        "是",
        "60岁及以上",
        "个人付费",
        "",
        "",
        "午餐一荤两素",
        30.0,
        "永州市清单（第1版）",
        CITY,
        1.0,
    ]
    assert rows[2][2] == '=HYPERLINK("http://x")'  # text, never a formula
    assert rows[3][:5] == ["物质帮助", "JB-WZ-03", "高龄补贴", "月", "不定价"]
    assert rows[3][14] == "全国"
    notes = {row[0]: row[1] for row in sheets["说明"] if row[0] != "适用清单"}
    assert notes["区划"] == f"多福社区居委会 {world.village_a}"
    assert notes["适用日期"] == "2026-05-01"
    assert notes["项目数"] == "3"
    applied = [row[1] for row in sheets["说明"] if row[0] == "适用清单"]
    assert applied == [
        "国家清单（第1版），区划 全国，2024-01-01 至 长期",
        f"永州市清单（第1版），区划 {CITY}，2024-01-01 至 长期",
    ]


def test_every_export_is_audited(world, lists) -> None:
    export_in_effect(
        actor=world.user(Role.AUDITOR),
        region_code=world.county_a,
        on=date(2026, 5, 1),
        path_or_buffer=io.BytesIO(),
    )
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.actor, event.region_code) == (
        AuditAction.EXPORT,
        "catalogue.servicelist",
        world.user(Role.AUDITOR),
        world.county_a,
    )
    assert event.detail == {
        "region": world.county_a,
        "on": "2026-05-01",
        "count": 3,
        "lists": [lists["national"].pk, lists["city"].pk],
    }


def test_an_export_outside_the_view_is_404_and_not_audited(world, lists) -> None:
    with pytest.raises(Http404):
        export_in_effect(
            actor=world.user(Role.VILLAGE_WORKER),
            region_code=world.village_b,
            on=date(2026, 5, 1),
            path_or_buffer=io.BytesIO(),
        )
    assert not AuditEvent.objects.exists()


def test_the_page_download(world, lists) -> None:
    client = Client()
    client.force_login(world.user(Role.CAREGIVER))
    response = client.get(reverse("catalogue:export"), {"on": "2026-05-01"})
    assert response.status_code == 200
    assert "20260501.xlsx" in response["Content-Disposition"]
    sheets = read(io.BytesIO(b"".join(response.streaming_content)))
    assert [row[1] for row in sheets["服务清单"][1:]] == ["ZC-001", "ZJ-001", "JB-WZ-03"]
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1
