"""A row whose ID number is registered updates that resident: only filled cells that differ,
audited per resident, and importing the same file twice changes nothing the second time."""

from datetime import date

import pytest

from eldercare.core.models import AuditAction, AuditEvent
from eldercare.registry.models import Resident, ResidentContact, ResidentPhone, ScreeningRecord
from tests import factories
from tests.conftest import World
from tests.registry.importing.conftest import Importer
from tests.registry.importing.sheets import VILLAGE_A, person

pytestmark = pytest.mark.django_db


def updates() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditAction.UPDATE).order_by("id"))


def full_row(**overrides: object) -> dict[str, object]:
    return person(
        紧急联系人="张小三",
        紧急联系人电话="13912345678",
        与老人关系="子女",
        服务需求="助餐",
        筛查日期="2026-05-20",
        筛查人="李网格",
        **overrides,
    )


def test_reimporting_the_same_file_changes_nothing(run_import: Importer) -> None:
    rows = [full_row(), full_row(联系电话="0746-1234567、13812345678")]
    first = run_import(rows)
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    snapshot = (
        list(Resident.objects.values().order_by("id")),
        list(ResidentPhone.objects.values().order_by("id")),
        list(ResidentContact.objects.values().order_by("id")),
        list(ScreeningRecord.objects.values().order_by("id")),
    )
    second = run_import(rows)
    assert (second.rows, second.created, second.updated, second.unchanged) == (2, 0, 0, 2)
    assert updates() == []
    assert snapshot == (
        list(Resident.objects.values().order_by("id")),
        list(ResidentPhone.objects.values().order_by("id")),
        list(ResidentContact.objects.values().order_by("id")),
        list(ScreeningRecord.objects.values().order_by("id")),
    )
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT).count() == 2


def test_a_changed_field_is_updated_and_audited_with_the_difference(
    run_import: Importer, world: World
) -> None:
    row = person()
    run_import([row, person()])
    changed = {**row, "经济状况": "特困供养", "联系电话": "13900000000", "姓名": "单雄信"}
    result = run_import([changed])
    assert (result.updated, result.unchanged) == (1, 0)
    resident = Resident.objects.get(id_number=row["公民身份号码"])
    assert (resident.economic_status, resident.name, resident.name_pinyin) == (
        "destitute",
        "单雄信",
        "shanxiongxin",
    )
    assert list(resident.phones.values_list("number", flat=True)) == ["13900000000"]
    [event] = updates()
    assert (event.object_type, event.object_id, event.region_code) == (
        "registry.resident",
        str(resident.pk),
        VILLAGE_A,
    )
    assert event.actor == world.user("county_admin")
    assert event.changes == {
        "name": ["张三", "单雄信"],
        "economic_status": ["dibao", "destitute"],
        "phones": [["13812345678"], ["13900000000"]],
    }
    assert "第2行" in event.detail["reason"]


def test_blank_cells_do_not_clear_stored_values(run_import: Importer) -> None:
    row = person(民族="回族", 户籍地址="老地址")
    run_import([row])
    sparse = {"姓名": row["姓名"], "公民身份号码": row["公民身份号码"], "民族": "", "户籍地址": ""}
    result = run_import(
        [sparse], headers=["姓名", "公民身份号码", "民族", "户籍地址", "所属区划代码"]
    )
    assert result.unchanged == 1, result.errors
    resident = Resident.objects.get()
    assert (resident.ethnicity, resident.household_address, resident.region_code) == (
        "回族",
        "老地址",
        VILLAGE_A,
    )


def test_moving_to_another_village_in_scope(run_import: Importer, world: World) -> None:
    row = person()
    run_import([row])
    run_import([{**row, "所属区划代码": world.village_a2}])
    assert Resident.objects.get().region_code == world.village_a2
    assert updates()[0].changes == {"region_code": [VILLAGE_A, world.village_a2]}


def test_moving_out_of_scope_is_refused(run_import: Importer, world: World) -> None:
    row = person()
    run_import([row])
    result = run_import([{**row, "所属区划代码": world.village_b}])
    assert [(e.row, e.code) for e in result.errors] == [(2, "region_unknown")]
    assert Resident.objects.get().region_code == VILLAGE_A


def test_contact_of_the_same_name_is_corrected_a_new_one_appended(run_import: Importer) -> None:
    row = full_row()
    run_import([row])
    run_import([{**row, "紧急联系人电话": "13700000000"}])
    run_import([{**row, "紧急联系人": "王五", "与老人关系": "邻居"}])
    contacts = list(ResidentContact.objects.values_list("name", "relation", "phone", "call_order"))
    assert contacts == [
        ("张小三", "child", "13700000000", 1),
        ("王五", "neighbour", "13912345678", 2),
    ]
    first, second = updates()
    assert first.changes == {"contacts": ["张小三/child/13912345678", "张小三/child/13700000000"]}
    assert second.changes == {"contacts": [None, "王五/neighbour/13912345678"]}


def test_screening_of_the_same_day_is_updated_another_day_added(run_import: Importer) -> None:
    row = full_row()
    run_import([row])
    run_import([{**row, "服务需求": "助浴、助洁"}])
    run_import([{**row, "筛查日期": "2026-05-28", "筛查人": ""}])
    screenings = list(
        ScreeningRecord.objects.order_by("screened_on").values_list(
            "screened_on", "needs", "surveyor_name"
        )
    )
    assert screenings == [
        (date(2026, 5, 20), ["bath", "cleaning"], "李网格"),
        (date(2026, 5, 28), ["meal"], ""),
    ]
    first, second = updates()
    assert first.changes == {
        "screening": [
            {"screened_on": "2026-05-20", "needs": ["meal"], "surveyor_name": "李网格"},
            {"screened_on": "2026-05-20", "needs": ["bath", "cleaning"], "surveyor_name": "李网格"},
        ]
    }
    assert second.changes["screening"][0] is None


def test_existing_resident_created_elsewhere_is_updated(run_import: Importer, world: World) -> None:
    existing = factories.resident(world.village_a, name="李四", phones=("13812345678",))
    result = run_import(
        [
            {
                "姓名": "李四",
                "公民身份号码": existing.id_number,
                "联系电话": "13812345678",
                "医保类型": "城镇职工",
            }
        ],
        headers=["姓名", "公民身份号码", "联系电话", "医保类型", "所属区划代码"],
    )
    assert (result.updated, result.errors) == (1, [])
    existing.refresh_from_db()
    assert existing.medical_insurance == "employee"
    assert updates()[0].changes == {"medical_insurance": ["", "employee"]}


def test_under_age_floor_does_not_apply_to_updates(run_import: Importer, world: World) -> None:
    young = factories.resident(world.village_a, birth=date(1970, 1, 1))
    result = run_import(
        [{"姓名": young.name, "公民身份号码": young.id_number, "民族": "汉族"}],
        headers=["姓名", "公民身份号码", "民族", "所属区划代码"],
    )
    assert (result.updated, result.errors) == (1, [])


def test_refused_update_leaves_the_resident_and_audit_untouched(run_import: Importer) -> None:
    row = person()
    run_import([row])
    result = run_import([{**row, "经济状况": "一般"}, person(民族="火星族")])
    assert (result.updated, result.rejected, result.refused) == (1, 1, True)
    assert Resident.objects.get().economic_status == "dibao"
    assert updates() == []
