"""Pages and the API: the board (data, stream), handling from a page, reveal (audited), devices
with the secret shown once, the call chain form, statistics and the audited export."""

import io
import json
from typing import Any
from zipfile import ZipFile

import pytest
from django.test import Client

from eldercare.accounts.models import Role
from eldercare.alarms.models import Alarm, AlarmStatus, Device, DeviceStatus
from eldercare.alarms.services.devices import device_secret
from eldercare.alarms.services.ingestion import EventIn, ingest_event
from eldercare.core.models import AuditAction, AuditEvent
from tests.alarms.helpers import Home


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def alarm(home: Home) -> Alarm:
    outcome = ingest_event(home.device, EventIn("e1", "sos", None, None, None, None))
    return Alarm.objects.get(pk=outcome.alarm_id)


def test_board_data_is_sorted_by_urgency_then_age_with_masked_contacts(
    world: Any, home: Home, client: Client
) -> None:
    ingest_event(home.device, EventIn("a", "geofence_exit", None, None, None, None))
    ingest_event(home.device, EventIn("b", "fall", None, None, None, None))
    ingest_event(home.device, EventIn("c", "sos", None, None, None, None))
    data = login(client, world.user(Role.VILLAGE_WORKER)).get("/alarms/board/data/").json()
    assert [a["kind"] for a in data["alarms"]] == ["fall", "sos", "geofence_exit"]
    card = data["alarms"][0]["resident"]
    assert card["name"] == "王秀英" and card["village"] == "多福社区居委会"
    assert card["phones"] == ["138****1111"]
    assert card["contacts"][0] == {"name": "李强", "relation": "子女", "phone": "139****2222"}
    assert card["categories"] == ["65岁及以上", "高龄（80岁及以上）", "特殊困难老年人"]
    assert card["living"] == ""  # not recorded for her
    assert data["alarms"][0]["point"] == [26.22, 111.61]
    assert (
        login(Client(), world.user("county_b_admin")).get("/alarms/board/data/").json()["alarms"]
        == []
    )
    assert login(Client(), world.user(Role.ASSESSOR)).get("/alarms/board/data/").status_code == 403


def test_the_stream_sends_the_board_as_server_sent_events(
    world: Any, alarm: Alarm, client: Client, monkeypatch: Any
) -> None:
    monkeypatch.setattr("eldercare.alarms.views.STREAM_SECONDS", 0.5)
    monkeypatch.setattr("eldercare.alarms.views.STREAM_TICK_SECONDS", 0.1)
    response = login(client, world.user(Role.VILLAGE_WORKER)).get("/alarms/board/stream/")
    assert response["Content-Type"] == "text/event-stream"
    text = b"".join(response.streaming_content).decode()
    frames = [line[6:] for line in text.splitlines() if line.startswith("data: ")]
    assert len(frames) == 1  # sent once, then only keep-alives while nothing changes
    assert json.loads(frames[0])["alarms"][0]["id"] == alarm.pk


def test_handling_from_the_board_and_the_detail_page(
    world: Any, alarm: Alarm, client: Client
) -> None:
    login(client, world.user(Role.VILLAGE_WORKER))
    response = client.post(f"/alarms/{alarm.pk}/acknowledge/", HTTP_ACCEPT="application/json")
    assert response.json()["status"] == "acknowledged"
    again = client.post(f"/alarms/{alarm.pk}/acknowledge/", HTTP_ACCEPT="application/json")
    assert again.status_code == 409 and "不能再次响应" in again.json()["error"]
    response = client.post(f"/alarms/{alarm.pk}/close/", {"outcome": "false_alarm"}, follow=True)
    assert "已结案" in response.content.decode()
    assert Alarm.objects.get(pk=alarm.pk).status == AlarmStatus.CLOSED
    page = client.get(f"/alarms/{alarm.pk}/").content.decode()
    assert "误报" in page
    assert Client().post(f"/alarms/{alarm.pk}/note/", {"text": "x"}).status_code == 302  # login
    outsider = login(Client(), world.user("county_b_admin"))
    assert outsider.get(f"/alarms/{alarm.pk}/").status_code == 404


