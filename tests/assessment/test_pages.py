"""The assessment pages: the tablet wizard, detail, correction, due list, settings, resident panel."""

from datetime import date, timedelta
from html import escape
from typing import Any

import pytest
from django.test import Client

from eldercare.assessment import services
from eldercare.assessment.models import Assessment, AssessmentPolicy, AssessmentStatus
from eldercare.assessment.scoring import GBT42195, MZT039, catalogue
from eldercare.registry.models import Resident
from tests import factories
from tests.assessment.builders import gbt42195, mzt039
from tests.conftest import World

pytestmark = pytest.mark.django_db
TODAY = date.today()


@pytest.fixture
def resident(world: World) -> Resident:
    return factories.resident(world.village_a, name="张三", birth=date(1940, 5, 1))


def client_for(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.user(role))
    return client


def header(world: World, standard: str = MZT039) -> dict[str, Any]:
    return {
        "standard": standard,
        "assessed_on": (TODAY - timedelta(days=1)).isoformat(),
        "place": "home",
        "reason": "first",
        "first_assessor": world.user("assessor").pk,
        "second_assessor": world.user("assessor_2").pk,
    }


def finished(world: World, resident: Resident, **overrides: Any) -> Assessment:
    data = {
        "standard": GBT42195,
        "assessed_on": TODAY - timedelta(days=10),
        "place": "home",
        "reason": "first",
        "first_assessor": world.user("assessor"),
        "second_assessor": world.user("assessor_2"),
        "answers": gbt42195(70),
        **overrides,
    }
    return services.record_assessment(actor=world.user("assessor"), resident=resident, data=data)


def test_wizard_enters_a_full_assessment_step_by_step(world: World, resident: Resident) -> None:
    client = client_for(world, "assessor")
    response = client.post(f"/assessment/residents/{resident.pk}/new/", header(world))
    draft = Assessment.objects.get()
    assert response.url == f"/assessment/{draft.pk}/step/1/"

    answers = mzt039(adl=60, mental=(2, 0, 0))
    indicators = catalogue(MZT039)
    for number, indicator in enumerate(indicators, start=1):
        page = client.get(f"/assessment/{draft.pk}/step/{number}/")
        content = page.content.decode()
        assert indicator.name in content
        for item in indicator.items:
            for option in item.options:
                assert escape(option.text) in content
        response = client.post(
            f"/assessment/{draft.pk}/step/{number}/",
            {item.key: answers[item.key] for item in indicator.items},
        )
        expected = (
            f"/assessment/{draft.pk}/step/{number + 1}/"
            if number < len(indicators)
            else f"/assessment/{draft.pk}/conditions/"
        )
        assert response.url == expected
    response = client.post(
        f"/assessment/{draft.pk}/conditions/",
        {"event_fall": 2, "info_informant_name": "张小明", "info_diseases": "高血压\n糖尿病"},
    )
    assert response.url == f"/assessment/{draft.pk}/review/"
    review = client.get(response.url).content.decode()
    assert "重度失能" in review  # preliminary 中度 + cognition 2 + two falls, capped at 3

    response = client.post(f"/assessment/{draft.pk}/review/")
    assert response.url == f"/assessment/{draft.pk}/"
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.FINISHED and draft.level == 3
    assert draft.basic_info == {"informant_name": "张小明", "diseases": ["高血压", "糖尿病"]}
    assert draft.conditions["events_30d"]["fall"] == 2
    detail = client.get(f"/assessment/{draft.pk}/").content.decode()
    assert "重度失能" in detail and "PDF" in detail


def test_review_lists_missing_steps_and_refuses_to_finish(world: World, resident: Resident) -> None:
    client = client_for(world, "assessor")
    client.post(f"/assessment/residents/{resident.pk}/new/", header(world, GBT42195))
    draft = Assessment.objects.get()
    review = client.get(f"/assessment/{draft.pk}/review/").content.decode()
    assert "自理能力" in review and f"/assessment/{draft.pk}/step/1/" in review
    client.post(f"/assessment/{draft.pk}/review/")
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.DRAFT


