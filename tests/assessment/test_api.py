"""/api/v1/assessments/: field apps fetch the catalogue, post assessments, correct, list, download."""

from datetime import date, timedelta
from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from eldercare.assessment.models import Assessment, CurrentAssessment, ReassessmentRequest
from eldercare.assessment.scoring import GBT42195, MZT039
from eldercare.core.models import AuditAction, AuditEvent
from eldercare.registry.models import Resident
from tests import factories
from tests.assessment.builders import gbt42195, mzt039
from tests.conftest import World
from tests.registry.api.helpers import client_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/assessments/"
TODAY = date.today()


@pytest.fixture
def resident(world: World) -> Resident:
    return factories.resident(world.village_a, name="张三", birth=date(1940, 5, 1))


def body(world: World, person: Resident, **overrides: Any) -> dict[str, Any]:
    return {
        "resident": person.pk,
        "standard": GBT42195,
        "assessed_on": (TODAY - timedelta(days=2)).isoformat(),
        "place": "home",
        "reason": "first",
        "first_assessor": "assessor",
        "second_assessor": world.user("assessor_2").pk,
        "answers": gbt42195(40),
        "conditions": {"coma": False, "events_30d": {"fall": 1, "choking": 1}},
        "basic_info": {"informant_name": "张小明", "informant_phone": "13800001111"},
        **overrides,
    }


def post(world: World, data: dict[str, Any], role: str = "assessor") -> Any:
    return client_for(world.user(role)).post(URL, data, format="json")


def test_field_app_flow_with_a_token(world: World, resident: Resident) -> None:
    token = Token.objects.create(user=world.user("assessor"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    catalogue = client.get(f"{URL}catalogue/", {"standard": MZT039}).json()
    assert catalogue["indicators"][0]["name"] == "日常生活活动"
    assert catalogue["indicators"][0]["items"][0]["options"][0]["text"]

    created = client.post(URL, body(world, resident), format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    # 40 points: 重度失能 (30–45); two events in 30 days raise it to 完全失能.
    assert (data["level"], data["level_name"], data["total_score"]) == (4, "完全失能", 40)
    assert data["result"]["clauses"][0]["code"] == "events_30d"
    assert data["assessors"] == ["assessor", "assessor_2"]
    assert Assessment.objects.get().source == "api"
    assert client.get(f"{URL}{data['id']}/").json()["level"] == 4
    listed = client.get(URL, {"resident": resident.pk}).json()
    assert [row["id"] for row in listed["results"]] == [data["id"]]


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"second_assessor": None}, "second_assessor", "required"),
        ({"second_assessor": "assessor"}, "second_assessor", "same_assessor"),
        ({"assessed_on": (TODAY + timedelta(days=1)).isoformat()}, "assessed_on", "future_date"),
        ({"answers": {**gbt42195(40), "motor.stairs": 4}}, "motor.stairs", "score_not_allowed"),
        (
            {"answers": {k: v for k, v in gbt42195(40).items() if k != "selfcare.bathing"}},
            "selfcare.bathing",
            "missing_item",
        ),
        ({"answers": {**gbt42195(40), "adl.walking": 15}}, "adl.walking", "unknown_item"),
        ({"standard": "who-2001"}, "standard", "choice_unknown"),
        ({"resident": "张三"}, "resident", "required"),
        ({"level": 0}, "level", "field_unknown"),
    ],
)
def test_bad_assessments_are_400_naming_the_field(
    world: World, resident: Resident, overrides: dict[str, Any], field: str, code: str
) -> None:
    response = post(world, body(world, resident, **overrides))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert (field, code) in {(e["field"], e["code"]) for e in errors}, errors
    assert all(e["message"] for e in errors)
    assert not Assessment.objects.exists()
    assert not CurrentAssessment.objects.exists()


@pytest.mark.parametrize(
    ("role", "expected"), [("assessor_b", 404), ("village_worker", 403), ("auditor", 403)]
)
def test_who_may_post(world: World, resident: Resident, role: str, expected: int) -> None:
    assert post(world, body(world, resident), role=role).status_code == expected
    assert not Assessment.objects.exists()


def test_reading_is_scoped(world: World, resident: Resident) -> None:
    created = post(world, body(world, resident)).json()
    other = client_for(world.user("county_b_admin"))
    assert other.get(URL).json()["results"] == []
    for path in (f"{URL}{created['id']}/", f"{URL}{created['id']}/report/"):
        assert other.get(path).status_code == 404
    assert client_for(world.user("caregiver")).get(URL).status_code == 403


def test_correction_supersedes_once(world: World, resident: Resident) -> None:
    created = post(world, body(world, resident)).json()
    client = client_for(world.user("assessor"))
    missing_reason = client.post(f"{URL}{created['id']}/correct/", {}, format="json")
    assert missing_reason.status_code == 400
    corrected = client.post(
        f"{URL}{created['id']}/correct/",
        {"correction_reason": "跌倒次数录错", "conditions": {}},
        format="json",
    )
    assert corrected.status_code == 201, corrected.json()
    assert (corrected.json()["supersedes"], corrected.json()["level"]) == (created["id"], 3)
    again = client.post(
        f"{URL}{created['id']}/correct/", {"correction_reason": "再改"}, format="json"
    )
    assert again.status_code == 409
    assert Assessment.objects.count() == 2
    assert CurrentAssessment.objects.get().assessment_id == corrected.json()["id"]


def test_report_pdf_is_audited(world: World, resident: Resident) -> None:
    created = post(world, body(world, resident)).json()
    response = client_for(world.user("county_admin")).get(f"{URL}{created['id']}/report/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_id=str(created["id"])
    ).exists()


def test_reassessment_request_and_due_list(world: World, resident: Resident) -> None:
    post(world, body(world, resident, assessed_on=date(2025, 1, 10).isoformat()))
    client = client_for(world.user("village_worker"))
    bad = client.post(
        f"{URL}reassessment-requests/", {"resident": resident.pk, "reason": ""}, format="json"
    )
    assert bad.status_code == 400
    made = client.post(
        f"{URL}reassessment-requests/",
        {"resident": resident.pk, "reason": "卧床不起"},
        format="json",
    )
    assert made.status_code == 201
    assert ReassessmentRequest.objects.count() == 1
    due = client_for(world.user("county_admin")).get(f"{URL}due/", {"window": "overdue"}).json()
    assert [row["resident"] for row in due["results"]] == [resident.pk]
    assert due["results"][0]["assessor"] == "assessor"
    invalid = client_for(world.user("county_admin")).get(f"{URL}due/", {"window": "soon"})
    assert invalid.status_code == 400
    outside = client_for(world.user("county_admin")).get(f"{URL}due/", {"region": world.county_b})
    assert outside.status_code == 404


def test_mzt039_through_the_api(world: World, resident: Resident) -> None:
    response = post(
        world,
        body(world, resident, standard=MZT039, answers=mzt039(adl=100), conditions={}),
    )
    assert response.status_code == 201
    assert (response.json()["level"], response.json()["level_name"]) == (0, "能力完好")
