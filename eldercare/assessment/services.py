"""Use cases of capability assessment. Pages, API, import and commands all call these; each checks
the actor's permission and scope, runs in one transaction and writes its audit record.

Life of an assessment: `start_assessment` (a draft, filled step by step on a tablet) →
`save_draft` … → `finish_assessment` (scored by the pure engine with the region's settings, then
immutable). `record_assessment` does all three at once (API, import). `correct_assessment` makes
a new finished assessment that supersedes a finished one; both are kept.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django_q.tasks import async_task

from eldercare.accounts.access import Action, in_scope, require
from eldercare.assessment.current import policy_for, refresh_current, refresh_current_many
from eldercare.assessment.errors import AssessmentDataError, AssessmentStateError, Problem
from eldercare.assessment.models import (
    Assessment,
    AssessmentPolicy,
    AssessmentStatus,
    ReassessmentRequest,
    Source,
)
from eldercare.assessment.scoring import (
    AnswerError,
    ClauseStacking,
    EventCounting,
    score_file,
)
from eldercare.assessment.validation import DATA_FIELDS, apply_data, as_data, check_keys
from eldercare.core.audit import record
from eldercare.core.models import AuditAction
from eldercare.regions.codes import subtree_range
from eldercare.registry.models import Resident


def today_local() -> date:
    return timezone.localdate()


# --- region settings -------------------------------------------------------------------------


def set_policy(
    *,
    actor: Any,
    region_code: str,
    reassessment_months: int,
    clause_stacking: str,
    event_counting: str,
) -> AssessmentPolicy:
    """Create or change a region's settings, then re-date every assessed resident below it."""
    require(actor, Action.MANAGE_ASSESSMENT_POLICY)
    if not in_scope(actor, region_code):
        raise Http404("区划不存在")
    problems = []
    if not 1 <= reassessment_months <= 60:
        problems.append(Problem("reassessment_months", "out_of_range", "应为1–60个月"))
    if clause_stacking not in ClauseStacking.__members__.values():
        problems.append(Problem("clause_stacking", "choice_unknown", "设置值无法识别"))
    if event_counting not in EventCounting.__members__.values():
        problems.append(Problem("event_counting", "choice_unknown", "设置值无法识别"))
    if problems:
        raise AssessmentDataError(problems)
    with transaction.atomic():
        policy, created = AssessmentPolicy.objects.select_for_update().get_or_create(
            region_code=region_code,
            defaults={
                "reassessment_months": reassessment_months,
                "clause_stacking": clause_stacking,
                "event_counting": event_counting,
                "updated_by": actor,
            },
        )
        before = {
            "reassessment_months": policy.reassessment_months,
            "clause_stacking": policy.clause_stacking,
            "event_counting": policy.event_counting,
        }
        after = {
            "reassessment_months": reassessment_months,
            "clause_stacking": clause_stacking,
            "event_counting": event_counting,
        }
        for name, value in after.items():
            setattr(policy, name, value)
        policy.updated_by = actor
        policy.save()
        record(
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=policy,
            region_code=region_code,
            changes={k: [None if created else before[k], v] for k, v in after.items()},
        )
        transaction.on_commit(
            lambda: async_task(
                "eldercare.assessment.tasks.refresh_due_dates",
                region_code,
                task_name=f"assessment-due-dates-{region_code}",
            )
        )
    return policy


def refresh_due_dates(region_code: str, *, batch_size: int = 2_000) -> int:
    """Recompute the due dates of every assessed resident in the subtree (after a policy change)."""
    low, high = subtree_range(region_code)
    residents = Resident.objects.filter(
        region_code__gte=low, region_code__lte=high, current_assessment__isnull=False
    )
    count = 0
    last_pk = 0
    while batch := list(residents.filter(pk__gt=last_pk).order_by("pk")[:batch_size]):
        with transaction.atomic():
            refresh_current_many(batch)
        count += len(batch)
        last_pk = batch[-1].pk
    return count


# --- assessments -----------------------------------------------------------------------------


