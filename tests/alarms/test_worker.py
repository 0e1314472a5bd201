"""Timers run in a real django-q worker and survive its death: an alarm's chain starts at once,
the worker is killed mid-chain, the step that fell due meanwhile is called once the worker is
back (via the minute schedule), and no step is ever called twice."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from eldercare.accounts.models import Role
from eldercare.alarms import services
from eldercare.alarms.models import ActionKind, Alarm, AlarmAction, Notification
from eldercare.alarms.rules.chain import Step
from eldercare.alarms.services.ingestion import EventIn, ingest_event
from eldercare.alarms.tasks import ensure_schedule
from tests.alarms.helpers import home_in

pytestmark = pytest.mark.django_db(transaction=True)
STEP_SECONDS = 30


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    credentials = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    return (
        f"postgres://{credentials}@{settings['HOST']}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def start_worker() -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "eldercare.settings_test",
        "ELDERCARE_TESTING": "1",
        "WORKER_PROCESSES": "2",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "django", "qcluster"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the whole process group: no clean shutdown, like a crash or a power cut."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=20)


@pytest.fixture
def workers() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        kill(process)


def wait_for(condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError(f"not reached within {seconds} s")


def steps_called(alarm: Alarm) -> list[int]:
    return list(
        Notification.objects.filter(alarm=alarm).order_by("step").values_list("step", flat=True)
    )


def test_a_killed_worker_resumes_the_chain_exactly_once(world: Any, workers: list[Any]) -> None:
    home = home_in(world)
    services.save_chain(
        actor=world.user(Role.VILLAGE_WORKER),
        resident=home.resident,
        steps=[Step("provider", f"环节{n}", f"1390000000{n}", STEP_SECONDS) for n in range(1, 5)],
    )
    ensure_schedule()
    workers.append(start_worker())
    outcome = ingest_event(home.device, EventIn("crash-1", "fall", None, None, None, None))
    alarm = Alarm.objects.get(pk=outcome.alarm_id)

    # The chain starts at once in the worker (the alarm enqueued a sweep on commit).
    wait_for(lambda: steps_called(alarm) == [1], 30)
    alarm.refresh_from_db()
    step_two_due = alarm.step_due_at
    assert step_two_due is not None

    # The worker dies before step 2 is due; while it is dead nothing moves.
    kill(workers[0])
    remaining = (step_two_due - timezone.now()).total_seconds()
    time.sleep(max(remaining, 0) + 2)
    assert steps_called(alarm) == [1]

    # Back up: the minute schedule picks up the overdue step, once.
    workers.append(start_worker())
    wait_for(lambda: len(steps_called(alarm)) >= 2, 90)
    alarm.refresh_from_db()
    assert steps_called(alarm) in ([1, 2], [1, 2, 3])
    escalations = list(
        AlarmAction.objects.filter(alarm=alarm, kind=ActionKind.ESCALATED).values_list(
            "step", flat=True
        )
    )
    assert escalations == steps_called(alarm)
    assert alarm.current_step == len(escalations)
    assert alarm.step_due_at is not None and alarm.step_due_at > step_two_due + timedelta(seconds=1)
