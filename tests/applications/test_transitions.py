"""Every transition of an application, every illegal one, and who may decide which step."""

from datetime import date, datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from eldercare.accounts.models import Role
from eldercare.applications import services
from eldercare.applications.errors import ApplicationDataError, ApplicationStateError
from eldercare.applications.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Decision,
    EventKind,
    ReviewStep,
)
from eldercare.applications.queries import approved_service_codes
from eldercare.core.models import AuditAction, AuditEvent
from tests import factories
from tests.applications.builders import (
    GRANT_MISSING,
    SHANGHAI,
    benefit,
    db_state,
    family_benefit,
    grant_service_available,
)
from tests.applications.conftest import People
from tests.catalogue.builders import item, service_list

pytestmark = pytest.mark.django_db


def test_submit_opens_the_village_step_with_its_deadline(people: People) -> None:
    application = people.submit()
    assert application.status == ApplicationStatus.SUBMITTED
    assert len(application.number) == 14 and application.number.startswith("20250926")
    assert application.chain == [
        {"level": "village", "working_days": 5},
        {"level": "township", "working_days": 5},
        {"level": "county", "working_days": 5},
    ]
    assert (application.current_step, application.current_level) == (1, "village")
    assert application.current_due_on == date(2025, 10, 10)
    step = ReviewStep.objects.get(application=application)
    assert (step.region_code, step.due_on, step.is_due_provisional) == (
        people.world.village_a,
        date(2025, 10, 10),
        False,
    )
    assert step.is_open
    assert application.entered_by == people.village
    assert [e.kind for e in ApplicationEvent.objects.filter(application=application)] == [
        EventKind.SUBMITTED
    ]
    audit = AuditEvent.objects.get(object_type="applications.application")
    assert (audit.action, audit.region_code, audit.detail["transition"]) == (
        AuditAction.CREATE,
        people.world.village_a,
        "submit",
    )


def test_three_approvals_approve_and_each_step_has_its_own_deadline(
    people: People, clock: Any
) -> None:
    application = people.submit()
    clock.move_to(datetime(2025, 9, 30, 9, 0, tzinfo=SHANGHAI))
    application = services.approve_step(
        actor=people.village_reviewer, application=application, comment="情况属实"
    )
    assert application.status == ApplicationStatus.UNDER_REVIEW
    assert (application.current_step, application.current_level) == (2, "township")
    # Begun on Tuesday 30 September: 9, 10, 11 (Saturday, 调休), 13, 14 October.
    assert application.current_due_on == date(2025, 10, 14)
    clock.move_to(datetime(2025, 10, 13, 9, 0, tzinfo=SHANGHAI))
    application = services.approve_step(actor=people.township, application=application, step=2)
    assert (application.current_step, application.current_due_on) == (3, date(2025, 10, 20))
    application = services.approve_step(actor=people.county, application=application, step=3)
    assert application.status == ApplicationStatus.APPROVED
    assert application.decided_at is not None
    assert (application.current_step, application.current_level, application.current_due_on) == (
        None,
        "",
        None,
    )
    assert (application.approved_amount_fen, application.approved_first_month) == (
        20000,
        date(2025, 10, 1),
    )
    steps = list(ReviewStep.objects.filter(application=application).order_by("position"))
    assert [(s.level, s.decision, s.reviewer) for s in steps] == [
        ("village", Decision.APPROVE, people.village_reviewer),
        ("township", Decision.APPROVE, people.township),
        ("county", Decision.APPROVE, people.county),
    ]
    assert steps[0].comment == "情况属实"
    kinds = list(
        ApplicationEvent.objects.filter(application=application).values_list("kind", flat=True)
    )
    assert kinds[:5] == [
        EventKind.SUBMITTED,
        EventKind.STEP_APPROVED,
        EventKind.STEP_APPROVED,
        EventKind.STEP_APPROVED,
        EventKind.APPROVED,
    ]
    transitions = [
        e.detail["transition"]
        for e in AuditEvent.objects.filter(object_type="applications.application").order_by("id")
    ]
    assert transitions == ["submit", "approve_step", "approve_step", "approve_final"]
    assert application.is_grant_pending is not grant_service_available()


