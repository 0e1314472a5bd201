"""Residential areas: entry, correction, deletion and import against the space standard."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from eldercare.accounts.models import Role
from eldercare.core.models import AuditAction, AuditEvent
from eldercare.planning.errors import PlanningDataError
from eldercare.planning.models import ResidentialArea
from eldercare.planning.rules.space_standard import SpaceStatus
from eldercare.planning.services import (
    delete_residential_area,
    import_residential_areas,
    save_residential_area,
)
from tests.conftest import World
from tests.planning.files import write_csv

HEADER = ["区划代码", "小区名称", "类型", "户数", "养老服务用房面积（平方米）", "备注"]


def _area(world: World, **overrides: object) -> ResidentialArea:
    values = {
        "actor": world.user(Role.COUNTY_ADMIN),
        "area": None,
        "region_code": world.village_a,
        "name": "幸福里小区",
        "kind": "new",
        "households": 800,
        "service_floor_area_m2": Decimal("150.0"),
    } | overrides
    return save_residential_area(**values)  # type: ignore[arg-type]


def test_new_area_below_standard_is_flagged_and_correction_audited(world: World) -> None:
    area = _area(world)
    assert area.space_check.status == SpaceStatus.BELOW
    assert area.space_check.minimum_m2 == Decimal("160.0")
    assert area.space_check.shortfall_m2 == Decimal("10.0")
    corrected = _area(world, area=area, service_floor_area_m2=Decimal("170"))
    assert corrected.pk == area.pk
    assert corrected.space_check.status == SpaceStatus.WITHIN
    events = AuditEvent.objects.filter(object_type="planning.residentialarea").order_by("pk")
    assert [e.action for e in events] == [AuditAction.CREATE, AuditAction.UPDATE]
    assert events[1].changes == {"service_floor_area_m2": ["150.0", "170"]}


def test_bad_input_names_each_field_and_stores_nothing(world: World) -> None:
    with pytest.raises(PlanningDataError) as caught:
        _area(
            world,
            region_code=world.township_a,
            name="",
            kind="villa",
            households=-1,
            service_floor_area_m2=Decimal(-1),
        )
    assert {p.field for p in caught.value.problems} == {
        "region_code",
        "name",
        "kind",
        "households",
        "service_floor_area_m2",
    }
    assert not ResidentialArea.objects.exists()


def test_duplicate_name_in_the_same_community_is_refused(world: World) -> None:
    _area(world)
    with pytest.raises(PlanningDataError, match="同名小区"):
        _area(world, households=10)
    assert ResidentialArea.objects.get().households == 800
    _area(world, region_code=world.village_a2)  # same name elsewhere is fine


def test_permissions_and_scope(world: World) -> None:
    with pytest.raises(PermissionDenied):
        _area(world, actor=world.user(Role.VILLAGE_WORKER))
    with pytest.raises(PermissionDenied):
        _area(world, actor=world.user(Role.AUDITOR))
    with pytest.raises(PlanningDataError, match="管辖范围"):
        _area(world, region_code=world.village_b)
    area = _area(world)
    with pytest.raises(PlanningDataError, match="管辖范围"):
        delete_residential_area(actor=world.users["county_b_admin"], area=area)
    assert ResidentialArea.objects.count() == 1
    delete_residential_area(actor=world.user(Role.COUNTY_ADMIN), area=area)
    assert not ResidentialArea.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.DELETE).count() == 1


def test_import_all_or_nothing(world: World, tmp_path: Path) -> None:
    admin = world.user(Role.COUNTY_ADMIN)
    good = write_csv(
        tmp_path / "areas.csv",
        [
            HEADER,
            [world.village_a, "幸福里小区", "新建", "800", "150", ""],
            [world.village_a, "建设新村", "已建成", "1200", "200", "老旧小区改造"],
        ],
    )
    outcome = import_residential_areas(actor=admin, path=good)
    assert (outcome.created, outcome.errors) == (2, [])
    statuses = {a.name: a.space_check.status for a in ResidentialArea.objects.all()}
    assert statuses == {"幸福里小区": SpaceStatus.BELOW, "建设新村": SpaceStatus.WITHIN}
    bad = write_csv(
        tmp_path / "bad.csv",
        [
            HEADER,
            [world.village_a, "幸福里小区", "新建", "800", "170", ""],  # valid update
            [world.village_a, "锦绣花园", "别墅", "-3", "x", ""],
            [world.village_a, "锦绣花园", "新建", "100", "20", ""],
            [world.village_b, "梅湾小区", "新建", "100", "20", ""],
        ],
    )
    refused = import_residential_areas(actor=admin, path=bad)
    assert {(e.row, e.column, e.code) for e in refused.errors} == {
        (3, "类型", "kind_invalid"),
        (3, "户数", "out_of_range"),
        (3, "养老服务用房面积（平方米）", "number_format"),
        (3, "小区名称", "duplicate"),
        (4, "小区名称", "duplicate"),
        (5, "区划代码", "out_of_scope"),
    }
    assert ResidentialArea.objects.get(name="幸福里小区").service_floor_area_m2 == Decimal("150")
    assert ResidentialArea.objects.count() == 2
