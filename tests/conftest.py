from dataclasses import dataclass, field

import pytest

from eldercare.accounts.models import Role, User
from tests import factories


@dataclass
class World:
    """Two counties of 永州市 with townships and villages, one user per role, and outsiders."""

    county_a: str = "431102000000"
    township_a: str = "431102001000"
    village_a: str = "431102001001"
    village_a2: str = "431102001002"
    township_a_other: str = "431102101000"
    village_a_other: str = "431102101201"
    county_b: str = "431103000000"
    township_b: str = "431103001000"
    village_b: str = "431103001001"
    users: dict[str, User] = field(default_factory=dict)

    def user(self, role: str) -> User:
        return self.users[role]


@pytest.fixture
def world(db: None) -> World:
    w = World()
    factories.region("430000000000", "湖南省")
    factories.region("431100000000", "永州市")
    factories.region(w.county_a, "零陵区")
    factories.region(w.township_a, "朝阳街道")
    factories.region(w.village_a, "多福社区居委会", locality="urban")
    factories.region(w.village_a2, "银闸社区居委会", locality="urban")
    factories.region(w.township_a_other, "水口山镇")
    factories.region(w.village_a_other, "何仙观村委会", locality="rural")
    factories.region(w.county_b, "冷水滩区")
    factories.region(w.township_b, "梅湾街道")
    factories.region(w.village_b, "梅湾社区居委会", locality="urban")
    bindings = {
        Role.SYSTEM_ADMIN: "",
        Role.CITY_ADMIN: "431100000000",
        Role.COUNTY_ADMIN: w.county_a,
        Role.TOWNSHIP_WORKER: w.township_a,
        Role.VILLAGE_WORKER: w.village_a,
        Role.ASSESSOR: w.county_a,
        Role.PROVIDER_MANAGER: w.county_a,
        Role.CAREGIVER: w.township_a,
        Role.CALL_OPERATOR: w.county_a,
        Role.AUDITOR: w.county_a,
    }
    for role, code in bindings.items():
        w.users[role] = factories.user(role, role, code)
    w.users["county_b_admin"] = factories.user("county_b_admin", Role.COUNTY_ADMIN, w.county_b)
    w.users["township_other"] = factories.user(
        "township_other", Role.TOWNSHIP_WORKER, w.township_a_other
    )
    # Both assessment standards require two assessors.
    w.users["assessor_2"] = factories.user("assessor_2", Role.ASSESSOR, w.county_a)
    w.users["assessor_b"] = factories.user("assessor_b", Role.ASSESSOR, w.county_b)
    w.users["unbound"] = factories.user("unbound", Role.COUNTY_ADMIN, "")
    w.users["no_role"] = factories.user("no_role", "", w.county_a)
    return w
