import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from python_calamine import CalamineWorkbook

from eldercare.core.models import AuditAction, AuditEvent
from eldercare.registry import exporting
from eldercare.registry.exporting import SHEET_NAME, export_residents
from eldercare.registry.models import Resident
from eldercare.registry.validation import FIELD_LABELS, clean_resident
from tests import factories
from tests.conftest import World

# shared/spec/import-template.md, in its order: an export must re-import.
IMPORT_TEMPLATE_HEADERS = [
    "姓名",
    "公民身份号码",
    "性别",
    "出生日期",
    "民族",
    "联系电话",
    "所属区划代码",
    "所属乡镇（街道）",
    "所属村（社区）",
    "户籍地址",
    "现居住地址",
    "居住状况",
    "经济状况",
    "计生特殊家庭",
    "残疾类别",
    "残疾等级",
    "医保类型",
]
TODAY = date(2026, 5, 1)


@pytest.fixture(autouse=True)
def fixed_today() -> Any:
    with time_machine.travel(datetime(2026, 5, 1, 12, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def people(world: World) -> dict[str, Resident]:
    return {
        "a": factories.resident(
            world.village_a,
            name="张三",
            birth=date(1946, 5, 1),
            sex="M",
            phones=("13800001111", "0746-1234567"),
            ethnicity="汉族",
            household_address="零陵区朝阳街道1号",
            residence_address='=HYPERLINK("http://x")',
            living_arrangement="alone",
            economic_status="dibao",
            family_planning_status="bereaved",
            disability_type="physical",
            disability_grade=1,
            medical_insurance="resident",
        ),
        "a2": factories.resident(world.village_a2, name="李四", birth=date(1960, 1, 2), sex="F"),
        "a_other": factories.resident(world.village_a_other, name="王五"),
        "b": factories.resident(world.village_b, name="欧阳秀英", sex="F"),
    }


def export(user: Any, queryset: Any = None, filters: dict[str, str] | None = None) -> list[list]:
    buffer = io.BytesIO()
    export_residents(
        actor=user,
        queryset=Resident.objects.all() if queryset is None else queryset,
        filters=filters or {},
        path_or_buffer=buffer,
    )
    buffer.seek(0)
    return CalamineWorkbook.from_filelike(buffer).get_sheet_by_name(SHEET_NAME).to_python()


def by_name(rows: list[list]) -> dict[str, dict[str, Any]]:
    header = rows[0]
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}


def test_header_is_the_import_template_then_derived_columns(
    world: World, people: dict[str, Resident]
) -> None:
    rows = export(world.user("county_admin"))
    assert rows[0] == [*IMPORT_TEMPLATE_HEADERS, "年龄", "类别", "状态"]


def test_unmasked_export_for_a_role_that_may_see_full_numbers(
    world: World, people: dict[str, Resident]
) -> None:
    rows = by_name(export(world.user("township_worker")))
    assert rows["张三"] == {
        "姓名": "张三",
        "公民身份号码": people["a"].id_number,
        "性别": "男",
        "出生日期": date(1946, 5, 1),
        "民族": "汉族",
        "联系电话": "13800001111、0746-1234567",
        "所属区划代码": world.village_a,
        "所属乡镇（街道）": "朝阳街道",
        "所属村（社区）": "多福社区居委会",
        "户籍地址": "零陵区朝阳街道1号",
        "现居住地址": '=HYPERLINK("http://x")',
        "居住状况": "独居",
        "经济状况": "低保",
        "计生特殊家庭": "失独",
        "残疾类别": "肢体",
        "残疾等级": "一级",
        "医保类型": "城乡居民",
        "年龄": 80.0,
        "类别": "65岁及以上、高龄（80岁及以上）、低保、经济困难、独居、失独、计生特殊家庭、"
        "重度残疾（一、二级）、特殊困难老年人",
        "状态": "在册",
    }
    assert rows["李四"]["联系电话"] == ""
    assert rows["李四"]["居住状况"] == ""
    assert rows["李四"]["计生特殊家庭"] == "无"


def test_masked_export_for_a_role_without_unmasked_access(
    world: World, people: dict[str, Resident]
) -> None:
    rows = by_name(export(world.user("auditor")))
    number = people["a"].id_number
    assert rows["张三"]["公民身份号码"] == f"{number[:6]}********{number[-4:]}"
    assert rows["张三"]["联系电话"] == "138****1111、0746-****567"
    assert set(rows) == {"张三", "李四", "王五"}


def test_id_and_phone_cells_are_text(world: World, people: dict[str, Resident]) -> None:
    rows = by_name(export(world.user("county_admin")))
    for row in rows.values():
        assert isinstance(row["公民身份号码"], str)
        assert isinstance(row["所属区划代码"], str)
        assert isinstance(row["联系电话"], str)
    assert rows["张三"]["公民身份号码"] == people["a"].id_number


def test_the_audit_row(world: World, people: dict[str, Resident]) -> None:
    filters = {"status": "active", "region": world.township_a}
    export(world.user("township_worker"), filters=filters)
    event = AuditEvent.objects.get()
    assert event.action == AuditAction.EXPORT
    assert event.actor == world.user("township_worker")
    assert event.object_type == "registry.resident"
    assert event.region_code == world.township_a
    assert event.detail == {"filters": filters, "count": 2, "unmasked": True}

    AuditEvent.objects.all().delete()
    export(world.user("auditor"))
    assert AuditEvent.objects.get().detail == {"filters": {}, "count": 3, "unmasked": False}


def test_system_admin_export_is_audited_with_the_national_scope(
    world: World, people: dict[str, Resident]
) -> None:
    assert len(export(world.user("system_admin"))) == 5
    assert AuditEvent.objects.get().region_code == ""


@pytest.mark.parametrize("role", ["township_worker", "township_other", "county_b_admin"])
def test_an_unscoped_queryset_is_rescoped_to_the_actor(
    world: World, people: dict[str, Resident], role: str
) -> None:
    expected = {"township_worker": {"张三", "李四"}, "township_other": {"王五"}}
    rows = by_name(export(world.user(role), queryset=Resident.objects.all()))
    assert set(rows) == expected.get(role, {"欧阳秀英"})


def test_an_unbound_exporter_gets_an_empty_sheet(world: World, people: dict[str, Resident]) -> None:
    assert export(world.user("unbound")) == [[*IMPORT_TEMPLATE_HEADERS, "年龄", "类别", "状态"]]
    assert AuditEvent.objects.get().detail["count"] == 0


@pytest.mark.parametrize(
    "role", ["village_worker", "assessor", "provider_manager", "caregiver", "no_role"]
)
def test_roles_without_export_are_refused_and_nothing_is_audited(
    world: World, people: dict[str, Resident], role: str
) -> None:
    buffer = io.BytesIO()
    with pytest.raises(PermissionDenied):
        export_residents(
            actor=world.user(role),
            queryset=Resident.objects.all(),
            filters={},
            path_or_buffer=buffer,
        )
    assert buffer.getvalue() == b""
    assert not AuditEvent.objects.exists()


def test_an_unmasked_export_re_imports_to_the_same_values(
    world: World, people: dict[str, Resident]
) -> None:
    header_fields = {label: field for field, label in FIELD_LABELS.items()}
    rows = by_name(export(world.user("county_admin")))
    raw = {header_fields[h]: v for h, v in rows["张三"].items() if h in header_fields}
    values, problems = clean_resident(raw, today=TODAY, minimum_age=60)
    assert problems == []
    resident = people["a"]
    for field, value in values.items():
        expected = (
            ["13800001111", "0746-1234567"] if field == "phones" else getattr(resident, field)
        )
        assert value == expected, field


def test_one_query_per_chunk_for_phones(
    world: World, monkeypatch: pytest.MonkeyPatch, django_assert_num_queries: Any
) -> None:
    for index in range(5):
        factories.resident(world.village_a, name=f"人{index}", phones=(f"1380000000{index}",))
    monkeypatch.setattr(exporting, "CHUNK_SIZE", 2)
    # rows, 3 × phones, region names once (same village), the audit row
    with django_assert_num_queries(6):
        rows = export(world.user("county_admin"))
    assert len(rows) == 6
    assert rows[5][5] == "13800000004"
