"""The pages: worklist, sign, detail with amend/end, the phone page to log a contact (double
submit stored once), overdue lists, follow-ups, statistics with audited export, the policy."""

import io
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone
from python_calamine import CalamineWorkbook

from eldercare.accounts.models import Role
from eldercare.carevisits.models import (
    AgreementStatus,
    CareAgreement,
    CareContact,
    CareVisitPolicy,
    FollowUp,
    FollowUpStatus,
)
from eldercare.carevisits.views import resident_panel
from eldercare.core.models import AuditAction, AuditEvent
from tests.carevisits.builders import key_resident, sign
from tests.conftest import World

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def contact_form(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "home_visit",
        "occurred_at": (timezone.localtime() - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"),
        "health": "good",
        "living_conditions": "fair",
        "findings": "精神好",
        "follow_up": "",
        "idempotency_key": "page-key-0001",
        **overrides,
    }


def test_worklist_and_signing(world: World) -> None:
    resident = key_resident(world.village_a, "周奶奶")
    township = client_for(world.user(Role.TOWNSHIP_WORKER))
    page = township.get("/care-visits/key-elderly/").content.decode()
    assert "周奶奶" in page and f"/care-visits/agreements/new/{resident.pk}/" in page
    sign_page = township.get(f"/care-visits/agreements/new/{resident.pk}/").content.decode()
    assert "每周应有 3 天联系" in sign_page
    response = township.post(
        f"/care-visits/agreements/new/{resident.pk}/",
        {
            "worker": world.user(Role.VILLAGE_WORKER).pk,
            "worker_kind": "grid_worker",
            "neighbour_name": "王邻居",
            "neighbour_phone": "13800138000",
        },
    )
    agreement = CareAgreement.objects.get()
    assert (
        response.status_code == 302 and response.url == f"/care-visits/agreements/{agreement.pk}/"
    )
    assert agreement.visitors.count() == 2
    assert "周奶奶" not in township.get("/care-visits/key-elderly/").content.decode()
    detail = township.get(response.url).content.decode()
    assert "王邻居" in detail and "138****8000" in detail and "13800138000" not in detail


def test_village_worker_sees_but_cannot_sign(world: World) -> None:
    resident = key_resident(world.village_a)
    village = client_for(world.user(Role.VILLAGE_WORKER))
    assert village.get("/care-visits/key-elderly/").status_code == 200
    assert village.get(f"/care-visits/agreements/new/{resident.pk}/").status_code == 403
    caregiver = client_for(world.user(Role.CAREGIVER))
    assert caregiver.get("/care-visits/overdue/").status_code == 403


def test_bad_sign_form_shows_the_problem_and_stores_nothing(world: World) -> None:
    resident = key_resident(world.village_a)
    township = client_for(world.user(Role.TOWNSHIP_WORKER))
    response = township.post(
        f"/care-visits/agreements/new/{resident.pk}/",
        {
            "worker": world.user(Role.VILLAGE_WORKER).pk,
            "worker_kind": "village_worker",
            "relative_name": "儿子",
            "relative_phone": "abc",
        },
    )
    assert response.status_code == 200
    assert "电话号码无效" in response.content.decode()
    assert not CareAgreement.objects.exists()


def test_amend_and_end_from_the_detail_page(world: World) -> None:
    agreement = sign(world, key_resident(world.village_a))
    township = client_for(world.user(Role.TOWNSHIP_WORKER))
    url = f"/care-visits/agreements/{agreement.pk}/"
    township.post(
        url + "amend/",
        {
            "worker": world.user(Role.VILLAGE_WORKER).pk,
            "worker_kind": "village_worker",
            "relative_name": "李儿子",
            "relative_phone": "13900139000",
            "reason": "增加亲属",
        },
    )
    agreement.refresh_from_db()
    assert agreement.version == 2
    # The relative's phone is not shown again; left empty it is kept.
    assert "13900139000" not in township.get(url).content.decode()
    township.post(
        url + "amend/",
        {
            "worker": world.user(Role.VILLAGE_WORKER).pk,
            "worker_kind": "grid_worker",
            "relative_name": "李儿子",
            "relative_phone": "",
            "reason": "改为网格员负责",
        },
    )
    agreement.refresh_from_db()
    assert agreement.version == 3
    relative = agreement.visitors.get(kind="relative", removed_at__isnull=True)
    assert relative.phone == "13900139000"
    township.post(url + "end/", {"reason": "入住养老院"})
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ENDED
    page = township.get(url).content.decode()
    assert "入住养老院" in page and "增加亲属" in page


def test_logging_from_the_phone_page_once_even_when_submitted_twice(world: World) -> None:
    resident = key_resident(world.village_a)
    sign(world, resident)
    village = client_for(world.user(Role.VILLAGE_WORKER))
    page = village.get(f"/care-visits/log/{resident.pk}/").content.decode()
    assert 'name="idempotency_key"' in page
    first = village.post(f"/care-visits/log/{resident.pk}/", contact_form())
    second = village.post(f"/care-visits/log/{resident.pk}/", contact_form())
    assert first.status_code == second.status_code == 302
    assert CareContact.objects.count() == 1
    follow = village.get("/care-visits/mine/").content.decode()
    assert "未重复保存" in follow


def test_future_contact_on_the_page_is_refused(world: World) -> None:
    resident = key_resident(world.village_a)
    village = client_for(world.user(Role.VILLAGE_WORKER))
    later = (timezone.localtime() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = village.post(f"/care-visits/log/{resident.pk}/", contact_form(occurred_at=later))
    assert response.status_code == 200
    assert "联系时间不能晚于现在" in response.content.decode()
    assert not CareContact.objects.exists()


def test_resident_of_another_village_cannot_be_logged(world: World) -> None:
    other = key_resident(world.village_a2)
    village = client_for(world.user(Role.VILLAGE_WORKER))
    assert village.post(f"/care-visits/log/{other.pk}/", contact_form()).status_code == 404
    assert not CareContact.objects.exists()


def test_overdue_pages_and_follow_ups(world: World) -> None:
    resident = key_resident(world.village_a, "吴爷爷")
    sign(world, resident, starts_on=timezone.localdate() - timedelta(days=14))
    village = client_for(world.user(Role.VILLAGE_WORKER))
    assert "吴爷爷" in village.get("/care-visits/mine/").content.decode()
    assert (
        "吴爷爷"
        in client_for(world.user(Role.TOWNSHIP_WORKER))
        .get("/care-visits/overdue/")
        .content.decode()
    )
    village.post(
        f"/care-visits/log/{resident.pk}/",
        contact_form(follow_up="referral", follow_up_department="卫生院", follow_up_note="咳嗽"),
    )
    follow_up = FollowUp.objects.get()
    assert "咳嗽" in village.get("/care-visits/follow-ups/").content.decode()
    village.post(
        f"/care-visits/follow-ups/{follow_up.pk}/", {"operation": "close", "text": "已就诊"}
    )
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.CLOSED


def test_statistics_page_and_audited_export(world: World) -> None:
    sign(world, key_resident(world.village_a))
    key_resident(world.village_a, "未签")
    county = client_for(world.user(Role.COUNTY_ADMIN))
    page = county.get("/care-visits/statistics/").content.decode()
    assert "零陵区" in page and "1/2" in page
    response = county.get("/care-visits/statistics/?export=xlsx")
    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    table = rows.to_python()
    assert table[1][:5] == ["区划代码", "区划", "重点老人", "已签协议", "签约率"]
    assert table[2][0] == world.county_a and table[2][2:5] == [2, 1, 0.5]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.object_type == "carevisits.statistics" and event.region_code == world.county_a


def test_policy_page(world: World) -> None:
    county = client_for(world.user(Role.COUNTY_ADMIN))
    assert "全国默认设置" in county.get("/care-visits/policy/").content.decode()
    county.post(
        "/care-visits/policy/",
        {
            "arrangements": ["living_alone", "empty_nest"],
            "difficulties": ["very_old"],
            "min_contacts": "4",
            "min_visits": "2",
        },
    )
    policy = CareVisitPolicy.objects.get()
    assert (policy.region_code, policy.min_contacts) == (world.county_a, 4)
    assert (
        client_for(world.user(Role.VILLAGE_WORKER)).get("/care-visits/policy/").status_code == 403
    )


def test_resident_panel(world: World) -> None:
    resident = key_resident(world.village_a, "孙奶奶")
    request = RequestFactory().get("/")
    request.user = world.user(Role.TOWNSHIP_WORKER)
    assert "未签订关爱服务协议" in resident_panel(request, resident)
    sign(world, resident, starts_on=timezone.localdate() - timedelta(days=14))
    html = resident_panel(request, resident)
    assert "本周已联系 0 天" in html and "还需联系 3 天、上门 1 次" in html
    request.user = world.user(Role.CAREGIVER)
    assert resident_panel(request, resident) == ""
