"""Village points: one at a time, imported all-or-nothing with row errors, generated."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from eldercare.accounts.models import Role
from eldercare.core.models import AuditAction, AuditEvent
from eldercare.planning.errors import PlanningDataError
from eldercare.planning.models import PointSource, VillagePoint
from eldercare.planning.services import (
    generate_village_points,
    import_village_points,
    save_village_point,
)
from eldercare.registry.importing.errors import FileImportError
from tests.conftest import World
from tests.planning.files import write_csv, write_xlsx

HEADER = ["区划代码", "村（社区）名称", "纬度", "经度", "户数", "来源"]


def test_save_creates_then_corrects_and_audits(world: World) -> None:
    admin = world.user(Role.COUNTY_ADMIN)
    point = save_village_point(
        actor=admin,
        region_code=world.village_a,
        latitude=Decimal("26.42"),
        longitude=Decimal("111.61"),
        households=300,
    )
    assert point.source == PointSource.SURVEY
    save_village_point(
        actor=admin,
        region_code=world.village_a,
        latitude=Decimal("26.421"),
        longitude=Decimal("111.61"),
        households=300,
    )
    point.refresh_from_db()
    assert point.latitude == Decimal("26.421000")
    events = AuditEvent.objects.filter(object_type="planning.villagepoint").order_by("pk")
    assert [e.action for e in events] == [AuditAction.CREATE, AuditAction.UPDATE]
    assert events[1].changes == {"latitude": ["26.420000", "26.421000"]}


@pytest.mark.parametrize(
    ("latitude", "longitude", "field"),
    [("111.61", "26.42", "latitude"), ("26.42", "200", "longitude"), ("0", "111.6", "latitude")],
)
def test_save_refuses_coordinates_outside_china(
    world: World, latitude: str, longitude: str, field: str
) -> None:
    with pytest.raises(PlanningDataError) as caught:
        save_village_point(
            actor=world.user(Role.COUNTY_ADMIN),
            region_code=world.village_a,
            latitude=Decimal(latitude),
            longitude=Decimal(longitude),
        )
    assert field in [p.field for p in caught.value.problems]
    assert not VillagePoint.objects.exists()


def test_save_refuses_township_code_and_other_county(world: World) -> None:
    admin = world.user(Role.COUNTY_ADMIN)
    with pytest.raises(PlanningDataError, match="不是现行的村"):
        save_village_point(
            actor=admin,
            region_code=world.township_a,
            latitude=Decimal("26.42"),
            longitude=Decimal("111.61"),
        )
    with pytest.raises(PlanningDataError, match="管辖范围"):
        save_village_point(
            actor=admin,
            region_code=world.village_b,
            latitude=Decimal("26.42"),
            longitude=Decimal("111.61"),
        )
    with pytest.raises(PermissionDenied):
        save_village_point(
            actor=world.user(Role.VILLAGE_WORKER),
            region_code=world.village_a,
            latitude=Decimal("26.42"),
            longitude=Decimal("111.61"),
        )
    assert not VillagePoint.objects.exists()


def test_import_csv_creates_updates_and_is_idempotent(world: World, tmp_path: Path) -> None:
    admin = world.user(Role.COUNTY_ADMIN)
    path = write_csv(
        tmp_path / "points.csv",
        [
            HEADER,
            [world.village_a, "多福社区", "26.420100", "111.610200", "520", "实地测绘"],
            [world.village_a2, "", "26.43", "111.61", "", ""],
        ],
    )
    first = import_village_points(actor=admin, path=path)
    assert (first.rows, first.created, first.updated, first.errors) == (2, 2, 0, [])
    a = VillagePoint.objects.get(region_code=world.village_a)
    assert (a.latitude, a.households, a.source) == (
        Decimal("26.420100"),
        520,
        PointSource.SURVEY,
    )
    assert VillagePoint.objects.get(region_code=world.village_a2).source == PointSource.IMPORT
    again = import_village_points(actor=admin, path=path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT).count() == 2


def test_import_xlsx_with_numeric_cells_and_gb18030_csv(world: World, tmp_path: Path) -> None:
    admin = world.user(Role.COUNTY_ADMIN)
    xlsx = write_xlsx(
        tmp_path / "points.xlsx",
        [["纬度", "经度", "区划代码"], [26.5, 111.7, world.village_a_other]],
    )
    assert import_village_points(actor=admin, path=xlsx).created == 1
    gb = write_csv(
        tmp_path / "gb.csv",
        [
            ["区划代码", "纬度", "经度", "村（社区）名称"],
            [world.village_a, "26.42", "111.61", "多福社区"],
        ],
        encoding="gb18030",
    )
    assert import_village_points(actor=admin, path=gb).created == 1


def test_import_dry_run_stores_nothing(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [HEADER, [world.village_a, "", "26.42", "111.61", "", ""]])
    outcome = import_village_points(actor=world.user(Role.COUNTY_ADMIN), path=path, dry_run=True)
    assert (outcome.created, outcome.errors, outcome.is_stored) == (1, [], False)
    assert not VillagePoint.objects.exists()
    assert not AuditEvent.objects.exists()


def test_import_reports_every_bad_row_and_stores_nothing(world: World, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bad.csv",
        [
            HEADER,
            [world.village_a, "", "26.42", "111.61", "", ""],  # fine on its own
            [world.village_a2, "", "111.61", "26.42", "", ""],  # swapped
            [world.village_b, "", "26.42", "111.61", "", ""],  # other county
            ["431102001999", "", "26.42", "111.61", "", ""],  # no such village
            [world.village_a_other, "别的村", "26.5", "111.7", "", ""],  # wrong name
            [world.village_a, "", "26.43", "abc", "12.5", "卫星"],  # duplicate, bad cells
            ["", "", "", "", "", ""],  # blank: skipped
            [world.township_a, "", "", "111.6", "", ""],  # township; latitude missing
        ],
    )
    outcome = import_village_points(actor=world.user(Role.COUNTY_ADMIN), path=path)
    found = {(e.row, e.column, e.code) for e in outcome.errors}
    assert found == {
        (2, "区划代码", "duplicate"),
        (3, "纬度", "outside_china"),
        (3, "经度", "outside_china"),
        (4, "区划代码", "out_of_scope"),
        (5, "区划代码", "unknown_village"),
        (6, "村（社区）名称", "name_mismatch"),
        (7, "区划代码", "duplicate"),
        (7, "经度", "number_format"),
        (7, "户数", "number_format"),
        (7, "来源", "source_invalid"),
        (9, "纬度", "required"),
    }
    assert outcome.rows == 7
    assert not VillagePoint.objects.exists()
    assert not AuditEvent.objects.exists()


def test_import_refuses_a_file_without_required_columns(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [["区划代码", "纬度"], [world.village_a, "26.4"]])
    with pytest.raises(FileImportError, match="缺少必填列：经度"):
        import_village_points(actor=world.user(Role.COUNTY_ADMIN), path=path)
    with pytest.raises(FileImportError, match="不支持的文件格式"):
        import_village_points(actor=world.user(Role.COUNTY_ADMIN), path=tmp_path / "p.txt")


def test_generate_fills_only_missing_points_deterministically(world: World) -> None:
    admin = world.user(Role.COUNTY_ADMIN)
    surveyed = save_village_point(
        actor=admin,
        region_code=world.village_a,
        latitude=Decimal("26.4"),
        longitude=Decimal("111.6"),
    )
    outcome = generate_village_points(
        actor=admin, region_code=world.county_a, centre=(Decimal("26.42"), Decimal("111.61"))
    )
    assert (outcome.rows, outcome.created, outcome.unchanged) == (3, 2, 1)
    generated = dict(
        VillagePoint.objects.filter(source=PointSource.GENERATED).values_list(
            "region_code", "latitude"
        )
    )
    assert set(generated) == {world.village_a2, world.village_a_other}
    surveyed.refresh_from_db()
    assert surveyed.source == PointSource.SURVEY and surveyed.latitude == Decimal("26.4")
    again = generate_village_points(
        actor=admin, region_code=world.county_a, centre=(Decimal("26.42"), Decimal("111.61"))
    )
    assert (again.created, again.unchanged) == (0, 3)


def test_generate_refuses_bad_input(world: World) -> None:
    admin = world.user(Role.COUNTY_ADMIN)
    with pytest.raises(PlanningDataError) as caught:
        generate_village_points(
            actor=admin,
            region_code=world.village_a,
            centre=(Decimal("95"), Decimal("111")),
            spread_km=Decimal(500),
        )
    assert {p.field for p in caught.value.problems} == {"region_code", "centre", "spread_km"}
    with pytest.raises(PlanningDataError, match="管辖范围"):
        generate_village_points(
            actor=admin, region_code=world.county_b, centre=(Decimal("26.4"), Decimal("111.6"))
        )
    assert not VillagePoint.objects.exists()
