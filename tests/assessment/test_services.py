"""Assessment records: drafts, finishing, immutability, corrections, schedule and settings."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django_q.conf import Conf

from eldercare.assessment import services
from eldercare.assessment.errors import AssessmentDataError, AssessmentStateError
from eldercare.assessment.models import (
    Assessment,
    AssessmentStatus,
    CurrentAssessment,
    ReassessmentRequest,
    Source,
)
from eldercare.assessment.rules import add_months
from eldercare.assessment.scoring import GBT42195, MZT039
from eldercare.core.models import AuditEvent
from eldercare.registry.models import Resident
from tests import factories
from tests.assessment.builders import gbt42195, mzt039
from tests.conftest import World

pytestmark = pytest.mark.django_db
TODAY = date.today()


@pytest.fixture
def resident(world: World) -> Resident:
    return factories.resident(world.village_a, name="张三", birth=date(1940, 5, 1))


def data(world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "standard": GBT42195,
        "assessed_on": TODAY - timedelta(days=1),
        "place": "home",
        "reason": "first",
        "first_assessor": world.user("assessor"),
        "second_assessor": world.user("assessor_2"),
        "answers": gbt42195(50),
        **overrides,
    }


def codes(error: pytest.ExceptionInfo[AssessmentDataError]) -> set[tuple[str, str]]:
    return {(p.field, p.code) for p in error.value.problems}


def test_record_scores_stores_and_makes_current(world: World, resident: Resident) -> None:
    assessment = services.record_assessment(
        actor=world.user("assessor"), resident=resident, data=data(world)
    )
    assert assessment.status == AssessmentStatus.FINISHED
    assert (assessment.level, assessment.total_score, assessment.preliminary_level) == (2, 50, 2)
    assert assessment.result["level_name"] == "中度失能"
    assert assessment.first_assessor_name == "assessor"
    assert assessment.region_code == world.village_a
    current = CurrentAssessment.objects.get(resident=resident)
    assert (current.assessment, current.level, current.latest_gbt42195) == (
        assessment,
        2,
        assessment,
    )
    assert current.due_on == add_months(assessment.assessed_on, 12)
    audit = AuditEvent.objects.get(object_type="assessment.assessment", object_id=assessment.pk)
    assert audit.detail["level"] == 2


def test_step_by_step_draft_then_finish(world: World, resident: Resident) -> None:
    actor = world.user("assessor")
    header = {k: v for k, v in data(world).items() if k != "answers"}
    draft = services.start_assessment(actor=actor, resident=resident, data=header)
    answers = mzt039(adl=60)
    first_half = dict(list(answers.items())[:10])
    draft = services.save_draft(
        actor=actor, assessment=draft, data={"standard": MZT039, "answers": first_half}
    )
    assert draft.status == AssessmentStatus.DRAFT and draft.answers == first_half
    with pytest.raises(AssessmentDataError) as missing:
        services.finish_assessment(actor=actor, assessment=draft)
    assert ("mental.cognition", "missing_item") in codes(missing)
    services.save_draft(actor=actor, assessment=draft, data={"answers": answers})
    finished = services.finish_assessment(actor=actor, assessment=draft)
    assert (finished.standard, finished.level) == (MZT039, 2)
    assert not CurrentAssessment.objects.filter(level=0).exists()


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"second_assessor": None}, ("second_assessor", "required")),
        ({"second_assessor": "assessor"}, ("second_assessor", "same_assessor")),
        ({"second_assessor": "county_admin"}, ("second_assessor", "not_an_assessor")),
        ({"second_assessor": "assessor_b"}, ("second_assessor", "not_an_assessor")),
        ({"second_assessor": "王某某"}, ("second_assessor", "assessor_unknown")),
        ({"assessed_on": TODAY + timedelta(days=1)}, ("assessed_on", "future_date")),
        ({"assessed_on": date(2022, 12, 1)}, ("assessed_on", "before_standard")),
        ({"assessed_on": "2025-13-40"}, ("assessed_on", "date_invalid")),
        ({"standard": "mzt039-2019"}, ("standard", "choice_unknown")),
        ({"place": "moon"}, ("place", "choice_unknown")),
        ({"reason": None}, ("reason", "required")),
        (
            {"answers": {**gbt42195(50), "selfcare.feeding": 7}},
            ("selfcare.feeding", "score_not_allowed"),
        ),
        (
            {"answers": {**gbt42195(50), "selfcare.feeding": True}},
            ("selfcare.feeding", "score_not_allowed"),
        ),
        ({"answers": {**gbt42195(50), "adl.feeding": 10}}, ("adl.feeding", "unknown_item")),
        (
            {"answers": {k: v for k, v in gbt42195(50).items() if k != "motor.stairs"}},
            ("motor.stairs", "missing_item"),
        ),
        ({"basic_info": {"shoe_size": 40}}, ("basic_info.shoe_size", "field_unknown")),
        ({"basic_info": {"height_cm": 900}}, ("basic_info.height_cm", "out_of_range")),
        ({"conditions": {"coma": "yes"}}, ("conditions.coma", "wrong_type")),
        ({"colour": "red"}, ("colour", "field_unknown")),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_writes_nothing(
    world: World, resident: Resident, overrides: dict[str, Any], problem: tuple[str, str]
) -> None:
    with pytest.raises(AssessmentDataError) as error:
        services.record_assessment(
            actor=world.user("assessor"), resident=resident, data=data(world, **overrides)
        )
    assert problem in codes(error)
    assert str(error.value)
    assert not Assessment.objects.exists()
    assert not CurrentAssessment.objects.exists()
    assert not AuditEvent.objects.filter(object_type="assessment.assessment").exists()


def test_dementia_raises_the_level_with_the_region_setting(
    world: World, resident: Resident
) -> None:
    conditions = {"dementia": True, "events_30d": {"fall": 2}}
    actor = world.user("assessor")
    per_clause = services.record_assessment(
        actor=actor, resident=resident, data=data(world, conditions=conditions)
    )
    assert per_clause.level == 4
    services.set_policy(
        actor=world.user("county_admin"),
        region_code=world.county_a,
        reassessment_months=6,
        clause_stacking="once",
        event_counting="total",
    )
    other = factories.resident(world.village_a2, name="李四", birth=date(1941, 1, 1))
    once = services.record_assessment(
        actor=actor, resident=other, data=data(world, conditions=conditions)
    )
    assert once.level == 3
    assert once.result["settings"]["clause_stacking"] == "once"
    assert CurrentAssessment.objects.get(resident=other).due_on == add_months(once.assessed_on, 6)


def test_finished_assessment_is_immutable(world: World, resident: Resident) -> None:
    actor = world.user("assessor")
    finished = services.record_assessment(actor=actor, resident=resident, data=data(world))
    with pytest.raises(AssessmentStateError):
        services.save_draft(actor=actor, assessment=finished, data={"answers": gbt42195(90)})
    with pytest.raises(AssessmentStateError):
        services.finish_assessment(actor=actor, assessment=finished)
    with pytest.raises(AssessmentStateError):
        services.discard_draft(actor=actor, assessment=finished)
    finished.refresh_from_db()
    assert finished.total_score == 50


def test_correction_supersedes_and_keeps_both(world: World, resident: Resident) -> None:
    actor = world.user("assessor")
    original = services.record_assessment(actor=actor, resident=resident, data=data(world))
    with pytest.raises(AssessmentDataError):
        services.correct_assessment(
            actor=actor, original=original, data={"answers": gbt42195(90)}, reason=" "
        )
    corrected = services.correct_assessment(
        actor=actor, original=original, data={"answers": gbt42195(90)}, reason="录入错误"
    )
    assert (corrected.supersedes, corrected.level, corrected.correction_reason) == (
        original,
        0,
        "录入错误",
    )
    assert corrected.assessed_on == original.assessed_on
    assert Assessment.objects.count() == 2
    assert CurrentAssessment.objects.get(resident=resident).assessment == corrected
    original.refresh_from_db()
    assert original.level == 2
    with pytest.raises(AssessmentStateError):
        services.correct_assessment(actor=actor, original=original, data={}, reason="再改")


def test_a_reported_change_makes_the_assessment_due_at_once(
    world: World, resident: Resident
) -> None:
    actor = world.user("assessor")
    first = services.record_assessment(
        actor=actor, resident=resident, data=data(world, assessed_on=TODAY - timedelta(days=100))
    )
    assert CurrentAssessment.objects.get(resident=resident).due_on > TODAY
    request = services.request_reassessment(
        actor=world.user("village_worker"), resident=resident, reason="跌倒后卧床"
    )
    assert CurrentAssessment.objects.get(resident=resident).due_on == TODAY
    second = services.record_assessment(
        actor=actor,
        resident=resident,
        data=data(world, assessed_on=TODAY, reason="status_change", answers=gbt42195(20)),
    )
    request.refresh_from_db()
    assert request.resolved_by == second
    current = CurrentAssessment.objects.get(resident=resident)
    assert (current.assessment, current.level, current.due_on) == (
        second,
        4,
        add_months(TODAY, 12),
    )
    assert first.pk != second.pk


def test_request_needs_a_reason(world: World, resident: Resident) -> None:
    with pytest.raises(AssessmentDataError):
        services.request_reassessment(
            actor=world.user("village_worker"), resident=resident, reason=""
        )
    assert not ReassessmentRequest.objects.exists()


def test_both_standards_are_kept_for_comparison(world: World, resident: Resident) -> None:
    actor = world.user("assessor")
    old = services.record_assessment(
        actor=actor,
        resident=resident,
        data=data(world, standard=MZT039, answers=mzt039(adl=60), assessed_on=date(2021, 5, 1)),
    )
    new = services.record_assessment(actor=actor, resident=resident, data=data(world))
    current = CurrentAssessment.objects.get(resident=resident)
    assert (current.latest_mzt039, current.latest_gbt42195, current.assessment) == (old, new, new)


def test_scope_and_role(world: World, resident: Resident) -> None:
    with pytest.raises(Http404):
        services.record_assessment(
            actor=world.user("assessor_b"), resident=resident, data=data(world)
        )
    with pytest.raises(PermissionDenied):
        services.record_assessment(
            actor=world.user("village_worker"), resident=resident, data=data(world)
        )
    with pytest.raises(PermissionDenied):
        services.set_policy(
            actor=world.user("township_worker"),
            region_code=world.township_a,
            reassessment_months=6,
            clause_stacking="once",
            event_counting="total",
        )
    with pytest.raises(Http404):
        services.set_policy(
            actor=world.user("county_admin"),
            region_code=world.county_b,
            reassessment_months=6,
            clause_stacking="once",
            event_counting="total",
        )
    assert not Assessment.objects.exists()


def test_import_source_accepts_named_paper_assessors(world: World, resident: Resident) -> None:
    assessment = services.record_assessment(
        actor=world.user("county_admin"),
        resident=resident,
        data=data(world, first_assessor="李评估", second_assessor="王评估"),
        source=Source.IMPORT,
    )
    assert (assessment.first_assessor, assessment.first_assessor_name) == (None, "李评估")


def test_policy_change_redates_assessed_residents_in_the_worker(
    world: World,
    resident: Resident,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monkeypatch.setattr(Conf, "SYNC", True)
    assessment = services.record_assessment(
        actor=world.user("assessor"), resident=resident, data=data(world)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.set_policy(
            actor=world.user("county_admin"),
            region_code=world.county_a,
            reassessment_months=3,
            clause_stacking="per_clause",
            event_counting="total",
        )
    assert CurrentAssessment.objects.get(resident=resident).due_on == add_months(
        assessment.assessed_on, 3
    )
