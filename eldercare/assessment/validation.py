"""Validation of assessment input (page, API, import): header fields, assessors, answers.

The services copy valid input onto a draft or new assessment through `apply_data`; the import's
dry run checks a row with the same public rules (`assessed_on_problem`, `is_assessor_for`).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone

from eldercare.accounts.access import in_scope
from eldercare.accounts.models import Role, User
from eldercare.assessment.basic_info import clean_basic_info
from eldercare.assessment.errors import AssessmentDataError, Problem
from eldercare.assessment.models import Assessment, Place, Reason, Source, Standard
from eldercare.assessment.scoring import catalogue
from eldercare.core.normalize import ValueFormatError, clean_name, parse_date
from eldercare.registry.models import Resident

# Neither standard can have been applied before it was published.
PUBLISHED = {Standard.MZT039: date(2013, 10, 24), Standard.GBT42195: date(2022, 12, 30)}
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


def check_keys(data: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    if not isinstance(data, Mapping):
        raise AssessmentDataError([Problem("", "body_invalid", "请求体应为 JSON 对象")])
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise AssessmentDataError(
            [Problem(name, "field_unknown", f"无法识别的字段：{name}") for name in unknown]
        )


def as_data(assessment: Assessment) -> dict[str, Any]:
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


def apply_data(assessment: Assessment, data: Mapping[str, Any], *, require_header: bool) -> None:
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
        today=timezone.localdate(),
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