def test_revealing_contacts_is_audited_and_needs_the_role(
    world: Any, alarm: Alarm, client: Client
) -> None:
    response = login(client, world.user(Role.VILLAGE_WORKER)).post(f"/alarms/{alarm.pk}/reveal/")
    assert response.json()["phones"] == ["13800001111"]
    assert response.json()["contacts"][0]["phone"] == "13900002222"
    event = AuditEvent.objects.get(action=AuditAction.VIEW_UNMASKED)
    assert event.detail == {"fields": ["phones", "contacts"], "alarm": alarm.pk}
    auditor = login(Client(), world.user(Role.AUDITOR))
    assert auditor.post(f"/alarms/{alarm.pk}/reveal/").status_code == 403


def test_registering_shows_the_secret_once(world: Any, client: Client) -> None:
    login(client, world.user(Role.COUNTY_ADMIN))
    response = client.post(
        "/alarms/devices/new/",
        {"vendor": "acme", "serial": "SN-77", "kind": "smoke", "region_code": world.county_a},
    )
    device = Device.objects.get(serial="SN-77")
    assert device_secret(device) in response.content.decode()
    assert device_secret(device) not in client.get(f"/alarms/devices/{device.pk}/").content.decode()
    bad = client.post(
        "/alarms/devices/new/",
        {"vendor": "acme", "serial": "SN-77", "kind": "smoke", "region_code": world.county_a},
    )
    assert "已登记此序列号" in bad.content.decode()
    assert Device.objects.count() == 1


def test_device_pages_bind_and_list(world: Any, home: Home, client: Client) -> None:
    login(client, world.user(Role.COUNTY_ADMIN))
    page = client.get("/alarms/devices/?status=offline").content.decode()
    assert home.device.serial in page
    response = client.post(
        f"/alarms/devices/{home.device.pk}/unbind/", {"text": "搬家"}, follow=True
    )
    assert "设备已解绑" in response.content.decode()
    response = client.post(
        f"/alarms/devices/{home.device.pk}/bind/", {"resident": home.resident.pk}, follow=True
    )
    assert "设备已绑定" in response.content.decode()
    assert Device.objects.get(pk=home.device.pk).status == DeviceStatus.ACTIVE
    worker = login(Client(), world.user(Role.VILLAGE_WORKER))
    assert (
        worker.post(f"/alarms/devices/{home.device.pk}/unbind/", {"text": "x"}).status_code == 403
    )


def test_call_chain_form(world: Any, home: Home, client: Client) -> None:
    login(client, world.user(Role.VILLAGE_WORKER))
    page = client.get(f"/alarms/residents/{home.resident.pk}/chain/").content.decode()
    assert "零陵颐康呼叫中心" in page
    data = {
        "step-TOTAL_FORMS": "2",
        "step-INITIAL_FORMS": "0",
        "step-MIN_NUM_FORMS": "0",
        "step-MAX_NUM_FORMS": "12",
        "step-0-kind": "family",
        "step-0-name": "女儿",
        "step-0-phone": "13911112222",
        "step-0-timeout_seconds": "60",
        "step-1-kind": "family",
        "step-1-name": "儿子",
        "step-1-phone": "",
        "step-1-timeout_seconds": "60",
    }
    response = client.post(f"/alarms/residents/{home.resident.pk}/chain/", data)
    assert "请填写电话" in response.content.decode()
    data["step-1-phone"] = "13922223333"
    client.post(f"/alarms/residents/{home.resident.pk}/chain/", data)
    api = client.get(f"/api/v1/alarm-call-chains/{home.resident.pk}/").json()
    assert [(s["name"], s["phone"]) for s in api["steps"]] == [
        ("女儿", "139****2222"),
        ("儿子", "139****3333"),
    ]
    full = client.get(f"/api/v1/alarm-call-chains/{home.resident.pk}/?unmasked=1").json()
    assert full["steps"][0]["phone"] == "13911112222"
    shown = AuditEvent.objects.filter(action=AuditAction.VIEW_UNMASKED)
    assert [e.detail for e in shown] == [{"fields": ["call_chain"]}] * shown.count()
    assert shown.count() == 3  # the form twice (GET, refused POST) and the API once


