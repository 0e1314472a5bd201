"""import_residents: every bad input of the contract, reported at its row and column, and
all-or-nothing by default (nothing written when one row is wrong)."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from eldercare.core.idcard import convert_legacy
from eldercare.core.models import AuditAction, AuditEvent
from eldercare.regions.models import Region
from eldercare.registry.importing.errors import FileImportError
from eldercare.registry.importing.pipeline import import_residents
from eldercare.registry.importing.results import ImportResult
from eldercare.registry.models import Resident, ResidentContact, ResidentPhone, ScreeningRecord
from tests import factories
from tests.conftest import World
from tests.registry.importing.conftest import Importer
from tests.registry.importing.sheets import (
    TODAY,
    VILLAGE_A,
    id_with_check,
    person,
    write_csv,
    write_xlsx,
)

pytestmark = pytest.mark.django_db

LEGACY = "431102500305123"
LEGACY_18 = convert_legacy(LEGACY)


def errors(result: ImportResult) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.code) for e in result.errors]


def refused_without_writing(result: ImportResult, rows: int) -> None:
    assert result.refused
    assert result.rows == rows
    assert Resident.objects.count() == 0
    assert ResidentPhone.objects.count() == 0
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE).exists()


def one_bad_row(run_import: Importer, bad: dict[str, Any], **options: Any) -> ImportResult:
    """The bad row is the second data row (Excel row 3), between two good ones."""
    result = run_import([person(), bad, person()], **options)
    refused_without_writing(result, 3)
    assert result.created == 2
    assert result.rejected == 1
    return result


# --- ID numbers ---------------------------------------------------------------------------------


def test_id_stored_as_a_number_is_rejected_as_damaged(run_import: Importer) -> None:
    result = one_bad_row(run_import, person(公民身份号码=430124195003052123))
    assert errors(result) == [(3, "公民身份号码", "id_numeric_cell")]
    assert "15 位有效数字" in result.errors[0].message


def test_id_in_scientific_notation_text_is_rejected_as_damaged(run_import: Importer) -> None:
    result = one_bad_row(run_import, person(公民身份号码="4.30124195003052E+17"), suffix=".csv")
    assert errors(result) == [(3, "公民身份号码", "id_numeric_cell")]


def test_checksum_error_names_the_expected_character(run_import: Importer) -> None:
    good = id_with_check(date(1950, 3, 5), "X")
    result = one_bad_row(run_import, person(公民身份号码=good[:17] + "1", 出生日期=None))
    assert errors(result) == [(3, "公民身份号码", "id_checksum")]
    assert result.errors[0].message == "校验码错误：应为X"


def test_lowercase_x_full_width_digits_and_spaces_are_cleaned(run_import: Importer) -> None:
    number = id_with_check(date(1950, 3, 5), "X")
    messy = (
        " ".join(number[:6])
        + "\u3000"
        + number[6:17].translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
        + "x"
    )
    result = run_import([person(公民身份号码=messy, 出生日期=None, 性别=None)])
    assert result.created == 1, result.errors
    assert Resident.objects.get().id_number == number


def test_legacy_15_digit_number_is_converted(run_import: Importer) -> None:
    result = run_import([person(公民身份号码=LEGACY, 出生日期="1950-03-05", 性别="男")])
    assert result.created == 1, result.errors
    resident = Resident.objects.get()
    assert resident.id_number == LEGACY_18
    assert resident.id_number_reversed == resident.id_number[::-1]
    assert (resident.birth_date, resident.sex) == (date(1950, 3, 5), "M")


def test_missing_id_is_required(run_import: Importer) -> None:
    result = one_bad_row(run_import, person(公民身份号码=None))
    assert errors(result) == [(3, "公民身份号码", "required")]


def test_duplicate_ids_in_the_file_reject_every_copy(run_import: Importer) -> None:
    twin = person()
    legacy_twin = person(公民身份号码=LEGACY, 出生日期=None, 性别=None)
    rows = [
        twin,
        person(),
        twin,
        legacy_twin,
        person(公民身份号码=LEGACY_18, 出生日期=None, 性别=None),
    ]
    result = run_import(rows)
    refused_without_writing(result, 5)
    assert errors(result) == [
        (2, "公民身份号码", "id_duplicate_in_file"),
        (4, "公民身份号码", "id_duplicate_in_file"),
        (5, "公民身份号码", "id_duplicate_in_file"),
        (6, "公民身份号码", "id_duplicate_in_file"),
    ]
    assert result.errors[0].message == "与第4行的公民身份号码重复"
    assert result.errors[1].message == "与第2行的公民身份号码重复"
    assert result.errors[2].message == "与第6行的公民身份号码重复"


def test_three_copies_name_the_two_other_rows(run_import: Importer) -> None:
    twin = person()
    result = run_import([twin, twin, twin])
    assert [e.message for e in result.errors] == [
        "与第3、4行的公民身份号码重复",
        "与第2、4行的公民身份号码重复",
        "与第2、3行的公民身份号码重复",
    ]


# --- sex, birth date, other fields ----------------------------------------------------------------


def test_sex_must_agree_with_the_id(run_import: Importer) -> None:
    row = person()
    row["性别"] = "女" if row["性别"] == "男" else "男"
    result = one_bad_row(run_import, row)
    assert errors(result) == [(3, "性别", "sex_mismatch")]


def test_birth_date_must_agree_with_the_id(run_import: Importer) -> None:
    result = one_bad_row(run_import, person(出生日期="1949-01-01"))
    assert errors(result) == [(3, "出生日期", "birth_mismatch")]
    assert "号码显示为" in result.errors[0].message


@pytest.mark.parametrize(
    "written",
    ["1950-03-05", "1950/3/5", "1950.3.5", "1950年3月5日", "19500305", 18327, date(1950, 3, 5)],
    ids=["iso", "slashes", "dots", "chinese", "compact", "excel-serial", "date-cell"],
)
def test_every_date_form_is_read(run_import: Importer, written: object) -> None:
    number = factories.id_number(date(1950, 3, 5), sex="M")
    result = run_import([person(公民身份号码=number, 出生日期=written, 性别="男")])
    assert result.created == 1, result.errors
    assert Resident.objects.get().birth_date == date(1950, 3, 5)


def test_unreadable_birth_date(run_import: Importer) -> None:
    result = one_bad_row(run_import, person(出生日期="五十年代"))
    assert errors(result) == [(3, "出生日期", "date_format")]


def test_unknown_ethnicity(run_import: Importer) -> None:
    result = one_bad_row(run_import, person(民族="火星族"))
    assert errors(result) == [(3, "民族", "ethnicity_unknown")]


def test_short_ethnicity_is_accepted(run_import: Importer) -> None:
    run_import([person(民族="汉")])
    assert Resident.objects.get().ethnicity == "汉族"


def test_bad_phone(run_import: Importer) -> None:
    result = one_bad_row(run_import, person(联系电话="1381234"))
    assert errors(result) == [(3, "联系电话", "phone_format")]


def test_several_phones_in_one_cell(run_import: Importer) -> None:
    run_import([person(联系电话="138 1234 5678、0746-1234567;13912345678")])
    assert list(ResidentPhone.objects.values_list("number", "position")) == [
        ("13812345678", 1),
        ("0746-1234567", 2),
        ("13912345678", 3),
    ]


def test_unknown_choice_lists_the_allowed_values(run_import: Importer) -> None:
    result = one_bad_row(run_import, person(居住状况="住山上"))
    assert errors(result) == [(3, "居住状况", "choice_unknown")]
    assert "独居" in result.errors[0].message


def test_choice_labels_and_aliases_are_stored_as_codes(run_import: Importer) -> None:
    run_import(
        [
            person(
                经济状况="五保",
                计生特殊家庭="失独",
                残疾类别="肢体",
                残疾等级="二级",
                医保类型="新农合",
            )
        ]
    )
    resident = Resident.objects.get()
    assert (
        resident.economic_status,
        resident.family_planning_status,
        resident.disability_type,
        resident.disability_grade,
        resident.medical_insurance,
    ) == ("destitute", "bereaved", "physical", 2, "resident")


def test_name_rules(run_import: Importer) -> None:
    result = run_import([person(姓名=None), person(姓名="张3"), person(姓名="阿依·买买提")])
    assert errors(result) == [(2, "姓名", "required"), (3, "姓名", "name_chars")]
    assert result.created == 1


# --- regions, scope and age ---------------------------------------------------------------------


def test_unknown_region_code(run_import: Importer) -> None:
    result = one_bad_row(run_import, person(所属区划代码="431102001999"))
    assert errors(result) == [(3, "所属区划代码", "region_unknown")]


def test_region_outside_the_scope_is_rejected_like_an_unknown_one(
    run_import: Importer, world: World
) -> None:
    result = one_bad_row(run_import, person(所属区划代码=world.village_b))
    assert errors(result) == [(3, "所属区划代码", "region_unknown")]
    assert result.errors[0].message == f"区划代码 {world.village_b} 不在您的管辖范围内"


def test_region_must_be_a_village(run_import: Importer, world: World) -> None:
    result = one_bad_row(run_import, person(所属区划代码=world.township_a))
    assert errors(result) == [(3, "所属区划代码", "region_not_village")]


def test_region_code_format(run_import: Importer) -> None:
    result = one_bad_row(run_import, person(所属区划代码="12345"))
    assert errors(result) == [(3, "所属区划代码", "region_format")]


def test_region_code_stored_as_a_number_is_fine(run_import: Importer) -> None:
    run_import([person(所属区划代码=431102001001)])
    assert Resident.objects.get().region_code == VILLAGE_A


def by_names(township: str | None, village: str | None, **overrides: Any) -> dict[str, Any]:
    return person(
        所属区划代码=None, **{"所属乡镇（街道）": township, "所属村（社区）": village}, **overrides
    )


@pytest.mark.parametrize(
    ("township", "village"),
    [
        ("朝阳街道", "多福社区"),
        ("朝阳街道办事处", "多福社区居委会"),
        (" 朝阳 街道", "多福社区居民委员会"),
    ],
)
def test_region_by_township_and_village_names(
    run_import: Importer, world: World, township: str, village: str
) -> None:
    result = run_import([by_names(township, village)])
    assert result.created == 1, result.errors
    assert Resident.objects.get().region_code == world.village_a


def test_village_name_resolution_of_a_rural_village(run_import: Importer, world: World) -> None:
    run_import([by_names("水口山镇", "何仙观村")])
    assert Resident.objects.get().region_code == world.village_a_other


def test_unknown_names_are_named(run_import: Importer) -> None:
    result = run_import(
        [
            by_names("朝阳街道", "不存在村"),
            by_names("不存在镇", "多福社区"),
            by_names("朝阳街道", None),
        ]
    )
    refused_without_writing(result, 3)
    assert errors(result) == [
        (2, "所属村（社区）", "region_name_unknown"),
        (3, "所属乡镇（街道）", "region_name_unknown"),
        (4, "所属村（社区）", "required"),
    ]
    assert result.errors[0].message == "在您的管辖范围内，“朝阳街道”下找不到村（社区）“不存在村”"
    assert result.errors[1].message == "在您的管辖范围内找不到乡镇（街道）“不存在镇”"


def test_names_outside_the_scope_are_not_found(run_import: Importer) -> None:
    result = run_import([by_names("梅湾街道", "梅湾社区")])
    assert errors(result) == [(2, "所属乡镇（街道）", "region_name_unknown")]


def test_ambiguous_names_ask_for_the_code(run_import: Importer) -> None:
    factories.region("431103002000", "朝阳街道")
    factories.region("431103002001", "多福社区居委会")
    result = run_import([by_names("朝阳街道", "多福社区")], user="city_admin")
    assert errors(result) == [(2, "所属村（社区）", "region_name_ambiguous")]
    assert "431102001001、431103002001" in result.errors[0].message
    assert Resident.objects.count() == 0


def test_region_is_required_for_a_new_resident(run_import: Importer) -> None:
    result = one_bad_row(run_import, person(所属区划代码=""))
    assert errors(result) == [(3, "所属区划代码", "required")]


def test_under_age_message_has_the_age(run_import: Importer) -> None:
    young = factories.id_number(date(1970, 7, 1), sex="M")
    result = one_bad_row(run_import, person(公民身份号码=young, 出生日期=None, 性别=None))
    assert errors(result) == [(3, "公民身份号码", "too_young")]
    assert result.errors[0].message == "年龄55岁，未满60岁，不予登记"


def test_regional_minimum_age_applies(run_import: Importer, world: World) -> None:
    Region.objects.filter(code=world.county_a).update(registry_minimum_age=65)
    sixty_three = factories.id_number(date(1963, 1, 1), sex="M")
    result = run_import([person(公民身份号码=sixty_three, 出生日期=None, 性别=None)])
    assert errors(result) == [(2, "公民身份号码", "too_young")]
    assert result.errors[0].message == "年龄63岁，未满65岁，不予登记"


def test_registered_in_another_region_is_rejected_without_saying_where(
    run_import: Importer, world: World
) -> None:
    other = factories.resident(world.village_b, name="李四")
    result = run_import([person(公民身份号码=other.id_number, 出生日期=None, 性别=None)])
    assert errors(result) == [(2, "公民身份号码", "id_duplicate")]
    assert "其他地区" in result.errors[0].message
    assert world.village_b not in result.errors[0].message
    other.refresh_from_db()
    assert other.name == "李四"


# --- contacts and screening ---------------------------------------------------------------------


def test_contact_and_screening_are_created(run_import: Importer) -> None:
    run_import(
        [
            person(
                紧急联系人="张小三",
                紧急联系人电话="13912345678",
                与老人关系="儿子",
                服务需求="助餐、助医 康复护理",
                筛查日期="2026年5月20日",
                筛查人="李网格",
            )
        ]
    )
    contact = ResidentContact.objects.get()
    assert (contact.name, contact.relation, contact.phone, contact.call_order) == (
        "张小三",
        "child",
        "13912345678",
        1,
    )
    screening = ScreeningRecord.objects.get()
    assert screening.screened_on == date(2026, 5, 20)
    assert screening.needs == ["meal", "medical", "rehabilitation"]
    assert screening.surveyor_name == "李网格"


def test_contact_needs_all_three_cells(run_import: Importer) -> None:
    result = one_bad_row(run_import, person(紧急联系人="张小三"))
    assert errors(result) == [
        (3, "紧急联系人电话", "contact_incomplete"),
        (3, "与老人关系", "contact_incomplete"),
    ]


def test_contact_phone_and_relation_are_checked(run_import: Importer) -> None:
    result = one_bad_row(
        run_import, person(紧急联系人="张小三", 紧急联系人电话="12345", 与老人关系="朋友")
    )
    assert errors(result) == [
        (3, "紧急联系人电话", "phone_format"),
        (3, "与老人关系", "choice_unknown"),
    ]


def test_screening_rules(run_import: Importer) -> None:
    result = run_import(
        [
            person(服务需求="助餐"),
            person(筛查日期="2026-06-02"),
            person(筛查日期="2026-05-01", 服务需求="助餐、飞行"),
        ]
    )
    refused_without_writing(result, 3)
    assert errors(result) == [
        (2, "筛查日期", "required"),
        (3, "筛查日期", "date_future"),
        (4, "服务需求", "choice_unknown"),
    ]
    assert result.errors[2].message == "无法识别的服务需求：飞行"


# --- the file as a whole ------------------------------------------------------------------------


def test_merged_title_row_above_the_header(run_import: Importer) -> None:
    result = run_import([person(), person(民族="火星族")], title="多福社区老年人基本信息筛查摸底表")
    assert errors(result) == [(4, "民族", "ethnicity_unknown")]
    assert result.sheet == "Sheet1"


def test_extra_columns_are_a_warning(run_import: Importer) -> None:
    result = run_import([person(序号=1, 备注="无")])
    assert result.created == 1
    assert result.warnings == ["以下列无法识别，已忽略：备注、序号"]


def test_missing_required_column_is_a_file_error(world: World, tmp_path: Path) -> None:
    rows = [{k: v for k, v in person().items() if k != "所属区划代码"}]
    path = write_xlsx(tmp_path / "s.xlsx", rows)
    with pytest.raises(FileImportError) as raised:
        import_residents(path, actor=world.user("county_admin"), dry_run=False, valid_only=False)
    assert "缺少必需的列：所属区划代码（或同时提供所属乡镇（街道）和所属村（社区））" in str(
        raised.value
    )
    assert Resident.objects.count() == 0


def test_missing_id_column_is_named(world: World, tmp_path: Path) -> None:
    rows = [{k: v for k, v in person().items() if k != "公民身份号码"}]
    path = write_xlsx(tmp_path / "s.xlsx", rows)
    with pytest.raises(FileImportError, match="缺少必需的列：公民身份号码"):
        import_residents(path, actor=world.user("county_admin"), dry_run=False, valid_only=False)


def test_blank_rows_are_skipped_and_rows_keep_their_excel_numbers(run_import: Importer) -> None:
    result = run_import([person(), {}, {"姓名": " "}, person(民族="火星族")])
    assert result.rows == 2
    assert errors(result) == [(5, "民族", "ethnicity_unknown")]


def test_header_only_file_warns(run_import: Importer) -> None:
    result = run_import([], headers=["姓名", "公民身份号码", "所属区划代码"])
    assert (result.rows, result.refused) == (0, False)
    assert result.warnings == ["表头下没有数据行"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_encodings(run_import: Importer, encoding: str) -> None:
    result = run_import([person(姓名="阿依·买买提"), person()], suffix=".csv", encoding=encoding)
    assert result.created == 2, result.errors
    assert set(Resident.objects.values_list("name", flat=True)) == {"阿依·买买提", "张三"}


# --- modes, permission and audit ----------------------------------------------------------------


def test_valid_only_imports_the_good_rows_and_reports_the_bad(run_import: Importer) -> None:
    result = run_import([person(), person(民族="火星族"), person()], valid_only=True)
    assert (result.created, result.rejected, result.refused) == (2, 1, False)
    assert errors(result) == [(3, "民族", "ethnicity_unknown")]
    assert Resident.objects.count() == 2
    assert ResidentPhone.objects.count() == 2


def test_dry_run_counts_the_same_and_writes_nothing(run_import: Importer) -> None:
    rows = [person(), person(民族="火星族"), person()]
    preview = run_import(rows, dry_run=True, valid_only=True)
    assert Resident.objects.count() == 0
    assert not AuditEvent.objects.exists()
    real = run_import(rows, valid_only=True)
    assert preview.as_dict() == real.as_dict()
    assert Resident.objects.count() == 2


def test_a_refused_import_counts_what_would_have_happened(run_import: Importer) -> None:
    rows = [person() for _ in range(5)] + [person(民族="火星族")]
    result = run_import(rows)
    assert (result.rows, result.created, result.rejected) == (6, 5, 1)
    assert Resident.objects.count() == 0


def test_role_without_import_permission_is_refused(run_import: Importer) -> None:
    with pytest.raises(PermissionDenied):
        run_import([person()], user="village_worker")
    assert Resident.objects.count() == 0
    assert not AuditEvent.objects.exists()


def test_the_import_is_audited_once_with_checksum_and_counts(world: World, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "多福社区.xlsx", [person(), person(民族="火星族")])
    import_residents(
        path, actor=world.user("county_admin"), dry_run=False, valid_only=True, today=TODAY
    )
    event = AuditEvent.objects.get()
    assert event.action == AuditAction.IMPORT
    assert event.actor == world.user("county_admin")
    assert event.region_code == world.county_a
    assert event.detail["file"] == "多福社区.xlsx"
    assert len(event.detail["sha256"]) == 64
    assert {k: event.detail[k] for k in ("rows", "created", "rejected", "imported")} == {
        "rows": 2,
        "created": 1,
        "rejected": 1,
        "imported": True,
    }


def test_a_refused_import_is_audited_too(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", [person(民族="火星族")])
    import_residents(path, actor=world.user("county_admin"), dry_run=False, valid_only=False)
    event = AuditEvent.objects.get()
    assert (event.action, event.detail["imported"], event.detail["rejected"]) == (
        AuditAction.IMPORT,
        False,
        1,
    )
    assert Resident.objects.count() == 0


def test_progress_and_total_callbacks(world: World, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr("eldercare.registry.importing.pipeline.BATCH_SIZE", 2)
    path = write_xlsx(tmp_path / "s.xlsx", [person() for _ in range(5)])
    seen: list[int] = []
    totals: list[int] = []
    import_residents(
        path,
        actor=world.user("county_admin"),
        dry_run=True,
        valid_only=False,
        progress=seen.append,
        on_total=totals.append,
        today=TODAY,
    )
    assert (seen, totals) == ([2, 4, 5], [5])


def test_batches_see_each_others_results(world: World, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr("eldercare.registry.importing.pipeline.BATCH_SIZE", 3)
    rows = [person(联系电话=f"1381234{n:04d}") for n in range(7)]
    path = write_xlsx(tmp_path / "s.xlsx", rows)
    result = import_residents(
        path, actor=world.user("county_admin"), dry_run=False, valid_only=False, today=TODAY
    )
    assert result.created == 7
    phones = dict(ResidentPhone.objects.values_list("resident__id_number", "number"))
    assert phones == {row["公民身份号码"]: row["联系电话"] for row in rows}


def test_a_large_import_refreshes_the_planner_statistics(
    run_import: Importer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fresh row estimates right after a bulk load: a 1M import otherwise leaves lists slow."""
    monkeypatch.setattr("eldercare.registry.importing.common.ANALYZE_AFTER_ROWS", 2)
    with CaptureQueriesContext(connection) as small:
        run_import([person()])
    with CaptureQueriesContext(connection) as large:
        run_import([person(), person()])
    analyzed = [q["sql"] for q in large.captured_queries if q["sql"].startswith("ANALYZE")]
    assert any("registry_resident" in sql for sql in analyzed)
    assert not any(q["sql"].startswith("ANALYZE") for q in small.captured_queries)
