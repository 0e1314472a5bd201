"""The live board in a real browser: a call operator has the board open; a device posts a signed
SOS to the ingestion endpoint over HTTP; the alarm appears without a reload (server-sent events),
is acknowledged and closed from the board, and the times to acknowledge and close are recorded."""

import json
import os
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from eldercare.accounts.models import Role
from eldercare.alarms.models import Alarm, AlarmStatus
from eldercare.alarms.rules.signing import sign
from tests.alarms.helpers import EVENT_URL, home_in

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "var/e2e"))


def post_signed(url: str, device_header: str, secret: str, payload: dict[str, Any]) -> int:
    body = json.dumps(payload).encode()
    stamp = str(int(time.time()))
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Device": device_header,
            "X-Timestamp": stamp,
            "X-Signature": sign(secret, stamp, body),
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(response.status)


def test_an_alarm_appears_live_and_is_handled_from_the_board(
    world: Any, live_server: Any, page: Page
) -> None:
    home = home_in(world)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", Role.CALL_OPERATOR)
    page.fill("input[name=password]", "test-pass-2026")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/alarms/")
    board = page.get_by_test_id("board")
    expect(board).to_contain_text("当前没有待处理的报警")
    expect(page.get_by_test_id("live-status")).to_have_text("实时更新中")

    status = post_signed(
        f"{live_server.url}{EVENT_URL}",
        f"{home.device.vendor}/{home.device.serial}",
        home.secret,
        {"event_id": "e2e-1", "kind": "sos"},
    )
    assert status == 201
    alarm = Alarm.objects.get()
    card = page.get_by_test_id(f"alarm-{alarm.pk}")
    expect(card).to_be_visible(timeout=15_000)  # no reload: pushed by the stream
    expect(card).to_contain_text("一键呼救")
    expect(card).to_contain_text("王秀英")
    expect(card).to_contain_text("139****2222")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "alarm-board.png"), full_page=True)

    card.get_by_role("button", name="响应").click()
    expect(card).to_have_attribute("data-status", "acknowledged")
    card.locator("select[name=outcome]").select_option("handled_at_home")
    card.get_by_role("button", name="结案").click()
    expect(page.get_by_test_id(f"alarm-{alarm.pk}")).to_have_count(0)
    expect(board).to_contain_text("当前没有待处理的报警")

    alarm.refresh_from_db()
    assert alarm.status == AlarmStatus.CLOSED and alarm.outcome == "handled_at_home"
    assert alarm.acknowledged_by.username == Role.CALL_OPERATOR
    assert alarm.seconds_to_acknowledge is not None and alarm.seconds_to_close is not None
    assert 0 < alarm.seconds_to_acknowledge <= alarm.seconds_to_close
