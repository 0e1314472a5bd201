from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.http import Http404

from eldercare.accounts.models import Role
from eldercare.core.idcard import convert_legacy
from eldercare.core.models import AuditEvent
from eldercare.registry import services
from eldercare.registry.models import Resident, ResidentContact, ScreeningRecord
from eldercare.registry.validation import ResidentDataError
from tests import factories

pytestmark = pytest.mark.usefixtures("time_travel")

VALID = {
    "name": "张三",
    "id_number": "11010519491231002X",
    "region_code": "431102001001",
    "phones": "13812345678、0731-1234567",
    "living_arrangement": "独居",
    "economic_status": "特困供养",
}


@pytest.fixture
def time_travel():
    with time_machine.travel(date(2026, 11, 23), tick=False):
        yield


def codes(error: pytest.ExceptionInfo[ResidentDataError]) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in error.value.problems]


def test_register_derives_sex_birth_and_search_keys_and_audits(world) -> None:
    actor = world.user(Role.TOWNSHIP_WORKER)
    resident = services.register_resident(actor=actor, data=VALID)
    assert (resident.sex, resident.birth_date) == ("F", date(1949, 12, 31))
    assert (resident.name_pinyin, resident.name_initials) == ("zhangsan", "zs")
    assert resident.id_number_reversed == "11010519491231002X"[::-1]
    assert resident.living_arrangement == "alone" and resident.economic_status == "destitute"
    assert list(resident.phones.values_list("number", flat=True)) == ["13812345678", "0731-1234567"]
    event = AuditEvent.objects.get(action="create")
    assert (event.actor, event.object_id, event.region_code) == (
        actor,
        str(resident.pk),
        "431102001001",
    )
    assert event.changes["id_number"] == "11010519491231002X"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"name": ""}, [("name", "required")]),
        ({"id_number": "110105194912310021"}, [("id_number", "id_checksum")]),
        ({"id_number": 4.30124195003052e17}, [("id_number", "id_numeric_cell")]),
        ({"sex": "男"}, [("sex", "sex_mismatch")]),
        ({"birth_date": "1950.3.5"}, [("birth_date", "birth_mismatch")]),
        ({"ethnicity": "火星族"}, [("ethnicity", "ethnicity_unknown")]),
        ({"phones": "12345"}, [("phones", "phone_format")]),
        ({"living_arrangement": "流浪"}, [("living_arrangement", "choice_unknown")]),
        ({"disability_grade": "二级"}, [("disability_type", "grade_without_type")]),
        ({"region_code": "431102001000"}, [("region_code", "region_not_village")]),
        ({"region_code": "431103001001"}, [("region_code", "region_unknown")]),
        ({"region_code": "4311"}, [("region_code", "region_unknown")]),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    world, change, expected
) -> None:
    with pytest.raises(ResidentDataError) as error:
        services.register_resident(actor=world.user(Role.TOWNSHIP_WORKER), data={**VALID, **change})
    assert codes(error) == expected
    assert Resident.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_under_age_message_states_the_age(world) -> None:
    young = factories.id_number(date(1970, 5, 1))
    with pytest.raises(ResidentDataError, match="年龄56岁，未满60岁") as error:
        services.register_resident(
            actor=world.user(Role.TOWNSHIP_WORKER), data={**VALID, "id_number": young}
        )
    assert codes(error) == [("id_number", "too_young")]


def test_minimum_age_is_configurable_per_region(world) -> None:
    from eldercare.regions.models import Region

    Region.objects.filter(code=world.county_a).update(registry_minimum_age=55)
    number = factories.id_number(date(1970, 5, 1))
    resident = services.register_resident(
        actor=world.user(Role.TOWNSHIP_WORKER), data={**VALID, "id_number": number}
    )
    assert resident.birth_date == date(1970, 5, 1)


def test_duplicate_id_names_the_region_only_inside_scope(world) -> None:
    services.register_resident(actor=world.user(Role.TOWNSHIP_WORKER), data=VALID)
    with pytest.raises(ResidentDataError, match="431102001001"):
        services.register_resident(actor=world.user(Role.COUNTY_ADMIN), data=VALID)
    with pytest.raises(ResidentDataError) as error:
        services.register_resident(
            actor=world.users["county_b_admin"], data={**VALID, "region_code": world.village_b}
        )
    assert codes(error) == [("id_number", "id_duplicate")]
    assert "431102001001" not in str(error.value) and "其他地区" in str(error.value)
    assert Resident.objects.count() == 1


def test_legacy_fifteen_digit_number_is_converted(world) -> None:
    resident = services.register_resident(
        actor=world.user(Role.TOWNSHIP_WORKER), data={**VALID, "id_number": "310112450409522"}
    )
    assert resident.id_number == convert_legacy("310112450409522")
    assert resident.id_number.startswith("31011219450409522")


def test_roles_without_edit_cannot_register(world) -> None:
    for role in (Role.AUDITOR, Role.ASSESSOR, Role.CAREGIVER, Role.PROVIDER_MANAGER):
        with pytest.raises(PermissionDenied):
            services.register_resident(actor=world.user(role), data=VALID)
    assert Resident.objects.count() == 0


def test_update_audits_only_changed_fields_with_reason(world) -> None:
    actor = world.user(Role.TOWNSHIP_WORKER)
    resident = services.register_resident(actor=actor, data=VALID)
    services.update_resident(
        actor=actor,
        resident=resident,
        data={"living_arrangement": "空巢", "name": "张三"},
        reason="子女外出",
    )
    event = AuditEvent.objects.get(action="update")
    assert event.changes == {"living_arrangement": ["alone", "empty_nest"]}
    assert event.detail == {"reason": "子女外出"}
    services.update_resident(actor=actor, resident=resident, data={"living_arrangement": "空巢"})
    assert AuditEvent.objects.filter(action="update").count() == 1