def start_assessment(
    *, actor: Any, resident: Resident, data: Mapping[str, Any], source: str = Source.PAGE
) -> Assessment:
    """A draft assessment of `resident` with the header (standard, date, assessors…) filled in."""
    with transaction.atomic():
        assessment = _new_assessment(actor=actor, resident=resident, data=data, source=source)
        assessment.save()
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=assessment,
            region_code=assessment.region_code,
            detail={"status": "draft", "standard": assessment.standard},
        )
    return assessment


def save_draft(*, actor: Any, assessment: Assessment, data: Mapping[str, Any]) -> Assessment:
    """Merge answers, conditions and header changes into a draft; a finished one is refused."""
    require(actor, Action.PERFORM_ASSESSMENT)
    _check_resident(actor, assessment.resident)
    check_keys(data, DATA_FIELDS)
    with transaction.atomic():
        locked = _locked_draft(assessment)
        apply_data(locked, data, require_header=False)
        locked.save()
    return locked


def finish_assessment(*, actor: Any, assessment: Assessment) -> Assessment:
    """Score the draft with the region's settings and make it final and immutable."""
    require(actor, Action.PERFORM_ASSESSMENT)
    _check_resident(actor, assessment.resident)
    with transaction.atomic():
        locked = _locked_draft(assessment)
        _finish(actor, locked)
    return locked


def record_assessment(
    *,
    actor: Any,
    resident: Resident,
    data: Mapping[str, Any],
    source: str = Source.API,
    supersedes: Assessment | None = None,
    correction_reason: str = "",
    refresh: bool = True,
) -> Assessment:
    """A complete assessment in one step (API, import, corrections): validated, scored, final.

    An import passes refresh=False and calls refresh_current_many once per batch instead.
    """
    with transaction.atomic():
        assessment = _new_assessment(
            actor=actor,
            resident=resident,
            data=data,
            source=source,
            supersedes=supersedes,
            correction_reason=correction_reason,
        )
        _finish(actor, assessment, refresh=refresh)
    return assessment


def correct_assessment(
    *,
    actor: Any,
    original: Assessment,
    data: Mapping[str, Any],
    reason: str,
    source: str = Source.PAGE,
) -> Assessment:
    """A new finished assessment replacing `original`, which stays on record as superseded."""
    require(actor, Action.PERFORM_ASSESSMENT)
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise AssessmentDataError([Problem("correction_reason", "required", "请填写更正原因")])
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=original.pk)
        if locked.status != AssessmentStatus.FINISHED:
            raise AssessmentStateError("只能更正已完成的评估")
        if Assessment.objects.filter(supersedes=locked).exists():
            raise AssessmentStateError("该评估已被更正，请更正最新的一份")
        merged = {**as_data(locked), **data}
        return record_assessment(
            actor=actor,
            resident=locked.resident,
            data=merged,
            source=source,
            supersedes=locked,
            correction_reason=reason[:500],
        )


def discard_draft(*, actor: Any, assessment: Assessment) -> None:
    require(actor, Action.PERFORM_ASSESSMENT)
    _check_resident(actor, assessment.resident)
    with transaction.atomic():
        locked = _locked_draft(assessment)
        record(
            actor=actor,
            action=AuditAction.DELETE,
            obj=locked,
            region_code=locked.region_code,
            detail={"status": "draft"},
        )
        locked.delete()


def request_reassessment(
    *, actor: Any, resident: Resident, reason: str, reported_on: date | None = None
) -> ReassessmentRequest:
    """A reported change of condition: the resident's next assessment is due at once."""
    require(actor, Action.REQUEST_REASSESSMENT)
    _check_resident(actor, resident)
    reason = " ".join(str(reason or "").split())
    reported_on = reported_on or today_local()
    problems = []
    if not reason:
        problems.append(Problem("reason", "required", "请说明状况发生了什么变化"))
    if reported_on > today_local():
        problems.append(Problem("reported_on", "future_date", "报告日期不能晚于今天"))
    if problems:
        raise AssessmentDataError(problems)
    with transaction.atomic():
        request = ReassessmentRequest.objects.create(
            resident=resident, reported_on=reported_on, reason=reason[:500], reported_by=actor
        )
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=request,
            region_code=resident.region_code,
            detail={"reason": request.reason, "reported_on": reported_on.isoformat()},
        )
        refresh_current(resident)
    return request


# --- internals -------------------------------------------------------------------------------


