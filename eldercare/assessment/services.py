"""Use cases of capability assessment. Pages, API, import and commands all call these; each checks
the actor's permission and scope, runs in one transaction and writes its audit record.

Life of an assessment: `start_assessment` (a draft, filled step by step on a tablet) →
`save_draft` … → `finish_assessment` (scored by the pure engine with the region's settings, then
immutable). `record_assessment` does all three at once (API, import). `correct_assessment` makes
a new finished assessment that supersedes a finished one; both are kept.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django_q.tasks import async_task

from eldercare.accounts.access import Action, in_scope, require
from eldercare.accounts.models import Role, User
from eldercare.assessment.basic_info import clean_basic_info
from eldercare.assessment.errors import AssessmentDataError, AssessmentStateError, Problem
from eldercare.assessment.models import (
    Assessment,
    AssessmentPolicy,
    AssessmentStatus,
    CurrentAssessment,
    Place,
    Reason,
    ReassessmentRequest,
    Source,
    Standard,
)
from eldercare.assessment.rules import due_date
from eldercare.assessment.scoring import (
    AnswerError,
    ClauseStacking,
    EventCounting,
    Settings,
    catalogue,
    score_file,
)
from eldercare.core.audit import record
from eldercare.core.models import AuditAction
from eldercare.core.normalize import ValueFormatError, clean_name, parse_date
from eldercare.regions.codes import ancestor_codes, subtree_range
from eldercare.registry.models import Resident

# Neither standard can have been applied before it was published.
PUBLISHED = {Standard.MZT039: date(2013, 10, 24), Standard.GBT42195: date(2022, 12, 30)}
DEFAULT_REASSESSMENT_MONTHS = 12
HEADER_FIELDS = ("standard", "assessed_on", "place", "place_detail", "reason")
ASSESSOR_FIELDS = ("first_assessor", "second_assessor")
DATA_FIELDS = (*HEADER_FIELDS, *ASSESSOR_FIELDS, "basic_info", "answers", "conditions")
_ALLOWED_SCORES = {
    standard: {item.key: item.allowed_scores for ind in catalogue(standard) for item in ind.items}
    for standard in Standard.values
}


@dataclass(frozen=True)
class PaperAssessor:
    """An assessor named on a paper form who has no platform account (imports only)."""

    name: str


def today_local() -> date:
    return timezone.localdate()


# --- region settings -------------------------------------------------------------------------


def policy_for(region_code: str) -> tuple[int, Settings]:
    """(re-assessment months, scoring settings) of the nearest region up the tree with a policy."""
    policies = {
        p.region_code: p
        for p in AssessmentPolicy.objects.filter(region_code__in=ancestor_codes(region_code))
    }
    for code in reversed(ancestor_codes(region_code)):
        if code in policies:
            found = policies[code]
            return found.reassessment_months, Settings(
                ClauseStacking(found.clause_stacking), EventCounting(found.event_counting)
            )
    return DEFAULT_REASSESSMENT_MONTHS, Settings()


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
    require(actor, Action.PERFORM_ASSESSMENT)
    _check_resident(actor, resident)
    _check_keys(data, DATA_FIELDS)
    with transaction.atomic():
        assessment = Assessment(
            resident=resident,
            region_code=resident.region_code,
            created_by=actor,
            source=source,
        )
        _apply(assessment, data, require_header=True)
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
    _check_keys(data, DATA_FIELDS)
    with transaction.atomic():
        locked = _locked_draft(assessment)
        _apply(locked, data, require_header=False)
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
    require(actor, Action.PERFORM_ASSESSMENT)
    _check_resident(actor, resident)
    _check_keys(data, DATA_FIELDS)
    with transaction.atomic():
        assessment = Assessment(
            resident=resident,
            region_code=resident.region_code,
            created_by=actor,
            source=source,
            supersedes=supersedes,
            correction_reason=correction_reason,
        )
        _apply(assessment, data, require_header=True)
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
        merged = {**_as_data(locked), **data}
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


def refresh_current(resident: Resident) -> CurrentAssessment | None:
    """Recompute the resident's current assessment and due date from the stored assessments."""
    refresh_current_many([resident])
    return CurrentAssessment.objects.filter(resident=resident).first()


