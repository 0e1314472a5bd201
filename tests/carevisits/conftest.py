import pytest

from eldercare.accounts.models import Role, User
from tests import factories
from tests.conftest import World


@pytest.fixture
def rural_worker(world: World) -> User:
    return factories.user("rural_worker", Role.VILLAGE_WORKER, world.village_a_other)