def test_final_approval_of_a_benefit_grants_the_entitlement(people: People) -> None:
    if not grant_service_available():
        pytest.skip(GRANT_MISSING)
    from eldercare.entitlements.models import Entitlement

    application = people.approve_through(
        people.submit(), people.village_reviewer, people.township, people.county
    )
    grant = Entitlement.objects.get(source_reference=f"application:{application.pk}")
    assert (grant.resident_id, grant.kind, grant.amount_fen) == (
        people.resident.pk,
        "care_subsidy",
        20000,
    )
    assert application.entitlement_id == grant.pk
    assert not application.is_grant_pending
    # Idempotent: catching up pending grants finds nothing and makes no second grant.
    assert services.grant_pending_entitlements(actor=None) == 0
    assert Entitlement.objects.filter(source_reference=f"application:{application.pk}").count() == 1


def test_a_service_application_is_approved_without_an_entitlement(people: People) -> None:
    meal = item("ZC-001", "老年助餐")
    service_list(people.world.county_a, entries=[(meal, 1200)])
    application = services.submit_application(
        actor=people.village,
        resident=people.resident,
        data={
            "kind": "service",
            "service_item": "zc-001",
            "applicant_kind": "worker",
            "reason": "独居，做饭困难",
        },
    )
    assert application.subject == "ZC-001 老年助餐"
    assert application.applicant_name == people.village.display_name
    approved = people.approve_through(
        application, people.village_reviewer, people.township, people.county
    )
    assert approved.status == ApplicationStatus.APPROVED
    assert (approved.is_grant_pending, approved.entitlement_id) == (False, None)
    assert approved_service_codes(people.resident) == ["ZC-001"]


def test_policy_amount_is_set_by_the_final_reviewer(people: People) -> None:
    application = people.submit(amount_fen=None)
    application = people.approve_through(application, people.village_reviewer, people.township)
    before = db_state()
    with pytest.raises(ApplicationDataError) as refused:
        services.approve_step(actor=people.county, application=application)
    assert refused.value.problems[0].field == "approved_amount_fen"
    assert db_state() == before
    approved = services.approve_step(
        actor=people.county,
        application=application,
        approved_amount_fen=15000,
        first_month=date(2025, 11, 20),
    )
    assert (approved.approved_amount_fen, approved.approved_first_month) == (
        15000,
        date(2025, 11, 1),
    )


def test_an_amount_before_the_last_step_is_refused(people: People) -> None:
    application = people.submit()
    with pytest.raises(ApplicationDataError, match="最后一步"):
        services.approve_step(
            actor=people.village_reviewer, application=application, approved_amount_fen=100
        )


def test_return_for_correction_then_resubmit_starts_a_new_round(people: People, clock: Any) -> None:
    application = people.approve_through(people.submit(), people.village_reviewer)
    before = db_state()
    with pytest.raises(ApplicationDataError, match="退回须写明理由"):
        services.return_application(actor=people.township, application=application, reason=" ")
    assert db_state() == before
    returned = services.return_application(
        actor=people.township, application=application, reason="缺少残疾证复印件"
    )
    assert returned.status == ApplicationStatus.RETURNED
    assert returned.current_step is None
    step = ReviewStep.objects.get(application=application, position=2)
    assert (step.decision, step.comment) == (Decision.RETURN, "缺少残疾证复印件")

    clock.move_to(datetime(2025, 10, 9, 9, 0, tzinfo=SHANGHAI))
    again = services.resubmit_application(
        actor=people.village,
        application=returned,
        changes={"amount_fen": 18000, "reason": "重度失能，已补充残疾证"},
        comment="已补充材料",
    )
    assert again.status == ApplicationStatus.SUBMITTED
    assert (again.round, again.current_step, again.amount_fen) == (2, 1, 18000)
    # Thursday 9 October: 10, 11 (Saturday, 调休), 13, 14, 15 October.
    assert again.current_due_on == date(2025, 10, 15)
    assert ReviewStep.objects.filter(application=application, round=2, decision="").count() == 1
    audit = AuditEvent.objects.filter(object_type="applications.application").latest("id")
    assert audit.detail["transition"] == "resubmit"
    assert audit.changes["amount_fen"] == [20000, 18000]
    approved = people.approve_through(
        again, people.village_reviewer, people.township, people.county
    )
    assert approved.status == ApplicationStatus.APPROVED


