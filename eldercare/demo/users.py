"""One demo login per role, bound to regions of the pilot localities."""

from dataclasses import dataclass

from eldercare.accounts.models import Role, User
from eldercare.regions.models import Region

DEMO_PASSWORD = "demo-pass-2026"


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: Role
    region_code: str


def demo_users() -> list[DemoUser]:
    """Bound to the first county, township and village of 永州市 as loaded, so codes stay real."""
    county = _first_child("431100000000")
    township = _first_child(county)
    village = _first_child(township)
    return [
        DemoUser("admin", "系统管理员", Role.SYSTEM_ADMIN, ""),
        DemoUser("yongzhou", "永州市民政局", Role.CITY_ADMIN, "431100000000"),
        DemoUser("county", "区县民政局", Role.COUNTY_ADMIN, county),
        DemoUser("township", "乡镇民政办", Role.TOWNSHIP_WORKER, township),
        DemoUser("village", "村（社区）网格员", Role.VILLAGE_WORKER, village),
        DemoUser("assessor", "评估员", Role.ASSESSOR, county),
        # Both assessment standards require two assessors.
        DemoUser("assessor2", "评估员二", Role.ASSESSOR, county),
        DemoUser("provider", "服务机构管理员", Role.PROVIDER_MANAGER, county),
        DemoUser("caregiver", "护理员", Role.CAREGIVER, township),
        DemoUser("auditor", "审计员", Role.AUDITOR, county),
        DemoUser("chishui", "赤水市民政局", Role.COUNTY_ADMIN, "520381000000"),
        DemoUser("huining", "会宁县民政局", Role.COUNTY_ADMIN, "620422000000"),
        DemoUser("lianyungang", "连云港市民政局", Role.CITY_ADMIN, "320700000000"),
    ]


def _first_child(code: str) -> str:
    child = Region.objects.current().filter(parent_code=code).order_by("code").first()
    if child is None:
        raise LookupError(f"区划 {code} 没有下级：先载入区划数据")
    return child.code


def ensure_demo_users() -> list[DemoUser]:
    users = demo_users()
    for demo in users:
        user, _ = User.objects.get_or_create(username=demo.username)
        user.first_name = demo.full_name
        user.role = demo.role
        user.region_code = demo.region_code
        user.is_staff = user.is_superuser = demo.role == Role.SYSTEM_ADMIN
        user.set_password(DEMO_PASSWORD)
        user.save()
    return users
