"""The demo loader: devices for living-alone/empty-nest residents and alarms in every state,
idempotent."""

import io
from datetime import date
from typing import Any

from eldercare.alarms.demo import load_demo_alarms
from eldercare.alarms.models import Alarm, AlarmStatus, Device
from tests import factories


def test_demo_is_idempotent(world: Any) -> None:
    for n in range(8):
        factories.resident(
            world.village_a,
            name=f"演示{n}",
            birth=date(1945, 1, n + 1),
            living_arrangement="alone" if n % 2 else "empty_nest",
        )
    out = io.StringIO()
    load_demo_alarms(out)
    assert "设备 8 台" in out.getvalue()
    statuses = sorted(Alarm.objects.values_list("status", flat=True))
    assert statuses.count(AlarmStatus.OPEN) == 2 and statuses.count(AlarmStatus.CLOSED) == 3
    load_demo_alarms(io.StringIO())
    assert (Device.objects.count(), Alarm.objects.count()) == (8, 6)
