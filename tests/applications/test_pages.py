"""The pages: apply with documents, the list with filters, the detail with its timeline, the review
buttons, correction and withdrawal, the chain settings and the section of the resident page.
Every refused request changes nothing."""

from typing import Any

import pytest
from django.test import Client

from eldercare.accounts.models import Role
from eldercare.applications import services
from eldercare.applications.models import Application, ApplicationStatus, ReviewChain
from tests import factories
from tests.applications.builders import PDF, PNG, db_state, upload
from tests.applications.conftest import People

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "benefit",
        "benefit_kind": "care_subsidy",
        "amount_yuan": "200",
        "service_item": "",
        "applicant_kind": "family",
        "applicant_name": "李明",
        "applicant_relation": "child",
        "applicant_phone": "13800001111",
        "reason": "重度失能，申请护理补贴",
        **overrides,
    }


def test_a_village_worker_applies_with_documents(people: People) -> None:
    client = client_for(people.village)
    url = f"/applications/residents/{people.resident.pk}/new/"
    page = client.get(url).content.decode()
    assert "村（社区）初审（5 个工作日） → 乡镇（街道）审核（5 个工作日） → 县级审批" in page
    response = client.post(
        url, {**form(), "attachments": [upload("残疾证.pdf", PDF), upload("照片.png", PNG)]}
    )
    application = Application.objects.get()
    assert response.status_code == 302
    assert response.url == f"/applications/{application.pk}/"
    assert (application.amount_fen, application.applicant_name, application.entered_by) == (
        20000,
        "李明",
        people.village,
    )
    assert application.attachments.count() == 2
    detail = client.get(response.url).content.decode()
    assert application.number in detail
    assert "残疾证.pdf" in detail
    assert "当前：第 1/3 步" in detail
    assert "2025年10月10日" in detail


