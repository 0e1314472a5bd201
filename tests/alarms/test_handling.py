"""Acknowledge, notes, on-site visits and closure: legal and illegal transitions, audit, scope."""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from eldercare.accounts.models import Role
from eldercare.alarms import services
from eldercare.alarms.errors import AlarmDataError, AlarmStateError
from eldercare.alarms.models import ActionKind, Alarm, AlarmAction, AlarmStatus, Outcome
from eldercare.alarms.services.ingestion import EventIn, ingest_event
from eldercare.core.models import AuditEvent
from tests.alarms.helpers import Home

T0 = datetime(2026, 11, 29, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def alarm(home: Home) -> Alarm:
    outcome = ingest_event(home.device, EventIn("e1", "fall", None, None, None, None), T0)
    return Alarm.objects.get(pk=outcome.alarm_id)


def test_acknowledge_note_visit_close(world: Any, alarm: Alarm) -> None:
    operator = world.user(Role.VILLAGE_WORKER)
    services.acknowledge(actor=operator, alarm=alarm, now=T0 + timedelta(seconds=90))
    services.add_note(
        actor=operator, alarm=alarm, text="老人说摔倒在卫生间", now=T0 + timedelta(seconds=100)
    )
    services.request_visit(
        actor=operator, alarm=alarm, text="请网格员上门", now=T0 + timedelta(seconds=110)
    )
    closed = services.close(
        actor=operator,
        alarm=alarm,
        outcome=Outcome.SENT_TO_HOSPITAL,
        text="120已接走",
        now=T0 + timedelta(minutes=30),
    )
    assert closed.status == AlarmStatus.CLOSED and closed.outcome == "sent_to_hospital"
    assert (closed.seconds_to_acknowledge, closed.seconds_to_close) == (90, 1800)
    kinds = list(AlarmAction.objects.filter(alarm=alarm).values_list("kind", flat=True))
    assert kinds == [
        ActionKind.ACKNOWLEDGED,
        ActionKind.NOTE,
        ActionKind.VISIT_REQUESTED,
        ActionKind.CLOSED,
    ]
    audits = AuditEvent.objects.filter(object_type="alarms.alarm").order_by("pk")
    assert [a.changes.get("status") for a in audits] == [
        ["open", "acknowledged"],
        None,
        None,
        ["acknowledged", "closed"],
    ]
    assert audits[2].detail["visit"] == "请网格员上门"


def test_closing_an_open_alarm_acknowledges_it_too(world: Any, alarm: Alarm) -> None:
    closed = services.close(
        actor=world.user(Role.VILLAGE_WORKER),
        alarm=alarm,
        outcome=Outcome.FALSE_ALARM,
        now=T0 + timedelta(seconds=30),
    )
    assert closed.acknowledged_at == closed.closed_at and closed.step_due_at is None


def test_illegal_transitions_are_refused(world: Any, alarm: Alarm) -> None:
    operator = world.user(Role.VILLAGE_WORKER)
    services.acknowledge(actor=operator, alarm=alarm)
    with pytest.raises(AlarmStateError, match="不能再次响应"):
        services.acknowledge(actor=operator, alarm=alarm)
    services.close(actor=operator, alarm=alarm, outcome=Outcome.HANDLED_AT_HOME)
    with pytest.raises(AlarmStateError, match="已结案"):
        services.close(actor=operator, alarm=alarm, outcome=Outcome.FALSE_ALARM)
    with pytest.raises(AlarmStateError, match="已结案"):
        services.request_visit(actor=operator, alarm=alarm, text="x")
    assert Alarm.objects.get(pk=alarm.pk).outcome == "handled_at_home"


def test_bad_input_is_refused_and_changes_nothing(world: Any, alarm: Alarm) -> None:
    operator = world.user(Role.VILLAGE_WORKER)
    with pytest.raises(AlarmDataError, match="处置结果"):
        services.close(actor=operator, alarm=alarm, outcome="teleported")
    with pytest.raises(AlarmDataError, match="备注"):
        services.add_note(actor=operator, alarm=alarm, text="   ")
    with pytest.raises(AlarmDataError, match="上门事由"):
        services.request_visit(actor=operator, alarm=alarm, text="")
    assert Alarm.objects.get(pk=alarm.pk).status == AlarmStatus.OPEN
    assert not AlarmAction.objects.exists()


def test_roles_and_scope(world: Any, alarm: Alarm) -> None:
    with pytest.raises(AlarmStateError, match="管辖范围"):
        services.acknowledge(actor=world.user("county_b_admin"), alarm=alarm)
    with pytest.raises(Exception, match="无权"):
        services.acknowledge(actor=world.user(Role.AUDITOR), alarm=alarm)
    assert Alarm.objects.get(pk=alarm.pk).status == AlarmStatus.OPEN