def test_api_devices_and_alarms(world: Any, home: Home, alarm: Alarm, client: Client) -> None:
    login(client, world.user(Role.COUNTY_ADMIN))
    created = client.post(
        "/api/v1/alarm-devices/",
        {"vendor": "acme", "serial": "API-1", "kind": "gas"},
        content_type="application/json",
    )
    assert created.status_code == 201 and len(created.json()["secret"]) == 64
    bad = client.post(
        "/api/v1/alarm-devices/",
        {"vendor": "acme", "serial": "API-1", "kind": "gas", "colour": "red"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "colour"
    Device.objects.filter(pk=home.device.pk).update(last_heartbeat_at=None)
    listed = client.get("/api/v1/alarm-devices/?status=offline").json()
    assert [d["serial"] for d in listed["results"]] == [home.device.serial]
    closed = client.post(
        f"/api/v1/alarms/{alarm.pk}/close/",
        {"outcome": "handled_at_home"},
        content_type="application/json",
    )
    assert closed.json()["status"] == "closed"
    again = client.post(
        f"/api/v1/alarms/{alarm.pk}/close/",
        {"outcome": "handled_at_home"},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert client.get("/api/v1/alarms/board/").json()["alarms"] == []
    assert (
        login(Client(), world.user("county_b_admin")).get(f"/api/v1/alarms/{alarm.pk}/").status_code
        == 404
    )


def test_statistics_page_and_audited_export(world: Any, alarm: Alarm, client: Client) -> None:
    login(client, world.user(Role.COUNTY_ADMIN))
    page = client.get("/alarms/statistics/").content.decode()
    assert "一键呼救" in page
    response = client.get("/alarms/statistics/export/")
    assert response.status_code == 200
    assert ZipFile(io.BytesIO(response.content)).namelist()
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.object_type == "alarms.statistics" and event.region_code == world.county_a


def test_resident_panel(world: Any, alarm: Alarm, rf: Any) -> None:
    from eldercare.alarms.panel import resident_panel

    request = rf.get("/")
    request.user = world.user(Role.VILLAGE_WORKER)
    html = resident_panel(request, alarm.resident)
    assert "一键呼救" in html and "零陵颐康呼叫中心 → 李强" in html
    request.user = world.user(Role.ASSESSOR)
    assert resident_panel(request, alarm.resident) == ""


def test_api_call_chain_put(world: Any, home: Home, client: Client) -> None:
    login(client, world.user(Role.VILLAGE_WORKER))
    url = f"/api/v1/alarm-call-chains/{home.resident.pk}/"
    bad = client.put(
        url, {"steps": [{"kind": "family", "name": "女儿"}]}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "chain"
    short = client.put(
        url,
        {"steps": [{"kind": "family", "name": "女儿", "phone": "139", "timeout_seconds": 5}]},
        content_type="application/json",
    )
    assert short.status_code == 400 and "确认时限" in short.json()["errors"][0]["message"]
    good = client.put(
        url,
        {"steps": [{"kind": "family", "name": "女儿", "phone": "139", "timeout_seconds": 60}]},
        content_type="application/json",
    )
    assert [s["name"] for s in good.json()["steps"]] == ["女儿"]
    reset = client.put(url, {"steps": []}, content_type="application/json")
    assert len(reset.json()["steps"]) == 5
    auditor = login(Client(), world.user(Role.AUDITOR))
    assert auditor.put(url, {"steps": []}, content_type="application/json").status_code == 403
    assert auditor.get(url).json()["steps"][0]["phone"] == "0746-****888"
    assert auditor.get(url + "?unmasked=1").status_code == 403
