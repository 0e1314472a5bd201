"""Escalation along the call chain with a controlled clock: the first step at once, the next
after each timeout, stopped by acknowledgement, exactly once however many sweepers run."""

import json
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from eldercare.accounts.models import Role
from eldercare.alarms import services
from eldercare.alarms.errors import AlarmDataError
from eldercare.alarms.models import (
    ActionKind,
    Alarm,
    AlarmAction,
    AlarmStatus,
    Notification,
    NotificationStatus,
)
from eldercare.alarms.rules.chain import Step
from eldercare.alarms.services.escalation import run_loop
from eldercare.alarms.services.ingestion import EventIn, ingest_event
from tests.alarms.helpers import Home, home_in
from tests.concurrency import race

T0 = datetime(2026, 11, 29, 21, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def open_alarm(home: Home, at: datetime = T0, event_id: str = "e1", kind: str = "sos") -> Alarm:
    outcome = ingest_event(home.device, EventIn(event_id, kind, None, None, None, None), at)
    return Alarm.objects.get(pk=outcome.alarm_id)


def recipients(alarm: Alarm) -> list[tuple[int, str, str]]:
    return list(
        Notification.objects.filter(alarm=alarm)
        .order_by("step")
        .values_list("step", "recipient_name", "recipient_phone")
    )


def test_the_default_chain_runs_provider_children_neighbour_grid_then_120(home: Home) -> None:
    assert [
        (s.kind, s.name, s.phone, s.timeout_seconds) for s in services.chain_for(home.resident)
    ] == [
        ("provider", "零陵颐康呼叫中心", "0746-8888888", 120),
        ("family", "李强", "13900002222", 180),
        ("neighbour", "赵邻", "13700003333", 180),
        ("grid", "网格员李", "13600004444", 300),
        ("advise_120", "建议拨打120", "120", 300),
    ]


def test_each_step_is_called_after_the_previous_one_timed_out(
    home: Home, recording_sender: Any
) -> None:
    alarm = open_alarm(home)
    assert services.escalate_due(T0) == 1
    assert recipients(alarm) == [(1, "零陵颐康呼叫中心", "0746-8888888")]
    sent = recording_sender.sent
    assert [(m.step, m.recipient_phone) for m in sent] == [(1, "0746-8888888")]
    assert "王秀英" in sent[0].text and "一键呼救" in sent[0].text
    assert services.escalate_due(T0 + timedelta(seconds=119)) == 0
    assert services.escalate_due(T0 + timedelta(seconds=120)) == 1
    alarm.refresh_from_db()
    assert (alarm.current_step, alarm.step_due_at) == (2, T0 + timedelta(seconds=300))
    # Late sweeps (a busy worker) still advance one step per sweep, timed from the sweep.
    late = T0 + timedelta(seconds=1000)
    assert services.escalate_due(late) == 1
    assert services.escalate_due(late) == 0
    assert services.escalate_due(late + timedelta(seconds=180)) == 1
    assert services.escalate_due(late + timedelta(seconds=480)) == 1
    assert [r[1] for r in recipients(alarm)] == [
        "零陵颐康呼叫中心",
        "李强",
        "赵邻",
        "网格员李",
        "建议拨打120",
    ]
    last = Notification.objects.get(alarm=alarm, step=5)
    assert last.recipient_phone == "" and "建议立即拨打120" in last.message
    assert all(n.status == NotificationStatus.SENT for n in Notification.objects.all())
    # After the last step's timeout the chain is exhausted: recorded once, the alarm stays open.
    end = late + timedelta(seconds=780)
    assert services.escalate_due(end) == 1
    assert services.escalate_due(end + timedelta(days=1)) == 0
    alarm.refresh_from_db()
    assert (alarm.status, alarm.step_due_at, alarm.current_step) == (AlarmStatus.OPEN, None, 5)
    assert AlarmAction.objects.filter(alarm=alarm, kind=ActionKind.CHAIN_EXHAUSTED).count() == 1
    assert len(recording_sender.sent) == 5


def test_acknowledgement_stops_the_chain(world: Any, home: Home, recording_sender: Any) -> None:
    alarm = open_alarm(home)
    services.escalate_due(T0)
    services.acknowledge(
        actor=world.user(Role.VILLAGE_WORKER),
        alarm=alarm,
        text="已电话联系",
        now=T0 + timedelta(seconds=45),
    )
    assert services.escalate_due(T0 + timedelta(hours=1)) == 0
    alarm.refresh_from_db()
    assert alarm.status == AlarmStatus.ACKNOWLEDGED and alarm.seconds_to_acknowledge == 45
    assert len(recording_sender.sent) == 1


def test_an_edited_chain_is_used_and_frozen_when_the_alarm_starts(world: Any, home: Home) -> None:
    operator = world.user(Role.VILLAGE_WORKER)
    services.save_chain(
        actor=operator,
        resident=home.resident,
        steps=[
            Step("family", "女儿", "13911112222", 60),
            Step("advise_120", "建议拨打120", "", 60),
        ],
    )
    alarm = open_alarm(home)
    services.escalate_due(T0)
    services.save_chain(actor=operator, resident=home.resident, steps=[])  # back to the default
    services.escalate_due(T0 + timedelta(seconds=60))
    assert [r[1] for r in recipients(alarm)] == ["女儿", "建议拨打120"]
    assert len(services.chain_for(home.resident)) == 5


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([Step("family", "", "139", 60)], "请填写名称"),
        ([Step("family", "女儿", "", 60)], "请填写电话"),
        ([Step("family", "女儿", "139", 5)], "确认时限"),
        ([Step("pigeon", "女儿", "139", 60)], "类型无效"),
        ([Step("family", "女儿", "139", 60)] * 13, "最多"),
    ],
)
def test_a_bad_chain_is_refused_and_the_old_one_kept(
    world: Any, home: Home, steps: list[Step], message: str
) -> None:
    operator = world.user(Role.VILLAGE_WORKER)
    services.save_chain(
        actor=operator, resident=home.resident, steps=[Step("family", "女儿", "139", 60)]
    )
    with pytest.raises(AlarmDataError, match=message):
        services.save_chain(actor=operator, resident=home.resident, steps=steps)
    assert [s.name for s in services.chain_for(home.resident)] == ["女儿"]