def test_reject_is_final(people: People) -> None:
    application = people.approve_through(people.submit(), people.village_reviewer, people.township)
    rejected = services.reject_application(
        actor=people.county, application=application, reason="不符合护理补贴条件"
    )
    assert rejected.status == ApplicationStatus.REJECTED
    assert rejected.decided_at is not None
    with pytest.raises(ApplicationStateError, match="未批准"):
        services.approve_step(actor=people.county, application=rejected)
    with pytest.raises(ApplicationStateError):
        services.withdraw_application(actor=people.village, application=rejected)
    with pytest.raises(ApplicationStateError):
        services.resubmit_application(actor=people.village, application=rejected)


@pytest.mark.parametrize("stage", ["submitted", "under_review", "returned"])
def test_withdraw_before_a_decision(people: People, stage: str) -> None:
    application = people.submit()
    if stage in ("under_review", "returned"):
        application = people.approve_through(application, people.village_reviewer)
    if stage == "returned":
        application = services.return_application(
            actor=people.township, application=application, reason="请补充材料"
        )
    assert application.status == stage
    withdrawn = services.withdraw_application(
        actor=people.village, application=application, reason="家属决定暂不申请"
    )
    assert withdrawn.status == ApplicationStatus.WITHDRAWN
    assert withdrawn.decided_at is not None
    assert not ReviewStep.objects.filter(application=application, decision="").exists()
    if stage != "returned":
        last = ReviewStep.objects.filter(application=application).latest("id")
        assert (last.decision, last.comment) == (Decision.WITHDRAWN, "家属决定暂不申请")


def _final(people: People, status: str) -> Application:
    application = people.submit()
    if status == ApplicationStatus.WITHDRAWN:
        return services.withdraw_application(actor=people.village, application=application)
    application = people.approve_through(application, people.village_reviewer)
    if status == ApplicationStatus.RETURNED:
        return services.return_application(
            actor=people.township, application=application, reason="请补充"
        )
    application = people.approve_through(application, people.township)
    if status == ApplicationStatus.REJECTED:
        return services.reject_application(
            actor=people.county, application=application, reason="不符"
        )
    return people.approve_through(application, people.county)


@pytest.mark.parametrize("status", ["approved", "rejected", "withdrawn", "returned"])
@pytest.mark.parametrize("decision", ["approve", "return", "reject"])
def test_no_decision_on_an_application_that_is_not_under_review(
    people: People, status: str, decision: str
) -> None:
    application = _final(people, status)
    reviewer = people.county if status in ("approved", "rejected") else people.township
    before = db_state()
    with pytest.raises(ApplicationStateError) as refused:
        if decision == "approve":
            services.approve_step(actor=reviewer, application=application)
        elif decision == "return":
            services.return_application(actor=reviewer, application=application, reason="x")
        else:
            services.reject_application(actor=reviewer, application=application, reason="x")
    assert application.get_status_display() in str(refused.value)
    assert db_state() == before


@pytest.mark.parametrize(
    "status", ["submitted", "under_review", "approved", "rejected", "withdrawn"]
)
def test_only_a_returned_application_can_be_resubmitted(people: People, status: str) -> None:
    application = (
        people.submit()
        if status == "submitted"
        else people.approve_through(people.submit(), people.village_reviewer)
        if status == "under_review"
        else _final(people, status)
    )
    before = db_state()
    with pytest.raises(ApplicationStateError, match="不能重新提交"):
        services.resubmit_application(actor=people.village, application=application)
    assert db_state() == before


@pytest.mark.parametrize("status", ["approved", "rejected", "withdrawn"])
def test_no_withdrawal_after_a_decision(people: People, status: str) -> None:
    application = _final(people, status)
    before = db_state()
    with pytest.raises(ApplicationStateError, match="不能撤回"):
        services.withdraw_application(actor=people.village, application=application)
    assert db_state() == before


def test_a_stale_step_number_is_refused(people: People) -> None:
    application = people.approve_through(people.submit(), people.village_reviewer)
    with pytest.raises(ApplicationStateError) as refused:
        services.approve_step(actor=people.township, application=application, step=1)
    assert refused.value.code == "step_moved"


# --- who may decide -----------------------------------------------------------------------------


