"""Validation of an application's fields (page, API and corrections alike): every problem at
once, named by field, in Chinese."""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from eldercare.applications.attachments import MAX_ATTACHMENTS, CheckedUpload, check_upload
from eldercare.applications.errors import ApplicationDataError, Problem
from eldercare.applications.models import ApplicantKind, Application, ApplicationKind, BenefitKind
from eldercare.applications.services.common import single_line
from eldercare.catalogue.models import ServiceItem
from eldercare.catalogue.queries import entry_in_effect, item_by_code
from eldercare.core.normalize import ValueFormatError, clean_name, parse_phones
from eldercare.registry.choices import ContactRelation
from eldercare.registry.models import Resident

APPLICATION_FIELDS = (
    "kind",
    "benefit_kind",
    "amount_fen",
    "service_item",
    "applicant_kind",
    "applicant_name",
    "applicant_relation",
    "applicant_phone",
    "reason",
)
# 10 万元: far above any subsidy an application asks for.
MAX_AMOUNT_FEN = 10_000_000
MAX_REASON = 1000


def clean_application(
    data: Mapping[str, Any], *, actor: Any, resident: Resident, today: date
) -> dict[str, Any]:
    """The model values of an application from raw input, or every problem at once."""
    if not isinstance(data, Mapping):
        raise ApplicationDataError([Problem("", "body_invalid", "请求体应为 JSON 对象")])
    problems: list[Problem] = [
        Problem(name, "field_unknown", f"无法识别的字段：{name}")
        for name in sorted(set(data) - set(APPLICATION_FIELDS))
    ]
    values: dict[str, Any] = {}
    kind = data.get("kind")
    if kind not in ApplicationKind.values:
        problems.append(
            Problem("kind", "choice_unknown", "应为补贴/待遇（benefit）或服务项目（service）")
        )
    elif kind == ApplicationKind.BENEFIT:
        values.update(kind=kind, **_clean_benefit(data, problems))
    else:
        values.update(kind=kind, **_clean_service(data, resident, today, problems))
    values.update(_clean_applicant(data, actor, problems))
    reason = single_line(data.get("reason"), MAX_REASON + 1)
    if not reason:
        problems.append(Problem("reason", "required", "请写明申请理由"))
    elif len(reason) > MAX_REASON:
        problems.append(Problem("reason", "too_long", f"不超过 {MAX_REASON} 字"))
    values["reason"] = reason
    if problems:
        raise ApplicationDataError(problems)
    return values


def _clean_benefit(data: Mapping[str, Any], problems: list[Problem]) -> dict[str, Any]:
    benefit_kind = data.get("benefit_kind")
    if benefit_kind not in BenefitKind.values:
        names = "、".join(f"{label}（{value}）" for value, label in BenefitKind.choices)
        problems.append(Problem("benefit_kind", "choice_unknown", f"可选：{names}"))
    if data.get("service_item") not in (None, ""):
        problems.append(Problem("service_item", "not_allowed", "补贴申请不选服务项目"))
    amount = data.get("amount_fen")
    if amount in (None, ""):
        amount = None
    elif isinstance(amount, bool) or not isinstance(amount, int):
        problems.append(Problem("amount_fen", "wrong_type", "应为整数（分），按政策核定时留空"))
        amount = None
    elif not 1 <= amount <= MAX_AMOUNT_FEN:
        problems.append(Problem("amount_fen", "out_of_range", "应为 0.01–100000 元"))
        amount = None
    return {"benefit_kind": benefit_kind or "", "amount_fen": amount, "service_item": None}


def _clean_service(
    data: Mapping[str, Any], resident: Resident, today: date, problems: list[Problem]
) -> dict[str, Any]:
    raw = data.get("service_item")
    item: ServiceItem | None = None
    if isinstance(raw, ServiceItem):
        item = raw
    elif isinstance(raw, str) and raw.strip():
        item = item_by_code(raw)
        if item is None:
            problems.append(
                Problem("service_item", "unknown", f"没有编码为 {raw.strip()} 的服务项目")
            )
    else:
        problems.append(Problem("service_item", "required", "请选择服务项目（项目编码）"))
    if item is not None and (
        not item.is_active or entry_in_effect(resident.region_code, item.code, today) is None
    ):
        problems.append(
            Problem(
                "service_item", "not_in_effect", f"{item.code} 不在该老人所在地现行的服务清单中"
            )
        )
        item = None
    for name in ("benefit_kind", "amount_fen"):
        if data.get(name) not in (None, ""):
            problems.append(Problem(name, "not_allowed", "服务项目申请不填补贴类型和金额"))
    return {"service_item": item, "benefit_kind": "", "amount_fen": None}


def _clean_applicant(
    data: Mapping[str, Any], actor: Any, problems: list[Problem]
) -> dict[str, Any]:
    applicant_kind = data.get("applicant_kind")
    empty = {"applicant_name": "", "applicant_relation": "", "applicant_phone": ""}
    if applicant_kind not in ApplicantKind.values:
        names = "、".join(f"{label}（{value}）" for value, label in ApplicantKind.choices)
        problems.append(Problem("applicant_kind", "choice_unknown", f"可选：{names}"))
        return {"applicant_kind": "", **empty}
    if applicant_kind == ApplicantKind.RESIDENT:
        return {"applicant_kind": applicant_kind, **empty}
    if applicant_kind == ApplicantKind.WORKER:
        name = str(getattr(actor, "display_name", "") or getattr(actor, "username", ""))[:30]
        phone = str(getattr(actor, "phone", "") or "")[:24]
        return {
            **empty,
            "applicant_kind": applicant_kind,
            "applicant_name": name,
            "applicant_phone": phone,
        }
    name = clean_name(data.get("applicant_name"))
    if not 2 <= len(name) <= 30:
        problems.append(Problem("applicant_name", "required", "请填写家属姓名（2–30 字）"))
    relation = data.get("applicant_relation")
    family = {c for c in ContactRelation.values if c not in ("grid_worker", "village_cadre")}
    if relation not in family:
        names = "、".join(str(label) for value, label in ContactRelation.choices if value in family)
        problems.append(Problem("applicant_relation", "choice_unknown", f"可选：{names}"))
    phone = ""
    try:
        phones = parse_phones(data.get("applicant_phone"))
    except ValueFormatError as error:
        problems.append(Problem("applicant_phone", error.code, str(error)))
    else:
        if len(phones) != 1:
            problems.append(Problem("applicant_phone", "required", "请填写一个联系电话"))
        else:
            phone = phones[0]
    return {
        "applicant_kind": applicant_kind,
        "applicant_name": name[:30],
        "applicant_relation": relation or "",
        "applicant_phone": phone,
    }


def application_values(application: Application) -> dict[str, Any]:
    """The application's fields in the form clean_application accepts (for corrections)."""
    return {
        "kind": application.kind,
        "benefit_kind": application.benefit_kind,
        "amount_fen": application.amount_fen,
        "service_item": application.service_item.code if application.service_item else "",
        "applicant_kind": application.applicant_kind,
        "applicant_name": application.applicant_name,
        "applicant_relation": application.applicant_relation,
        "applicant_phone": application.applicant_phone,
        "reason": application.reason,
    }


def check_uploads(uploads: Iterable[Any], *, already: int) -> list[CheckedUpload]:
    checked = [check_upload(upload) for upload in uploads]
    if already + len(checked) > MAX_ATTACHMENTS:
        raise ApplicationDataError(
            [Problem("attachments", "too_many", f"每份申请最多 {MAX_ATTACHMENTS} 个材料")]
        )
    return checked