def test_update_of_a_resident_outside_scope_is_a_404_and_changes_nothing(world) -> None:
    resident = services.register_resident(actor=world.user(Role.COUNTY_ADMIN), data=VALID)
    with pytest.raises(Http404):
        services.update_resident(
            actor=world.users["township_other"], resident=resident, data={"name": "李四"}
        )
    resident.refresh_from_db()
    assert resident.name == "张三"


def test_correcting_the_id_number_moves_sex_birth_and_search_key(world) -> None:
    actor = world.user(Role.TOWNSHIP_WORKER)
    resident = services.register_resident(actor=actor, data=VALID)
    corrected = factories.id_number(date(1948, 1, 2), sex="M")
    services.update_resident(actor=actor, resident=resident, data={"id_number": corrected})
    resident.refresh_from_db()
    assert (resident.sex, resident.birth_date, resident.id_number_reversed) == (
        "M",
        date(1948, 1, 2),
        corrected[::-1],
    )


@pytest.mark.parametrize(
    ("status", "status_date", "moved_to", "expected"),
    [
        ("deceased", None, "", [("status_date", "required")]),
        ("moved_out", date(2026, 1, 1), "", [("moved_to", "required")]),
        ("deceased", date(2027, 1, 1), "", [("status_date", "date_future")]),
        ("vanished", date(2026, 1, 1), "", [("status", "choice_unknown")]),
    ],
)
def test_status_change_rules(world, status, status_date, moved_to, expected) -> None:
    actor = world.user(Role.TOWNSHIP_WORKER)
    resident = services.register_resident(actor=actor, data=VALID)
    with pytest.raises(ResidentDataError) as error:
        services.change_resident_status(
            actor=actor,
            resident=resident,
            status=status,
            status_date=status_date,
            moved_to=moved_to,
        )
    assert codes(error) == expected
    resident.refresh_from_db()
    assert resident.status == "active"


def test_death_and_move_are_recorded_with_history(world) -> None:
    actor = world.user(Role.TOWNSHIP_WORKER)
    resident = services.register_resident(actor=actor, data=VALID)
    services.change_resident_status(
        actor=actor,
        resident=resident,
        status="moved_out",
        status_date=date(2026, 5, 1),
        moved_to="长沙市",
    )
    services.change_resident_status(
        actor=actor,
        resident=resident,
        status="deceased",
        status_date=date(2026, 6, 1),
        reason="家属告知",
    )
    resident.refresh_from_db()
    assert (resident.status, resident.status_date, resident.moved_to) == (
        "deceased",
        date(2026, 6, 1),
        "",
    )
    history = list(
        AuditEvent.objects.filter(action="update").order_by("id").values_list("changes", flat=True)
    )
    assert history[0]["status"] == ["active", "moved_out"]
    assert history[1]["status"] == ["moved_out", "deceased"]


def test_contacts_keep_calling_order_and_refuse_bad_phones(world) -> None:
    actor = world.user(Role.VILLAGE_WORKER)
    resident = services.register_resident(actor=actor, data=VALID)
    services.replace_contacts(
        actor=actor,
        resident=resident,
        contacts=[
            {"name": "张小明", "relation": "子女", "phone": "13900001111"},
            {"name": "李大姐", "relation": "neighbour", "phone": "0731-7654321"},
        ],
    )
    assert list(resident.contacts.values_list("name", "call_order")) == [
        ("张小明", 1),
        ("李大姐", 2),
    ]
    with pytest.raises(ResidentDataError):
        services.replace_contacts(
            actor=actor,
            resident=resident,
            contacts=[{"name": "王五", "relation": "子女", "phone": "123"}],
        )
    assert ResidentContact.objects.count() == 2


def test_screening_records_needs_by_label_once_per_day(world) -> None:
    actor = world.user(Role.VILLAGE_WORKER)
    resident = services.register_resident(actor=actor, data=VALID)
    data = {"screened_on": "2026年11月20日", "needs": "助餐、助医", "health_status": "基本健康"}
    services.record_screening(actor=actor, resident=resident, data=data)
    services.record_screening(actor=actor, resident=resident, data={**data, "needs": ["meal"]})
    screening = ScreeningRecord.objects.get()
    assert (screening.screened_on, screening.needs) == (date(2026, 11, 20), ["meal"])
    assert screening.health_status == "basically_healthy"
    with pytest.raises(ResidentDataError, match="无法识别的服务需求：飞行"):
        services.record_screening(actor=actor, resident=resident, data={"needs": "飞行"})


def test_reveal_is_audited_and_limited_to_allowed_roles(world) -> None:
    resident = services.register_resident(actor=world.user(Role.COUNTY_ADMIN), data=VALID)
    revealed = services.reveal_resident(
        actor=world.user(Role.ASSESSOR), resident=resident, purpose="评估"
    )
    assert revealed["id_number"] == "11010519491231002X"
    event = AuditEvent.objects.get(action="view_unmasked")
    assert (event.actor, event.detail) == (world.user(Role.ASSESSOR), {"purpose": "评估"})
    with pytest.raises(PermissionDenied):
        services.reveal_resident(actor=world.user(Role.AUDITOR), resident=resident)
    with pytest.raises(Http404):
        services.reveal_resident(actor=world.users["county_b_admin"], resident=resident)
    assert AuditEvent.objects.filter(action="view_unmasked").count() == 1
