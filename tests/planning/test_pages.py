"""Pages: who may see and change what, scope, exports and uploads through the browser forms."""

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from eldercare.accounts.models import Role
from eldercare.core.models import AuditAction, AuditEvent
from eldercare.planning.models import CircleSetting, ResidentialArea, VillagePoint
from tests.conftest import World
from tests.factories import ROLES
from tests.planning.builders import Located
from tests.planning.files import write_csv

VIEWERS = {
    Role.SYSTEM_ADMIN,
    Role.CITY_ADMIN,
    Role.COUNTY_ADMIN,
    Role.TOWNSHIP_WORKER,
    Role.VILLAGE_WORKER,
    Role.AUDITOR,
}
MANAGERS = {Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN, Role.TOWNSHIP_WORKER}


def _workbook(response: Any) -> CalamineWorkbook:
    return CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))


def _client(world: World, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


@pytest.mark.parametrize("role", [r for r in ROLES if r])
def test_report_page_by_role(located: Located, role: str) -> None:
    w = located.world
    response = _client(w, role).get(f"/planning/?region={w.county_a}")
    if role not in VIEWERS:
        assert response.status_code == 403
    elif role == Role.VILLAGE_WORKER or role == Role.TOWNSHIP_WORKER:
        assert response.status_code == 404  # the county is above their region
    else:
        assert response.status_code == 200
        assert "何仙观村委会" in response.content.decode()


def test_default_region_and_out_of_scope(located: Located) -> None:
    w = located.world
    page = _client(w, Role.TOWNSHIP_WORKER).get("/planning/")
    assert page.status_code == 200
    assert page.context["report"].region.code == w.township_a
    assert _client(w, "county_b_admin").get(f"/planning/?region={w.county_a}").status_code == 404
    assert _client(w, Role.COUNTY_ADMIN).get("/planning/?region=abc").status_code == 404
    national = _client(w, Role.SYSTEM_ADMIN).get("/planning/")
    assert national.status_code == 200 and "report" not in national.context


def test_export_is_audited_and_lists_uncovered(located: Located) -> None:
    w = located.world
    response = _client(w, Role.AUDITOR).get(f"/planning/export/?region={w.county_a}")
    assert response.status_code == 200
    workbook = _workbook(response)
    rows = workbook.get_sheet_by_name("未覆盖村（社区）").to_python()
    assert [row[0] for row in rows[1:]] == [w.village_a_other, "431102001003"]
    summary = workbook.get_sheet_by_name("汇总").to_python()[1]
    assert summary[:5] == [w.county_a, "零陵区", 4, 3, 2]
    without = workbook.get_sheet_by_name("无设施的村（社区）").to_python()
    assert [row[0] for row in without[1:]] == [w.village_a2, "431102001003", w.village_a_other]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == w.user(Role.AUDITOR)
    assert event.detail["uncovered"] == 2


def test_map_page_renders_for_a_phone_role(located: Located) -> None:
    w = located.world
    page = _client(w, Role.VILLAGE_WORKER).get("/planning/map/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "vendor/leaflet-1.9.4/dist/leaflet.js" in body
    assert f"/api/v1/planning/map/?region={w.village_a}" in body


def test_area_entry_and_refusals(world: World) -> None:
    data = {
        "region_code": world.village_a,
        "name": "幸福里小区",
        "kind": "new",
        "households": "800",
        "service_floor_area_m2": "150",
        "note": "",
    }
    refused = _client(world, Role.VILLAGE_WORKER).post("/planning/areas/new/", data)
    assert refused.status_code == 403
    assert not ResidentialArea.objects.exists()
    bad = _client(world, Role.COUNTY_ADMIN).post(
        "/planning/areas/new/", data | {"region_code": world.village_b}
    )
    assert bad.status_code == 200 and "管辖范围" in bad.content.decode()
    assert not ResidentialArea.objects.exists()
    client = _client(world, Role.COUNTY_ADMIN)
    assert client.post("/planning/areas/new/", data).status_code == 302
    listing = client.get("/planning/areas/?below=1").content.decode()
    assert "幸福里小区" in listing and "不达标，缺 10.0" in listing
    area = ResidentialArea.objects.get()
    assert _client(world, "county_b_admin").get(f"/planning/areas/{area.pk}/").status_code == 404


def test_point_upload_dry_run_then_import(world: World, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "points.csv",
        [["区划代码", "纬度", "经度"], [world.village_a, "26.42", "111.61"]],
    )
    client = _client(world, Role.COUNTY_ADMIN)
    with path.open("rb") as upload:
        checked = client.post("/planning/points/import/", {"file": upload, "dry_run": "on"})
    assert "检查通过（未导入）" in checked.content.decode()
    assert not VillagePoint.objects.exists()
    with path.open("rb") as upload:
        done = client.post("/planning/points/import/", {"file": upload})
    assert "已导入" in done.content.decode()
    assert VillagePoint.objects.get().latitude == Decimal("26.420000")
    bad = write_csv(
        tmp_path / "bad.csv", [["区划代码", "纬度", "经度"], [world.village_b, "1", "2"]]
    )
    with bad.open("rb") as upload:
        refused = client.post("/planning/points/import/", {"file": upload})
    assert "文件未导入" in refused.content.decode()
    assert VillagePoint.objects.count() == 1
    with bad.open("rb") as upload:
        denied = _client(world, Role.AUDITOR).post("/planning/points/import/", {"file": upload})
    assert denied.status_code == 403


def test_templates_download(world: World) -> None:
    client = _client(world, Role.COUNTY_ADMIN)
    for url, header in (
        ("/planning/points/template/", "区划代码"),
        ("/planning/areas/template/", "小区名称"),
    ):
        response = client.get(url)
        sheet = _workbook(response).get_sheet_by_index(0).to_python()
        assert header in sheet[0]


def test_circle_settings_page(world: World) -> None:
    client = _client(world, Role.CITY_ADMIN)
    data = {
        "region_code": "431100000000",
        "urban_minutes": "10",
        "rural_minutes": "20",
        "speed_m_per_min": "80",
        "basis": "003",
    }
    assert client.post("/planning/circles/", data).status_code == 302
    assert CircleSetting.objects.get().rural_minutes == 20
    bad = client.post("/planning/circles/", data | {"urban_minutes": "0"})
    assert "城镇步行时间" in bad.content.decode()
    assert CircleSetting.objects.get().urban_minutes == 10
    assert _client(world, Role.AUDITOR).post("/planning/circles/", data).status_code == 403
    inherited = _client(world, Role.COUNTY_ADMIN).get("/planning/circles/").content.decode()
    assert "零陵区当前适用：城镇 10 分钟、农村 20 分钟" in inherited
    assert "设置于永州市" in inherited
    other = _client(world, Role.AUDITOR).get(f"/planning/circles/?region={world.county_b}")
    assert other.status_code == 404
    plain = _client(world, "county_b_admin").get("/planning/circles/").content.decode()
    assert "冷水滩区当前适用：城镇 10 分钟" in plain  # the city setting reaches county B too


def test_points_page_lists_scope_and_marks_generated_points(located: Located) -> None:
    w = located.world
    VillagePoint.objects.filter(region_code=w.village_a2).update(source="generated")
    body = _client(w, Role.TOWNSHIP_WORKER).get("/planning/points/").content.decode()
    assert w.village_a in body and w.village_a2 in body
    assert w.village_a_other not in body  # another township
    assert "自动生成（示意）" in body
    assert "points-import" in body  # a township worker may manage
    viewer = _client(w, Role.VILLAGE_WORKER).get("/planning/points/").content.decode()
    assert w.village_a2 not in viewer and "points-import" not in viewer
