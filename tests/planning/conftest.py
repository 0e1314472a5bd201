import pytest

from tests.conftest import World
from tests.planning.builders import Located, build_located


@pytest.fixture
def located(world: World) -> Located:
    return build_located(world)
