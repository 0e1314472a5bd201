"""/api/v1/applications/: list, detail, create, the five actions, attachments, overdue; scoped,
403 for the wrong role or level, 404 outside the scope, and refused requests change nothing."""

from datetime import datetime
from typing import Any

import pytest
from rest_framework.test import APIClient

from eldercare.accounts.models import Role
from eldercare.applications.models import Application, ApplicationStatus
from tests import factories
from tests.applications.builders import PDF, SHANGHAI, benefit, db_state, upload
from tests.applications.conftest import People

pytestmark = pytest.mark.django_db
URL = "/api/v1/applications/"


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def create(people: People, user: Any = None, **overrides: Any) -> Any:
    return client_for(user or people.village).post(
        URL, {"resident": people.resident.pk, **benefit(**overrides)}, format="json"
    )


def test_the_whole_review_through_the_api(people: People) -> None:
    created = create(people)
    assert created.status_code == 201, created.json()
    data = created.json()
    pk = data["id"]
    assert (data["status"], data["step"], data["step_level"], data["due_on"]) == (
        "submitted",
        1,
        "village",
        "2025-10-10",
    )
    assert data["timeline"][0]["kind"] == "submitted"
    uploaded = client_for(people.village).post(
        f"{URL}{pk}/attachments/",
        {"file": upload("残疾证.pdf", PDF), "description": "残疾证"},
        format="multipart",
    )
    assert uploaded.status_code == 201, uploaded.json()
    assert uploaded.json()["name"] == "残疾证.pdf"
    download = client_for(people.county).get(f"{URL}{pk}/attachments/{uploaded.json()['id']}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF

    step1 = client_for(people.village_reviewer).post(
        f"{URL}{pk}/approve/", {"step": 1, "comment": "属实"}, format="json"
    )
    assert step1.status_code == 200, step1.json()
    assert step1.json()["step_level"] == "township"
    returned = client_for(people.township).post(
        f"{URL}{pk}/return/", {"reason": "缺户口本"}, format="json"
    )
    assert returned.json()["status"] == "returned"
    again = client_for(people.village).post(
        f"{URL}{pk}/resubmit/", {"amount_fen": 18000, "comment": "已补充"}, format="json"
    )
    assert (again.json()["status"], again.json()["round"], again.json()["amount_fen"]) == (
        "submitted",
        2,
        18000,
    )
    for reviewer in (people.village_reviewer, people.township):
        assert (
            client_for(reviewer).post(f"{URL}{pk}/approve/", {}, format="json").status_code == 200
        )
    final = client_for(people.county).post(
        f"{URL}{pk}/approve/",
        {"approved_amount_fen": 15000, "first_month": "2025-11"},
        format="json",
    )
    assert final.status_code == 200, final.json()
    body = final.json()
    assert (body["status"], body["approved_amount_fen"], body["approved_first_month"]) == (
        "approved",
        15000,
        "2025-11-01",
    )
    assert [s["decision"] for s in body["steps"]] == [
        "approve",
        "return",
        "approve",
        "approve",
        "approve",
    ]


def test_reject_and_withdraw(people: People) -> None:
    first = create(people).json()["id"]
    second = create(people).json()["id"]
    client_for(people.village_reviewer).post(f"{URL}{first}/approve/", {}, format="json")
    client_for(people.township).post(f"{URL}{first}/approve/", {}, format="json")
    rejected = client_for(people.county).post(
        f"{URL}{first}/reject/", {"reason": "不符合条件"}, format="json"
    )
    assert rejected.json()["status"] == "rejected"
    withdrawn = client_for(people.village).post(
        f"{URL}{second}/withdraw/", {"reason": "不需要了"}, format="json"
    )
    assert withdrawn.json()["status"] == "withdrawn"


def test_errors_are_named_and_change_nothing(people: People) -> None:
    pk = create(people).json()["id"]
    before = db_state()
    wrong = create(people, amount_fen=0, colour="red")
    assert wrong.status_code == 400
    assert {(e["field"], e["code"]) for e in wrong.json()["errors"]} >= {
        ("colour", "field_unknown"),
    }
    wrong = create(people, amount_fen=0)
    assert wrong.json()["errors"][0] == {
        "field": "amount_fen",
        "label": "申请金额",
        "code": "out_of_range",
        "message": "应为 0.01–100000 元",
    }
    no_reason = client_for(people.village_reviewer).post(f"{URL}{pk}/return/", {}, format="json")
    assert no_reason.status_code == 400
    illegal = client_for(people.village).post(f"{URL}{pk}/resubmit/", {}, format="json")
    assert illegal.status_code == 409
    assert illegal.json()["errors"][0]["code"] == "state"
    stale = client_for(people.village_reviewer).post(
        f"{URL}{pk}/approve/", {"step": 2}, format="json"
    )
    assert (stale.status_code, stale.json()["errors"][0]["code"]) == (409, "step_moved")
    bad_file = client_for(people.village).post(
        f"{URL}{pk}/attachments/", {"file": upload("x.pdf", b"not a pdf")}, format="multipart"
    )
    assert (bad_file.status_code, bad_file.json()["errors"][0]["code"]) == (400, "content_mismatch")
    assert db_state() == before


@pytest.mark.parametrize(
    ("user", "action", "status"),
    [
        ("auditor", "approve", 403),
        ("caregiver", "approve", 403),
        ("assessor", "withdraw", 403),
        ("county_b_admin", "approve", 404),
        ("township_other", "approve", 404),
        ("township_other", "withdraw", 404),
        ("county_admin", "approve", 403),  # in scope, wrong level (the village step)
        ("township_worker", "reject", 403),
        ("unbound", "approve", 404),
        ("no_role", "approve", 403),
    ],
)
def test_refused_actions_change_nothing(
    people: People, user: str, action: str, status: int
) -> None:
    pk = create(people).json()["id"]
    before = db_state()
    response = client_for(people.world.user(user)).post(
        f"{URL}{pk}/{action}/", {"reason": "x"} if action != "approve" else {}, format="json"
    )
    assert response.status_code == status
    assert db_state() == before


def test_a_village_worker_cannot_approve_the_county_step(people: People) -> None:
    pk = create(people).json()["id"]
    for reviewer in (people.village_reviewer, people.township):
        client_for(reviewer).post(f"{URL}{pk}/approve/", {}, format="json")
    before = db_state()
    response = client_for(people.village).post(f"{URL}{pk}/approve/", {}, format="json")
    assert response.status_code == 403
    assert "县级审批" in response.json()["detail"]
    assert db_state() == before


def test_create_is_refused_outside_scope_and_without_permission(people: People) -> None:
    before = db_state()
    assert create(people, user=people.world.user(Role.AUDITOR)).status_code == 403
    assert create(people, user=people.outsider).status_code == 404
    assert create(people, user=people.other_village).status_code == 404
    assert APIClient().post(URL, {}, format="json").status_code in (401, 403)
    assert db_state() == before


def test_list_is_scoped_filtered_and_counted(
    people: People, django_assert_num_queries: Any
) -> None:
    mine = create(people).json()["id"]
    later = create(people).json()["id"]
    client_for(people.village_reviewer).post(f"{URL}{later}/approve/", {}, format="json")
    other = factories.resident(people.world.village_b, name="刘备")
    client_for(people.outsider).post(URL, {"resident": other.pk, **benefit()}, format="json")
    county = client_for(people.county)
    with django_assert_num_queries(2):  # the capped count and the page, residents joined
        listed = county.get(URL).json()
    assert {row["id"] for row in listed["results"]} == {mine, later}
    assert listed["count"] == 2
    assert [r["id"] for r in county.get(URL, {"step": "township"}).json()["results"]] == [later]
    assert [r["id"] for r in county.get(URL, {"status": "submitted"}).json()["results"]] == [mine]
    to_review = client_for(people.township).get(URL, {"mine": "to_review"}).json()["results"]
    assert [r["id"] for r in to_review] == [later]
    wrong = county.get(URL, {"status": "lost"})
    assert (wrong.status_code, wrong.json()["errors"][0]["field"]) == (400, "status")
    assert client_for(people.outsider).get(f"{URL}{mine}/").status_code == 404
    assert client_for(people.world.user("caregiver")).get(URL).status_code == 403


def test_overdue_endpoint_for_supervisors(people: People, clock: Any) -> None:
    create(people)
    clock.move_to(datetime(2025, 10, 15, 9, 0, tzinfo=SHANGHAI))
    found = client_for(people.township).get(f"{URL}overdue/").json()
    assert found["count"] == 1
    assert found["results"][0]["working_days_overdue"] == 4
    assert found["results"][0]["unit_name"] == "多福社区居委会"
    assert client_for(people.village).get(f"{URL}overdue/").status_code == 403


def test_detail_has_steps_timeline_and_attachments(people: People) -> None:
    pk = create(people).json()["id"]
    detail = client_for(people.world.user(Role.AUDITOR)).get(f"{URL}{pk}/").json()
    assert set(detail) >= {"steps", "timeline", "attachments", "number", "status"}
    assert detail["steps"][0]["region_code"] == people.world.village_a
    assert Application.objects.get(pk=pk).status == ApplicationStatus.SUBMITTED
