"""The assessment report (老年人能力评估报告) as a PDF, laid out after the standard's appendices.

Appendix A (basic information: the assessment, the person, the informant, the form's facts),
appendix B (every item with its score and the full text of the chosen option) and appendix C
(indicator scores and grades, total, preliminary level with its rule, every adjustment clause,
the final level, the signature lines). Printed text is Chinese (an official form).

Every download is an export of personal data and writes an audit row; the ID number and phone
numbers are masked unless the actor may see them unmasked.
"""

from typing import Any

from django.http import Http404

from eldercare.accounts.access import Action, can, in_scope, require
from eldercare.assessment.basic_info import LABELS, LIST_FIELDS, NUMBER_FIELDS, PHONE_FIELDS
from eldercare.assessment.errors import AssessmentStateError
from eldercare.assessment.models import Assessment, AssessmentStatus, Standard
from eldercare.assessment.scoring import EVENT_KINDS, EVENT_NAMES, LEVEL_NAMES, catalogue
from eldercare.core.audit import record
from eldercare.core.masking import mask_id_number, mask_phone
from eldercare.core.models import AuditAction
from eldercare.core.pdf import render_pdf
from eldercare.regions.codes import RegionCodeError, ancestor_codes
from eldercare.regions.services import region_names

TEMPLATE = "assessment/report_pdf.html"
REPORT_KIND = "assessment_report"

# How each standard names itself and its levels on the printed form.
FORM_TITLES = {
    Standard.MZT039: "MZ/T 039-2013《老年人能力评估》",
    Standard.GBT42195: "GB/T 42195-2022《老年人能力评估规范》",
}
# GB/T 42195 prints the level as 能力…受损 with the 失能 name in brackets (6.2 and appendix C).
GBT42195_LEVEL_WORDING = (
    "能力完好",
    "能力轻度受损（轻度失能）",
    "能力中度受损（中度失能）",
    "能力重度受损（重度失能）",
    "能力完全丧失（完全失能）",
)
# Care-risk events each standard's clause counts (MZ/T 039 has no 自伤).
COUNTED_EVENTS = {
    Standard.MZT039: tuple(kind for kind in EVENT_KINDS if kind != "self_harm"),
    Standard.GBT42195: EVENT_KINDS,
}
# Shown in the informant block, not among the other facts of the form.
INFORMANT_FIELDS = ("informant_name", "informant_relation", "informant_phone")


def assessment_number(assessment: Assessment) -> str:
    """The number printed on the report: "PG-000123"."""
    return f"PG-{assessment.pk:06d}"


def report_filename(assessment: Assessment) -> str:
    return f"能力评估报告-{assessment.resident.name}-{assessment.assessed_on.isoformat()}.pdf"


def assessment_report_pdf(*, actor: Any, assessment: Assessment) -> bytes:
    """The report of a finished assessment, with the export written to the audit trail.

    A draft has no result yet: AssessmentStateError. Masked unless the actor may see the ID
    number and phones unmasked (Action.VIEW_UNMASKED).
    """
    require(actor, Action.VIEW_ASSESSMENTS)
    if not in_scope(actor, assessment.region_code):
        raise Http404("记录不存在")
    if assessment.status != AssessmentStatus.FINISHED:
        raise AssessmentStateError("评估尚未完成，不能生成评估报告；请先完成评估")
    unmasked = can(actor, Action.VIEW_UNMASKED)
    pdf = render_pdf(TEMPLATE, report_context(assessment=assessment, unmasked=unmasked))
    # Written once the document exists: a failed rendering exported nothing.
    record(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=assessment,
        region_code=assessment.region_code,
        detail={"kind": REPORT_KIND, "unmasked": unmasked},
    )
    return pdf


def report_context(*, assessment: Assessment, unmasked: bool) -> dict[str, Any]:
    """Everything the template prints, already formatted (and masked unless `unmasked`)."""
    standard = Standard(assessment.standard)
    result = assessment.result
    resident = assessment.resident
    successor = (
        Assessment.objects.filter(supersedes=assessment, status=AssessmentStatus.FINISHED)
        .only("pk", "assessed_on", "correction_reason")
        .first()
    )
    return {
        "number": assessment_number(assessment),
        "title": "老年人能力评估报告",
        "standard_title": FORM_TITLES[standard],
        "is_gbt42195": standard == Standard.GBT42195,
        "assessment": assessment,
        "reason": assessment.get_reason_display(),
        "place": "，".join(
            part for part in (assessment.get_place_display(), assessment.place_detail) if part
        ),
        "resident": {
            "name": resident.name,
            "sex": resident.get_sex_display(),
            "birth_date": resident.birth_date,
            "id_number": resident.id_number if unmasked else mask_id_number(resident.id_number),
            "ethnicity": resident.ethnicity,
            "village": _region_path(assessment.region_code),
            "household_address": resident.household_address,
            "residence_address": resident.residence_address,
        },
        "informant": _informant(assessment.basic_info, unmasked),
        "facts": _facts(assessment.basic_info, unmasked),
        "conditions": _conditions(standard, assessment.conditions),
        "indicators": _indicators(standard, result),
        "item_groups": _item_groups(standard, result),
        "total_score": result.get("total_score"),
        "preliminary": _level(standard, result.get("preliminary_level")),
        "preliminary_rule": result.get("preliminary_rule"),
        "clauses": result.get("clauses", []),
        "final": _level(standard, result.get("level", assessment.level)),
        "original": _reference(assessment.supersedes),
        "correction_reason": assessment.correction_reason,
        "successor": _reference(successor),
    }


