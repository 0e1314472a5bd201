import pytest

from eldercare.catalogue.models import ServiceItem
from eldercare.providers.models import Provider, StaffMember
from tests.conftest import World
from tests.providers import builders


@pytest.fixture
def meal(db: None) -> ServiceItem:
    return builders.item("ZC-001", "助餐·送餐上门")


@pytest.fixture
def bath(db: None) -> ServiceItem:
    return builders.item("ZY-001", "助浴·上门助浴", category="bath", unit="visit")


@pytest.fixture
def provider_a(world: World) -> Provider:
    return builders.provider(world.county_a, areas=(world.county_a,), name="零陵颐养服务有限公司")


@pytest.fixture
def own_staff(world: World, provider_a: Provider) -> StaffMember:
    """The world's provider manager works for provider_a."""
    return builders.staff(
        provider_a,
        world.township_a,
        name="王经理",
        kind="manager",
        user=world.user("provider_manager"),
    )