def _new_assessment(
    *, actor: Any, resident: Resident, data: Mapping[str, Any], source: str, **extra: Any
) -> Assessment:
    """An unsaved assessment of `resident` carrying the validated `data`."""
    require(actor, Action.PERFORM_ASSESSMENT)
    _check_resident(actor, resident)
    check_keys(data, DATA_FIELDS)
    assessment = Assessment(
        resident=resident,
        region_code=resident.region_code,
        created_by=actor,
        source=source,
        **extra,
    )
    apply_data(assessment, data, require_header=True)
    return assessment


def _check_resident(actor: Any, resident: Resident) -> None:
    if not in_scope(actor, resident.region_code):
        raise Http404("记录不存在")


def _locked_draft(assessment: Assessment) -> Assessment:
    locked = Assessment.objects.select_for_update().select_related("resident").get(pk=assessment.pk)
    if locked.status != AssessmentStatus.DRAFT:
        raise AssessmentStateError("评估已完成，不能修改；如有错误请更正（将保留原评估）")
    return locked


def _finish(actor: Any, assessment: Assessment, *, refresh: bool = True) -> None:
    problems = [
        Problem(name, "required", "必填")
        for name in ("first_assessor", "second_assessor")
        if not getattr(assessment, f"{name}_name")
    ]
    if problems:
        raise AssessmentDataError(problems)
    result, problems = preview_result(assessment)
    if result is None:
        raise AssessmentDataError(problems)
    assessment.result = result
    assessment.preliminary_level = result["preliminary_level"]
    assessment.level = result["level"]
    assessment.total_score = result["total_score"]
    assessment.status = AssessmentStatus.FINISHED
    assessment.finished_at = timezone.now()
    assessment.save()
    ReassessmentRequest.objects.filter(
        resident=assessment.resident,
        resolved_by__isnull=True,
        reported_on__lte=assessment.assessed_on,
    ).update(resolved_by=assessment)
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=assessment,
        region_code=assessment.region_code,
        detail={
            "status": "finished",
            "standard": assessment.standard,
            "level": assessment.level,
            "supersedes": assessment.supersedes_id,
        },
    )
    if refresh:
        refresh_current(assessment.resident)


def start_correction(*, actor: Any, original: Assessment, reason: str) -> Assessment:
    """A draft copy of a finished assessment to correct on the entry pages; finishing it
    supersedes the original (which is kept)."""
    require(actor, Action.PERFORM_ASSESSMENT)
    _check_resident(actor, original.resident)
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise AssessmentDataError([Problem("correction_reason", "required", "请填写更正原因")])
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=original.pk)
        if locked.status != AssessmentStatus.FINISHED:
            raise AssessmentStateError("只能更正已完成的评估")
        pending = Assessment.objects.filter(supersedes=locked).first()
        if pending is not None and pending.status == AssessmentStatus.FINISHED:
            raise AssessmentStateError("该评估已被更正，请更正最新的一份")
        if pending is not None:
            return pending
        draft = Assessment.objects.create(
            **{
                name: getattr(locked, name)
                for name in (
                    "resident",
                    "region_code",
                    "standard",
                    "assessed_on",
                    "place",
                    "place_detail",
                    "reason",
                    "first_assessor",
                    "first_assessor_name",
                    "second_assessor",
                    "second_assessor_name",
                    "basic_info",
                    "answers",
                    "conditions",
                )
            },
            supersedes=locked,
            correction_reason=reason[:500],
            created_by=actor,
            source=Source.PAGE,
        )
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=draft,
            region_code=draft.region_code,
            detail={"status": "draft", "supersedes": locked.pk, "reason": draft.correction_reason},
        )
    return draft


def preview_result(assessment: Assessment) -> tuple[dict[str, Any] | None, list[Problem]]:
    """What finishing would give now (nothing is saved), or the problems that prevent it."""
    _months, settings = policy_for(assessment.region_code)
    try:
        result = score_file(
            {
                "standard": assessment.standard,
                "answers": assessment.answers,
                "conditions": assessment.conditions,
            },
            settings=settings,
        )
    except AnswerError as error:
        return None, [Problem(error.field, error.code, error.message)]
    return result.as_dict(), []
