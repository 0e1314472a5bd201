"""Commands (exit status, JSON), the governance indicator and the idempotent demo loader."""

import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from eldercare.accounts.models import Role
from eldercare.governance.indicators.computed import computed_value
from eldercare.planning.demo import load_demo_planning
from eldercare.planning.models import CircleSetting, PointSource, ResidentialArea, VillagePoint
from eldercare.planning.services import save_residential_area
from tests import factories
from tests.conftest import World
from tests.planning.files import write_csv


def test_import_command_json_and_exit_status(world: World, tmp_path: Path) -> None:
    good = write_csv(
        tmp_path / "p.csv", [["区划代码", "纬度", "经度"], [world.village_a, "26.42", "111.61"]]
    )
    out = io.StringIO()
    call_command(
        "import_village_points", str(good), "--json", "--as", Role.COUNTY_ADMIN, stdout=out
    )
    assert json.loads(out.getvalue())["created"] == 1
    bad = write_csv(
        tmp_path / "b.csv", [["区划代码", "纬度", "经度"], [world.village_b, "26", "111"]]
    )
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "import_village_points", str(bad), "--json", "--as", Role.COUNTY_ADMIN, stdout=out
        )
    assert exit_.value.code == 1
    assert json.loads(out.getvalue())["errors"][0]["code"] == "out_of_scope"
    with pytest.raises(CommandError) as unusable:
        call_command("import_residential_areas", str(good), "--as", Role.COUNTY_ADMIN)
    assert unusable.value.returncode == 2
    assert VillagePoint.objects.count() == 1


def test_generate_command(world: World) -> None:
    out = io.StringIO()
    call_command("generate_village_points", world.county_a, "--centre", "26.42,111.61", stdout=out)
    assert "生成示意位置 3 个" in out.getvalue()
    assert set(VillagePoint.objects.values_list("source", flat=True)) == {PointSource.GENERATED}
    with pytest.raises(CommandError, match="纬度,经度"):
        call_command("generate_village_points", world.county_a, "--centre", "26.42")


def test_indicator_counts_new_areas_below_standard(world: World) -> None:
    admin = world.user(Role.COUNTY_ADMIN)
    for name, kind, area in (
        ("甲", "new", "100"),  # 500 households need 100 m²: meets it
        ("乙", "new", "99.9"),
        ("丙", "existing", "0"),  # existing areas are not in this indicator
    ):
        save_residential_area(
            actor=admin,
            area=None,
            region_code=world.village_a,
            name=name,
            kind=kind,
            households=500,
            service_floor_area_m2=Decimal(area),
        )
    value = computed_value("new_residential_areas_without_facilities", world.county_a, date.today())
    assert (value.value, value.denominator) == (Decimal(1), Decimal(2))
    other = computed_value("new_residential_areas_without_facilities", world.county_b, date.today())
    assert other.value == Decimal(0)


def test_demo_loader_is_idempotent(world: World) -> None:
    for code, name in (
        ("320000000000", "江苏省"),
        ("320700000000", "连云港市"),
        ("320703000000", "连云区"),
        ("320703001000", "墟沟街道"),
        ("320703001001", "海滨社区居委会"),
    ):
        factories.region(code, name)
    factories.resident("320703001001")
    factories.resident(world.village_a)
    factories.resident(world.village_b)
    out = io.StringIO()
    load_demo_planning(out)
    assert set(VillagePoint.objects.values_list("region_code", flat=True)) == {
        "320703001001",
        world.village_a,
        world.village_b,
    }
    assert CircleSetting.objects.get().rural_minutes == 20
    assert ResidentialArea.objects.count() == 4
    snapshot = list(VillagePoint.objects.values_list("region_code", "latitude", "longitude"))
    load_demo_planning(io.StringIO())
    assert (
        list(VillagePoint.objects.values_list("region_code", "latitude", "longitude")) == snapshot
    )
    assert ResidentialArea.objects.count() == 4
    assert CircleSetting.objects.count() == 1