def test_reviewers_act_only_at_their_own_level(people: People) -> None:
    application = people.submit()
    before = db_state()
    # Out of scope: a township worker of another township never sees the resident.
    with pytest.raises(Http404):
        services.approve_step(actor=people.other_township, application=application)
    with pytest.raises(Http404):
        services.approve_step(actor=people.outsider, application=application)
    # In scope but not the village of the step: another village's worker is out of scope too.
    with pytest.raises(Http404):
        services.approve_step(actor=people.other_village, application=application)
    # In scope at the wrong level: the township and the county cannot take the village step.
    for actor in (people.township, people.county, people.world.user(Role.CITY_ADMIN)):
        with pytest.raises(PermissionDenied, match="多福社区居委会"):
            services.approve_step(actor=actor, application=application)
    assert db_state() == before

    application = people.approve_through(application, people.village_reviewer, people.township)
    before = db_state()
    # A village worker cannot approve (or return, or reject) the county step.
    with pytest.raises(PermissionDenied, match="县级审批"):
        services.approve_step(actor=people.village, application=application)
    with pytest.raises(PermissionDenied):
        services.reject_application(actor=people.village, application=application, reason="x")
    # Roles without REVIEW_APPLICATIONS are refused whatever their region.
    for role in (Role.ASSESSOR, Role.AUDITOR, Role.CAREGIVER):
        with pytest.raises(PermissionDenied):
            services.approve_step(actor=people.world.user(role), application=application)
    assert db_state() == before


def test_applying_needs_the_permission_and_the_resident_in_scope(people: People) -> None:
    before = db_state()
    with pytest.raises(PermissionDenied):
        services.submit_application(
            actor=people.world.user(Role.AUDITOR), resident=people.resident, data=benefit()
        )
    with pytest.raises(Http404):
        services.submit_application(actor=people.outsider, resident=people.resident, data=benefit())
    with pytest.raises(Http404):
        services.submit_application(
            actor=people.other_village, resident=people.resident, data=benefit()
        )
    assert db_state() == before


# --- validation ---------------------------------------------------------------------------------


def test_a_family_applicant_needs_name_relation_and_phone(people: People) -> None:
    with pytest.raises(ApplicationDataError) as refused:
        people.submit(applicant_kind="family", applicant_phone="12")
    fields = {p.field for p in refused.value.problems}
    assert fields == {"applicant_name", "applicant_relation", "applicant_phone"}
    application = services.submit_application(
        actor=people.village, resident=people.resident, data=family_benefit()
    )
    assert (
        application.applicant_name,
        application.get_applicant_relation_display(),
        application.applicant_phone,
    ) == ("李明", "子女", "13800001111")


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"kind": "loan"}, "kind", "choice_unknown"),
        ({"benefit_kind": "pension"}, "benefit_kind", "choice_unknown"),
        ({"amount_fen": 0}, "amount_fen", "out_of_range"),
        ({"amount_fen": "200"}, "amount_fen", "wrong_type"),
        ({"amount_fen": 10_000_001}, "amount_fen", "out_of_range"),
        ({"service_item": "ZC-001"}, "service_item", "not_allowed"),
        ({"reason": "  "}, "reason", "required"),
        ({"reason": "长" * 1001}, "reason", "too_long"),
        ({"applicant_kind": "neighbour"}, "applicant_kind", "choice_unknown"),
        ({"colour": "red"}, "colour", "field_unknown"),
    ],
)
def test_wrong_fields_are_named(
    people: People, overrides: dict[str, Any], field: str, code: str
) -> None:
    before = db_state()
    with pytest.raises(ApplicationDataError) as refused:
        people.submit(**overrides)
    assert (field, code) in {(p.field, p.code) for p in refused.value.problems}
    assert db_state() == before


def test_a_service_must_be_on_a_list_in_effect_where_the_resident_lives(people: People) -> None:
    bath = item("ZY-001", "助浴")
    item("ZJ-009", "不在清单上的项目")
    service_list(people.world.county_b, entries=[(bath, 3000)])
    for code, problem in (
        ("ZJ-009", "not_in_effect"),
        ("ZY-001", "not_in_effect"),
        ("XX-1", "unknown"),
    ):
        with pytest.raises(ApplicationDataError) as refused:
            services.submit_application(
                actor=people.village,
                resident=people.resident,
                data={
                    "kind": "service",
                    "service_item": code,
                    "applicant_kind": "resident",
                    "reason": "需要",
                },
            )
        assert refused.value.problems[0].code == problem


def test_a_resident_who_has_moved_away_cannot_apply(people: People) -> None:
    resident = factories.resident(
        people.world.village_a, status="moved_out", status_date=date(2025, 9, 1)
    )
    with pytest.raises(ApplicationDataError, match="迁出"):
        services.submit_application(actor=people.village, resident=resident, data=benefit())
