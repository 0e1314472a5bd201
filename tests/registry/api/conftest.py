from datetime import date

import pytest

from eldercare.registry.models import Resident
from tests import factories
from tests.conftest import World


@pytest.fixture
def residents(world: World) -> dict[str, Resident]:
    """One resident in each corner of the world: township A, a second village of township A,
    the other township of county A, and county B."""
    return {
        "a": factories.resident(
            world.village_a,
            name="张三",
            birth=date(1946, 5, 1),
            phones=("13800001111",),
            economic_status="dibao",
            living_arrangement="alone",
        ),
        "a2": factories.resident(world.village_a2, name="李四", birth=date(1958, 1, 2), sex="F"),
        "a_other": factories.resident(world.village_a_other, name="王五", phones=("13900002222",)),
        "b": factories.resident(world.village_b, name="欧阳秀英", sex="F", phones=("13700003333",)),
    }