def test_a_failing_sender_marks_the_notification_failed_and_the_chain_goes_on(
    home: Home, settings: Any
) -> None:
    settings.ALARMS_NOTIFICATION_SENDER = "eldercare.alarms.senders.WebhookSender"
    settings.ALARMS_WEBHOOK_URL = "http://127.0.0.1:9/unreachable"
    alarm = open_alarm(home)
    services.escalate_due(T0)
    notification = Notification.objects.get(alarm=alarm)
    assert notification.status == NotificationStatus.FAILED and "无法连接网关" in notification.error
    assert notification.channel == "webhook"
    assert services.escalate_due(T0 + timedelta(seconds=120)) == 1


def test_the_loop_sweeps_until_no_chain_runs_with_an_injected_clock(
    world: Any, home: Home, recording_sender: Any
) -> None:
    alarm = open_alarm(home)
    ticks = iter(T0 + timedelta(seconds=30 * n) for n in range(100))
    moment = {"now": T0}

    def clock() -> datetime:
        return moment["now"]

    def sleep(_: float) -> None:
        moment["now"] = next(ticks)
        if moment["now"] >= T0 + timedelta(seconds=150):
            services.acknowledge(
                actor=world.user(Role.VILLAGE_WORKER), alarm=alarm, now=moment["now"]
            )

    advanced = run_loop(span_seconds=3600, clock=clock, sleep=sleep)
    assert advanced == 2  # step 1 at T0, step 2 at T0+120 s, then acknowledged at T0+150 s
    assert [m.step for m in recording_sender.sent] == [1, 2]


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweepers_escalate_each_step_exactly_once(
    world: Any, recording_sender: Any
) -> None:
    home = home_in(world)
    alarms = [open_alarm(home, event_id=f"e{n}") for n in range(5)]
    results = race(*[lambda: services.escalate_due(T0)] * 4)
    assert sum(results) == 5, results
    results = race(*[lambda: services.escalate_due(T0 + timedelta(seconds=120))] * 4)
    assert sum(results) == 5, results
    for alarm in alarms:
        assert [r[0] for r in recipients(alarm)] == [1, 2]
    assert sorted((m.alarm_id, m.step) for m in recording_sender.sent) == sorted(
        (a.pk, step) for a in alarms for step in (1, 2)
    )


def test_the_webhook_sender_posts_each_message_as_json(home: Home, settings: Any) -> None:
    received: list[dict[str, Any]] = []

    class Gateway(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings.ALARMS_NOTIFICATION_SENDER = "eldercare.alarms.senders.WebhookSender"
        settings.ALARMS_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/sms"
        alarm = open_alarm(home)
        services.escalate_due(T0)
    finally:
        server.shutdown()
    assert len(received) == 1
    message = received[0]
    assert (message["alarm_id"], message["step"], message["recipient_phone"]) == (
        alarm.pk,
        1,
        "0746-8888888",
    )
    assert "王秀英" in message["text"]
    assert Notification.objects.get(alarm=alarm).status == NotificationStatus.SENT
