"""The facility survey import: the export's own workbook reads back; any bad row writes nothing."""

import io

import xlsxwriter
from django.test import Client

from eldercare.core.models import AuditEvent
from eldercare.providers.exporting import HEADERS
from eldercare.providers.importing import import_facilities
from eldercare.providers.models import Facility, Provider
from tests.conftest import World


def workbook(rows: list[list[object]]) -> io.BytesIO:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADERS)
    for number, row in enumerate(rows, start=1):
        sheet.write_row(number, 0, row)
    book.close()
    buffer.seek(0)
    return buffer


def row(world: World, name: str = "多福日间照料中心", **changes: object) -> list[object]:
    values = {
        "name": name,
        "kind": "日间照料中心",
        "village": "",
        "region_code": world.village_a,
        "address": "多福路1号",
        "lat": 26.42,
        "lng": 111.61,
        "area": 300,
        "beds": 10,
        "mode": "公建民营",
        "operator": "零陵颐养服务有限公司",
        "hours": "8:00-17:00",
        "services": "ZC-001",
        "operating": "是",
        "new": "否",
        "medical": "区医院",
        "built": "2025-03-01",
    }
    values.update(changes)
    return list(values.values())


def test_import_creates_then_updates(world: World, provider_a: Provider, meal) -> None:
    admin = world.user("county_admin")
    checked = import_facilities(actor=admin, file=workbook([row(world)]), dry_run=True)
    assert (checked.errors, Facility.objects.count()) == ([], 0)
    result = import_facilities(
        actor=admin,
        file=workbook(
            [
                row(world),
                row(world, "银闸助餐点", kind="助餐点（老年食堂）", mode="公办公营", operator=""),
            ]
        ),
    )
    assert (result.created, result.updated) == (2, 0)
    facility = Facility.objects.get(name="多福日间照料中心")
    assert (facility.operator, facility.beds, list(facility.services.all())) == (
        provider_a,
        10,
        [meal],
    )
    again = import_facilities(actor=admin, file=workbook([row(world, beds=12)]))
    assert (again.created, again.updated) == (0, 1)
    facility.refresh_from_db()
    assert facility.beds == 12
    assert AuditEvent.objects.filter(action="import").count() == 2


def test_any_bad_row_writes_nothing(world: World, provider_a: Provider, meal) -> None:
    result = import_facilities(
        actor=world.user("county_admin"),
        file=workbook(
            [
                row(world),
                row(world, "坏行", lat=111.6, lng=26.4, operator="不存在的机构", services="NOPE"),
            ]
        ),
    )
    assert not Facility.objects.exists()
    assert len(result.errors) == 4 and all(e.startswith("第 3 行") for e in result.errors)


def test_wrong_columns_refused(world: World) -> None:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet().write_row(0, 0, ["姓名", "地址"])
    book.close()
    buffer.seek(0)
    client = Client()
    client.force_login(world.user("county_admin"))
    buffer.name = "x.xlsx"
    page = client.post(
        "/providers/facilities/import/", {"file": buffer}, follow=True
    ).content.decode()
    assert "缺少列" in page
    assert not Facility.objects.exists()