def _region_path(code: str) -> str:
    """The village with the regions above it: 湖南省永州市零陵区朝阳街道多福社区居委会."""
    try:
        codes = ancestor_codes(code)
    except RegionCodeError:
        return code
    names = region_names(codes)
    return "".join(names[c] for c in codes if c in names) or code


def _phones(value: object, unmasked: bool) -> str:
    phones = value if isinstance(value, list) else [value]
    return "、".join(str(p) if unmasked else mask_phone(str(p)) for p in phones if p)


def _informant(info: dict[str, Any], unmasked: bool) -> dict[str, str]:
    return {
        "name": str(info.get("informant_name", "")),
        "relation": str(info.get("informant_relation", "")),
        "phone": _phones(info.get("informant_phone", []), unmasked),
    }


def _facts(info: dict[str, Any], unmasked: bool) -> list[tuple[str, str]]:
    """The form's other fields that were filled in, as (label, text), in the form's order."""
    facts = []
    for key, label in LABELS.items():
        value = info.get(key)
        if key in INFORMANT_FIELDS or value in (None, "", []):
            continue
        if key in LIST_FIELDS:
            text = "、".join(str(v) for v in value) if isinstance(value, list) else str(value)
        elif key in PHONE_FIELDS:
            text = _phones(value, unmasked)
        elif key in NUMBER_FIELDS:
            text = f"{value:g}" if isinstance(value, int | float) else str(value)
        else:
            text = str(value)
        facts.append((label, text))
    return facts


def _yes_no(value: object) -> str:
    return "有" if value else "无"


def _conditions(standard: Standard, conditions: dict[str, Any]) -> list[tuple[str, str]]:
    """The facts the adjustment clauses read, as the form records them."""
    events = conditions.get("events_30d") or {}
    counts = "；".join(
        f"{EVENT_NAMES[kind]}{int(events.get(kind) or 0)}次" for kind in COUNTED_EVENTS[standard]
    )
    return [
        ("昏迷", _yes_no(conditions.get("coma"))),
        ("痴呆（确诊）", _yes_no(conditions.get("dementia"))),
        ("精神疾病（确诊）", _yes_no(conditions.get("psychiatric_disorder"))),
        ("近30天内照护风险事件", counts),
    ]


def _indicators(standard: Standard, result: dict[str, Any]) -> list[dict[str, Any]]:
    stored = result.get("indicators", {})
    rows = []
    for indicator in catalogue(standard):
        entry = stored.get(indicator.key, {})
        rows.append(
            {
                "name": indicator.name,
                "score": entry.get("score"),
                "max_score": indicator.max_score,
                "grade": entry.get("grade"),
                "grade_name": entry.get("grade_name"),
            }
        )
    return rows


def _item_groups(standard: Standard, result: dict[str, Any]) -> list[dict[str, Any]]:
    """Per indicator, every item with its score and the full text of the chosen option."""
    scores = result.get("item_scores", {})
    groups = []
    for indicator in catalogue(standard):
        items = []
        for item in indicator.items:
            score = scores.get(item.key)
            text = "未评（昏迷）"
            if score in item.allowed_scores:
                text = item.option(score).text
            items.append({"name": item.name, "score": score, "text": text})
        groups.append({"name": indicator.name, "items": items})
    return groups


def _level(standard: Standard, level: int | None) -> str | None:
    if level is None:
        return None
    if standard == Standard.GBT42195:
        return f"{level} {GBT42195_LEVEL_WORDING[level]}"
    return f"{level} {LEVEL_NAMES[standard][level]}"


def _reference(other: Assessment | None) -> dict[str, Any] | None:
    if other is None:
        return None
    return {"number": assessment_number(other), "assessed_on": other.assessed_on}