def refresh_current_many(residents: Iterable[Resident]) -> None:
    """refresh_current for many residents with a handful of queries (imports, policy changes)."""
    by_id = {resident.pk: resident for resident in residents}
    if not by_id:
        return
    valid: dict[int, list[Assessment]] = {}
    for assessment in (
        Assessment.objects.filter(resident_id__in=by_id, status=AssessmentStatus.FINISHED)
        .exclude(superseded_by__status=AssessmentStatus.FINISHED)
        .order_by("-assessed_on", "-finished_at", "-id")
    ):
        valid.setdefault(assessment.resident_id, []).append(assessment)
    requests: dict[int, list[date]] = {}
    for resident_id, reported_on in ReassessmentRequest.objects.filter(
        resident_id__in=by_id, resolved_by__isnull=True
    ).values_list("resident_id", "reported_on"):
        requests.setdefault(resident_id, []).append(reported_on)
    months_of: dict[str, int] = {}
    rows = []
    for resident_id, assessments in valid.items():
        latest = assessments[0]
        region = by_id[resident_id].region_code
        if region not in months_of:
            months_of[region] = policy_for(region)[0]
        rows.append(
            CurrentAssessment(
                resident_id=resident_id,
                assessment=latest,
                standard=latest.standard,
                level=latest.level or 0,
                assessed_on=latest.assessed_on,
                due_on=due_date(
                    latest.assessed_on, months_of[region], requests.get(resident_id, [])
                ),
                assessor_id=latest.first_assessor_id,
                latest_mzt039=next((a for a in assessments if a.standard == Standard.MZT039), None),
                latest_gbt42195=next(
                    (a for a in assessments if a.standard == Standard.GBT42195), None
                ),
            )
        )
    # Replacing the rows is simpler than an upsert that works alike on SQLite and PostgreSQL.
    CurrentAssessment.objects.filter(resident_id__in=by_id).delete()
    CurrentAssessment.objects.bulk_create(rows)


# --- internals -------------------------------------------------------------------------------


def _check_resident(actor: Any, resident: Resident) -> None:
    if not in_scope(actor, resident.region_code):
        raise Http404("记录不存在")