def test_a_wrong_form_shows_the_problems_and_creates_nothing(people: People) -> None:
    client = client_for(people.village)
    url = f"/applications/residents/{people.resident.pk}/new/"
    before = db_state()
    response = client.post(
        url, {**form(applicant_phone="12"), "attachments": [upload("x.exe", b"MZ..")]}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "申请人电话" in page or "申请材料" in page
    response = client.post(url, form(amount_yuan="60.123"))
    assert "两位小数" in response.content.decode()
    assert db_state() == before


@pytest.mark.parametrize(
    ("user", "status"),
    [("auditor", 403), ("caregiver", 403), ("county_b_admin", 404), ("township_other", 404)],
)
def test_apply_page_is_refused(people: People, user: str, status: int) -> None:
    client = client_for(people.world.user(user))
    url = f"/applications/residents/{people.resident.pk}/new/"
    before = db_state()
    assert client.get(url).status_code == status
    assert client.post(url, form()).status_code == status
    assert db_state() == before
    assert Client().get(url).status_code == 302


def test_the_list_filters_and_is_scoped(people: People, django_assert_num_queries: Any) -> None:
    first = people.submit()
    second = people.approve_through(people.submit(), people.village_reviewer)
    other = factories.resident(people.world.village_b, name="刘备")
    services.submit_application(
        actor=people.outsider,
        resident=other,
        data={
            "kind": "benefit",
            "benefit_kind": "one_off_subsidy",
            "amount_fen": 30000,
            "applicant_kind": "resident",
            "reason": "高龄",
        },
    )
    county = client_for(people.county)
    page = county.get("/applications/").content.decode()
    assert first.number in page and second.number in page
    assert "刘备" not in page
    page = county.get("/applications/", {"step": "township"}).content.decode()
    assert second.number in page and first.number not in page
    page = county.get("/applications/", {"status": "submitted"}).content.decode()
    assert first.number in page and second.number not in page
    page = client_for(people.township).get("/applications/", {"mine": "to_review"}).content.decode()
    assert second.number in page and first.number not in page
    page = county.get("/applications/", {"status": "lost"}).content.decode()
    assert "状态：submitted、under_review" in page and first.number not in page
    # Session, user, the page of applications with residents and items, the village names.
    with django_assert_num_queries(4):
        county.get("/applications/")


def test_detail_timeline_and_decision_buttons_only_for_the_reviewer(people: People) -> None:
    application = people.submit()
    reviewer_page = client_for(people.village_reviewer).get(f"/applications/{application.pk}/")
    assert 'data-testid="decide-form"' in reviewer_page.content.decode()
    for user in (people.township, people.county, people.world.user("auditor")):
        page = client_for(user).get(f"/applications/{application.pk}/").content.decode()
        assert 'data-testid="decide-form"' not in page
        assert "提交申请" in page  # the timeline
    for user, status in ((people.outsider, 404), (people.other_township, 404)):
        assert client_for(user).get(f"/applications/{application.pk}/").status_code == status
    assert (
        client_for(people.world.user("caregiver"))
        .get(f"/applications/{application.pk}/")
        .status_code
        == 403
    )


def test_review_through_the_pages(people: People) -> None:
    application = people.submit()
    url = f"/applications/{application.pk}/decide/"
    response = client_for(people.village_reviewer).post(
        url, {"decision": "approve", "step": "1", "comment": "属实"}
    )
    assert response.status_code == 302
    township = client_for(people.township)
    before = db_state()
    page = township.post(url, {"decision": "return", "step": "2", "comment": ""}, follow=True)
    assert "退回须写明理由" in page.content.decode()
    assert db_state() == before
    township.post(url, {"decision": "return", "step": "2", "comment": "缺户口本"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED

    village = client_for(people.village)
    detail = village.get(f"/applications/{application.pk}/").content.decode()
    assert 'data-testid="correction"' in detail
    village.post(
        f"/applications/{application.pk}/attachments/",
        {"file": upload("户口本.png", PNG), "description": "户口本"},
    )
    response = village.post(
        f"/applications/{application.pk}/resubmit/",
        {**form(amount_yuan="180"), "comment": "已补充户口本"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.round, application.amount_fen) == (
        ApplicationStatus.SUBMITTED,
        2,
        18000,
    )
    assert application.attachments.get().description == "户口本"
    client_for(people.village_reviewer).post(url, {"decision": "approve", "step": "1"})
    township.post(url, {"decision": "approve", "step": "2"})
    county = client_for(people.county)
    page = county.get(f"/applications/{application.pk}/").content.decode()
    assert "核定金额（元）" in page
    county.post(
        url,
        {
            "decision": "approve",
            "step": "3",
            "approved_amount_yuan": "150",
            "first_month": "2025-11",
        },
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert (application.approved_amount_fen, str(application.approved_first_month)) == (
        15000,
        "2025-11-01",
    )
    page = village.get(f"/applications/{application.pk}/").content.decode()
    assert "已批准" in page
    assert "¥150.00" in page


def test_refused_decisions_change_nothing(people: People) -> None:
    application = people.approve_through(people.submit(), people.village_reviewer, people.township)
    url = f"/applications/{application.pk}/decide/"
    before = db_state()
    # A village worker cannot approve the county step; another county never sees it.
    assert client_for(people.village).post(url, {"decision": "approve"}).status_code == 403
    assert client_for(people.outsider).post(url, {"decision": "approve"}).status_code == 404
    assert (
        client_for(people.world.user("auditor")).post(url, {"decision": "reject"}).status_code
        == 403
    )
    assert client_for(people.county).get(url).status_code == 405
    stale = client_for(people.county).post(url, {"decision": "approve", "step": "1"}, follow=True)
    assert "请刷新后再办理" in stale.content.decode()
    assert db_state() == before


def test_withdraw_through_the_page(people: People) -> None:
    application = people.submit()
    url = f"/applications/{application.pk}/withdraw/"
    before = db_state()
    assert client_for(people.world.user("auditor")).post(url).status_code == 403
    assert client_for(people.outsider).post(url).status_code == 404
    assert db_state() == before
    client_for(people.village).post(url, {"reason": "不再需要"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    page = client_for(people.village).post(url, {}, follow=True).content.decode()
    assert "不能撤回" in page


def test_chain_settings_page(people: People) -> None:
    county = client_for(people.county)
    page = county.get("/applications/chain/").content.decode()
    assert "沿用上级区划或默认" in page
    response = county.post(
        "/applications/chain/",
        {"level_1": "village", "days_1": "3", "level_2": "county", "days_2": "10"},
    )
    assert response.status_code == 302
    assert ReviewChain.objects.get().steps == [
        {"level": "village", "working_days": 3},
        {"level": "county", "working_days": 10},
    ]
    page = county.post(
        "/applications/chain/",
        {"level_1": "county", "days_1": "3", "level_2": "village"},
        follow=True,
    ).content.decode()
    assert "审核应逐级向上" in page
    county.post("/applications/chain/", {"remove": "1"})
    assert not ReviewChain.objects.exists()
    before = db_state()
    township = client_for(people.township)
    assert township.get("/applications/chain/").status_code == 403
    assert township.post("/applications/chain/", {"level_1": "county"}).status_code == 403
    assert db_state() == before


def test_the_resident_page_shows_the_applications(people: People) -> None:
    application = people.submit()
    page = (
        client_for(people.village)
        .get(f"/registry/residents/{people.resident.pk}/")
        .content.decode()
    )
    assert 'data-testid="applications-panel"' in page
    assert application.number in page
    assert "在线申请补贴或服务" in page
    assert 'href="/applications/"' in page  # the menu
    auditor = (
        client_for(people.world.user(Role.AUDITOR))
        .get(f"/registry/residents/{people.resident.pk}/")
        .content.decode()
    )
    assert application.number in auditor
    assert "在线申请补贴或服务" not in auditor
    assessor = (
        client_for(people.world.user(Role.ASSESSOR))
        .get(f"/registry/residents/{people.resident.pk}/")
        .content.decode()
    )
    assert 'data-testid="applications-panel"' not in assessor
