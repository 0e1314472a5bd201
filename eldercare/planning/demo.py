"""Demo data for facility planning: illustrative points for the villages that have demo
residents (the same invented geography the other demo data uses, eldercare/demo/geography.py),
Lianyungang's "10 minutes urban / 20 minutes rural" setting (003), and a few residential areas.
Idempotent: a second run adds and changes nothing."""

from decimal import Decimal
from typing import Any, TextIO

from eldercare.accounts.models import Role, User
from eldercare.demo.geography import LOCALITY_CENTRES, demo_point
from eldercare.planning.models import ResidentialArea
from eldercare.planning.services import save_circle_setting, save_residential_area
from eldercare.planning.services.locations import store_generated_points
from eldercare.regions.codes import is_within
from eldercare.registry.models import Resident

LIANYUNGANG = "320700000000"
# (name, kind, households, floor area m²): one of each outcome of the space standard.
DEMO_AREAS = (
    ("幸福里小区", "new", 800, Decimal("180.0")),
    ("锦绣花园", "new", 600, Decimal("60.0")),
    ("建设新村", "existing", 1200, Decimal("200.0")),
    ("纺织厂宿舍", "existing", 400, Decimal("0.0")),
)
AREA_VILLAGES = 2


def load_demo_planning(stdout: TextIO) -> None:
    admin = User.objects.filter(role=Role.SYSTEM_ADMIN, is_active=True).order_by("pk").first()
    villages = sorted(set(Resident.objects.values_list("region_code", flat=True)))
    added = 0
    for locality in LOCALITY_CENTRES:
        points: dict[str, tuple[float, float]] = {}
        for code in villages:
            point = demo_point(code) if is_within(code, locality) else None
            if point is not None:
                points[code] = point
        if points:
            added += store_generated_points(
                actor=admin,
                region_code=locality,
                points=points,
                detail={"demo": True},
            )
    stdout.write(f"设施规划：生成示意村（社区）位置 {added} 个")
    if admin is None:
        return
    save_circle_setting(
        actor=admin,
        region_code=LIANYUNGANG,
        urban_minutes=10,
        rural_minutes=20,
        speed_m_per_min=80,
        basis="连云港市试点任务清单：城市 10 分钟、农村 20 分钟",
    )
    targets = [code for code in villages if is_within(code, LIANYUNGANG)][:AREA_VILLAGES]
    for index, (name, kind, households, floor_area) in enumerate(DEMO_AREAS):
        if not targets:
            break
        region_code = targets[index % len(targets)]
        existing = ResidentialArea.objects.filter(region_code=region_code, name=name).first()
        _save_area(admin, existing, region_code, name, kind, households, floor_area)
    stdout.write(f"设施规划：演示居住小区 {ResidentialArea.objects.count()} 个")


def _save_area(
    admin: Any,
    existing: Any,
    region_code: str,
    name: str,
    kind: str,
    households: int,
    floor_area: Decimal,
) -> None:
    save_residential_area(
        actor=admin,
        area=existing,
        region_code=region_code,
        name=name,
        kind=kind,
        households=households,
        service_floor_area_m2=floor_area,
        note="演示数据",
    )