def _check_keys(data: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    if not isinstance(data, Mapping):
        raise AssessmentDataError([Problem("", "body_invalid", "请求体应为 JSON 对象")])
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise AssessmentDataError(
            [Problem(name, "field_unknown", f"无法识别的字段：{name}") for name in unknown]
        )


def _locked_draft(assessment: Assessment) -> Assessment:
    locked = Assessment.objects.select_for_update().select_related("resident").get(pk=assessment.pk)
    if locked.status != AssessmentStatus.DRAFT:
        raise AssessmentStateError("评估已完成，不能修改；如有错误请更正（将保留原评估）")
    return locked


def _as_data(assessment: Assessment) -> dict[str, Any]:
    return {
        "standard": assessment.standard,
        "assessed_on": assessment.assessed_on,
        "place": assessment.place,
        "place_detail": assessment.place_detail,
        "reason": assessment.reason,
        "first_assessor": assessment.first_assessor or assessment.first_assessor_name,
        "second_assessor": assessment.second_assessor or assessment.second_assessor_name,
        "basic_info": assessment.basic_info,
        "answers": assessment.answers,
        "conditions": assessment.conditions,
    }


def _apply(assessment: Assessment, data: Mapping[str, Any], *, require_header: bool) -> None:
    """Validate `data` and copy it onto the (unsaved or draft) assessment; all problems at once."""
    problems: list[Problem] = []
    if require_header:
        for name in ("standard", "assessed_on", "place", "reason", *ASSESSOR_FIELDS):
            if data.get(name) in (None, ""):
                problems.append(Problem(name, "required", "必填"))
    if data.get("standard") not in (None, ""):
        if data["standard"] in Standard.values:
            if assessment.pk and assessment.answers and data["standard"] != assessment.standard:
                problems.append(
                    Problem("standard", "standard_locked", "已录入评估项目，不能更换评估标准")
                )
            else:
                assessment.standard = data["standard"]
        else:
            problems.append(
                Problem("standard", "choice_unknown", f"可选：{'、'.join(Standard.values)}")
            )
    for name, choices in (("place", Place), ("reason", Reason)):
        if data.get(name) not in (None, ""):
            if data[name] in choices.values:
                setattr(assessment, name, data[name])
            else:
                problems.append(
                    Problem(name, "choice_unknown", f"可选：{'、'.join(choices.values)}")
                )
    if "place_detail" in data:
        assessment.place_detail = " ".join(str(data["place_detail"] or "").split())[:200]
    if data.get("assessed_on") not in (None, ""):
        _apply_date(assessment, data["assessed_on"], problems)
    _apply_assessors(assessment, data, problems)
    if "basic_info" in data:
        info, info_problems = clean_basic_info(data["basic_info"])
        problems.extend(info_problems)
        assessment.basic_info = info
    if "answers" in data:
        _apply_answers(assessment, data["answers"], problems)
    if "conditions" in data:
        if isinstance(data["conditions"], Mapping):
            assessment.conditions = dict(data["conditions"])
        else:
            problems.append(Problem("conditions", "wrong_type", "应为对象"))
    if problems:
        raise AssessmentDataError(problems)


def _apply_date(assessment: Assessment, value: object, problems: list[Problem]) -> None:
    try:
        day = parse_date(value)
    except ValueFormatError as error:
        problems.append(Problem("assessed_on", error.code, str(error)))
        return
    problem = assessed_on_problem(
        day,
        standard=assessment.standard,
        birth_date=assessment.resident.birth_date,
        today=today_local(),
    )
    if problem is None:
        assessment.assessed_on = day
    else:
        problems.append(problem)


def assessed_on_problem(
    day: date, *, standard: str | None, birth_date: date | None, today: date
) -> Problem | None:
    """What is wrong with `day` as the date of an assessment, else None.

    Not after `today`, not before the standard was published (when the standard is known), not
    before the resident's birth (when the resident is known). The import checks rows with it
    too, so that a dry run knows what recording them would say.
    """
    if day > today:
        return Problem("assessed_on", "future_date", "评估日期不能晚于今天")
    if standard and day < PUBLISHED[Standard(standard)]:
        published = PUBLISHED[Standard(standard)].isoformat()
        return Problem("assessed_on", "before_standard", f"早于该标准发布日期（{published}）")
    if birth_date is not None and day < birth_date:
        return Problem("assessed_on", "before_birth", "早于老年人出生日期")
    return None


def _apply_assessors(
    assessment: Assessment, data: Mapping[str, Any], problems: list[Problem]
) -> None:
    """Both standards require two assessors: platform users (page, API) or names (paper import)."""
    for name in ASSESSOR_FIELDS:
        if data.get(name) in (None, ""):
            continue
        value = data[name]
        if isinstance(value, str) and assessment.source == Source.IMPORT:
            # A name on a paper form links to the platform user of that username, if any.
            value = _assessor_user(value, assessment) or PaperAssessor(value)
        if isinstance(value, PaperAssessor) and assessment.source == Source.IMPORT:
            person = clean_name(value.name)
            if 2 <= len(person) <= 30:
                setattr(assessment, name, None)
                setattr(assessment, f"{name}_name", person)
                continue
        user = value if isinstance(value, User) else _assessor_user(value, assessment)
        if user is None:
            problems.append(Problem(name, "assessor_unknown", f"找不到评估员：{value}"))
        elif not is_assessor_for(user, assessment.resident):
            problems.append(
                Problem(name, "not_an_assessor", f"{user.display_name} 不是负责该区域的评估员")
            )
        else:
            setattr(assessment, name, user)
            setattr(assessment, f"{name}_name", user.display_name[:30])
    first, second = assessment.first_assessor_name, assessment.second_assessor_name
    if first and second and first == second:
        problems.append(Problem("second_assessor", "same_assessor", "两名评估员不能是同一人"))


def _assessor_user(value: object, assessment: Assessment) -> User | None:
    lookup = Q(username=str(value))
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        lookup |= Q(pk=int(value))
    return User.objects.filter(lookup).first()


def is_assessor_for(user: User, resident: Resident) -> bool:
    """Whether `user` may assess `resident`: an active assessor whose scope covers the resident.

    The import checks rows with it too, so that a dry run knows what recording them would say.
    """
    return user.is_active and user.role == Role.ASSESSOR and in_scope(user, resident.region_code)


def _apply_answers(assessment: Assessment, answers: object, problems: list[Problem]) -> None:
    if not isinstance(answers, Mapping):
        problems.append(Problem("answers", "wrong_type", "应为“项目 → 得分”的对象"))
        return
    allowed = _ALLOWED_SCORES.get(assessment.standard, {})
    merged = dict(assessment.answers)
    for key, value in answers.items():
        if key not in allowed:
            problems.append(Problem(key, "unknown_item", "该评估标准没有这个项目"))
        elif value is None:
            merged.pop(key, None)
        elif isinstance(value, bool) or not isinstance(value, int) or value not in allowed[key]:
            scores = "、".join(str(s) for s in sorted(allowed[key]))
            problems.append(
                Problem(key, "score_not_allowed", f"得分{value!r}不在可选分值（{scores}）中")
            )
        else:
            merged[key] = value
    assessment.answers = merged


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
