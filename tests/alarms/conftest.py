"""Fixtures of the alarms tests (helpers in helpers.py)."""

from typing import Any

import pytest

from tests.alarms.helpers import Home, RecordingSender, home_in
from tests.conftest import World


@pytest.fixture
def recording_sender(settings: Any) -> type[RecordingSender]:
    settings.ALARMS_NOTIFICATION_SENDER = "tests.alarms.helpers.RecordingSender"
    RecordingSender.sent = []
    return RecordingSender


@pytest.fixture
def home(world: World) -> Home:
    """A resident of village_a with two contacts, a provider serving the township, a grid
    worker, and a one-key-call device bound to her."""
    return home_in(world)