def test_a_score_outside_the_table_is_refused_on_the_step(world: World, resident: Resident) -> None:
    client = client_for(world, "assessor")
    client.post(f"/assessment/residents/{resident.pk}/new/", header(world))
    draft = Assessment.objects.get()
    response = client.post(f"/assessment/{draft.pk}/step/1/", {"adl.feeding": "7"}, follow=True)
    assert "不在可选分值" in response.content.decode()
    draft.refresh_from_db()
    assert draft.answers == {}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"second_assessor": "same"}, "两名评估员不能是同一人"),
        ({"assessed_on": (TODAY + timedelta(days=3)).isoformat()}, "评估日期不能晚于今天"),
        ({"second_assessor": ""}, "该字段是必填项"),
    ],
)
def test_header_errors_create_nothing(
    world: World, resident: Resident, change: dict[str, Any], message: str
) -> None:
    data = header(world)
    if change.get("second_assessor") == "same":
        change = {"second_assessor": data["first_assessor"]}
    response = client_for(world, "assessor").post(
        f"/assessment/residents/{resident.pk}/new/", {**data, **change}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Assessment.objects.exists()


def test_finished_assessment_cannot_be_reopened_in_the_wizard(
    world: World, resident: Resident
) -> None:
    assessment = finished(world, resident)
    client = client_for(world, "assessor")
    assert client.get(f"/assessment/{assessment.pk}/step/1/").status_code == 404
    assert client.post(f"/assessment/{assessment.pk}/review/").status_code == 404
    assessment.refresh_from_db()
    assert assessment.total_score == 70


def test_correction_through_the_pages_keeps_the_original(world: World, resident: Resident) -> None:
    original = finished(world, resident)
    client = client_for(world, "assessor")
    response = client.post(f"/assessment/{original.pk}/correct/", {"reason": "视力项录错"})
    draft = Assessment.objects.get(supersedes=original)
    assert response.url == f"/assessment/{draft.pk}/step/1/"
    assert draft.answers == original.answers
    client.post(f"/assessment/{draft.pk}/step/5/", {"perception.vision": 0})
    client.post(f"/assessment/{draft.pk}/review/")
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.FINISHED
    old_page = client.get(f"/assessment/{original.pk}/").content.decode()
    assert "本评估已被更正" in old_page
    assert Assessment.objects.filter(status=AssessmentStatus.FINISHED).count() == 2


def test_resident_page_shows_the_assessment_panel(world: World, resident: Resident) -> None:
    finished(world, resident)
    page = client_for(world, "county_admin").get(f"/registry/residents/{resident.pk}/")
    content = page.content.decode()
    assert 'data-testid="assessment-panel"' in content
    assert "轻度失能" in content and "新建能力评估" in content
    village = client_for(world, "village_worker").get(f"/registry/residents/{resident.pk}/")
    assert "报告状况变化" in village.content.decode()
    assert "新建能力评估" not in village.content.decode()


def test_reported_change_shows_in_the_due_list(world: World, resident: Resident) -> None:
    finished(world, resident)
    other = factories.resident(world.village_a2, name="李四", birth=date(1939, 1, 1))
    finished(world, other)
    client_for(world, "village_worker").post(
        f"/assessment/residents/{resident.pk}/request/", {"reason": "中风后卧床"}
    )
    due = client_for(world, "county_admin").get("/assessment/due/?window=30").content.decode()
    assert "张三" in due and "李四" not in due
    overdue = client_for(world, "county_admin").get("/assessment/due/?window=overdue")
    assert "张三" not in overdue.content.decode()
    by_assessor = client_for(world, "county_admin").get(
        f"/assessment/due/?window=90&assessor={world.user('assessor_2').pk}"
    )
    assert "张三" not in by_assessor.content.decode()


def test_due_list_is_scoped(world: World, resident: Resident) -> None:
    finished(world, resident)
    client_for(world, "village_worker").post(
        f"/assessment/residents/{resident.pk}/request/", {"reason": "跌倒"}
    )
    other_county = client_for(world, "county_b_admin")
    assert "张三" not in other_county.get("/assessment/due/").content.decode()
    assert other_county.get(f"/assessment/due/?region={world.county_a}").status_code == 404


def test_policy_page_saves_for_the_admins_region(world: World) -> None:
    client = client_for(world, "county_admin")
    assert client.get("/assessment/settings/").status_code == 200
    client.post(
        "/assessment/settings/",
        {"reassessment_months": 6, "clause_stacking": "once", "event_counting": "any_kind"},
    )
    policy = AssessmentPolicy.objects.get()
    assert (policy.region_code, policy.reassessment_months, policy.clause_stacking) == (
        world.county_a,
        6,
        "once",
    )
    assert client_for(world, "township_worker").get("/assessment/settings/").status_code == 403


@pytest.mark.parametrize(
    ("role", "path", "expected"),
    [
        ("county_b_admin", "/assessment/{pk}/", 404),
        ("caregiver", "/assessment/{pk}/", 403),
        ("auditor", "/assessment/{pk}/", 200),
        ("auditor", "/assessment/residents/{resident}/new/", 403),
        ("assessor_b", "/assessment/residents/{resident}/new/", 404),
        ("township_other", "/assessment/{pk}/", 404),
    ],
)
def test_access_matrix(
    world: World, resident: Resident, role: str, path: str, expected: int
) -> None:
    assessment = finished(world, resident)
    url = path.format(pk=assessment.pk, resident=resident.pk)
    assert client_for(world, role).get(url).status_code == expected
