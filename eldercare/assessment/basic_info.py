"""The basic-information form (基本信息表) stored with an assessment.

Both standards print a form of facts about the person (informant, diseases, medication,
care-risk events…). The facts that change the level (coma, dementia, psychiatric disorder,
events in the last 30 days) are the assessment's `conditions`; the rest is kept here as given,
checked for shape only, so a report can print it.
"""

from collections.abc import Mapping
from typing import Any

from eldercare.assessment.errors import Problem
from eldercare.core.normalize import ValueFormatError, clean_text, parse_phones

TEXT_FIELDS = {
    "informant_name": "信息提供者姓名",
    "informant_relation": "信息提供者与老人关系",
    "marital_status": "婚姻状况",
    "education": "文化程度",
    "religion": "宗教信仰",
    "living_situation": "居住情况",
    "income_source": "经济来源",
    "medical_payment": "医疗费用支付方式",
    "dementia_diagnosis": "痴呆诊断（F00–F03）",
    "psychiatric_diagnosis": "精神疾病诊断（F04–F99）",
    "notes": "备注",
}
LIST_FIELDS = {"diseases": "疾病诊断", "medications": "用药情况"}
NUMBER_FIELDS = {"height_cm": ("身高（厘米）", 50, 250), "weight_kg": ("体重（千克）", 20, 250)}
PHONE_FIELDS = {"informant_phone": "信息提供者电话"}
LABELS = {
    **TEXT_FIELDS,
    **LIST_FIELDS,
    **{key: label for key, (label, _low, _high) in NUMBER_FIELDS.items()},
    **PHONE_FIELDS,
}
_TEXT_MAX = 200
_LIST_MAX = 30


def clean_basic_info(value: object) -> tuple[dict[str, Any], list[Problem]]:
    """The form as stored: known keys only, texts trimmed, numbers in range, phones checked."""
    if not isinstance(value, Mapping):
        return {}, [Problem("basic_info", "wrong_type", "应为对象")]
    cleaned: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, raw in value.items():
        field = f"basic_info.{key}"
        if key not in LABELS:
            problems.append(Problem(field, "field_unknown", f"无法识别的字段：{key}"))
        elif raw is None or raw == "":
            continue
        elif key in TEXT_FIELDS:
            text = clean_text(raw)
            if len(text) > _TEXT_MAX:
                problems.append(Problem(field, "too_long", f"不能超过{_TEXT_MAX}个字符"))
            cleaned[key] = text[:_TEXT_MAX]
        elif key in LIST_FIELDS:
            items = raw if isinstance(raw, list) else [raw]
            texts = [clean_text(item) for item in items if clean_text(item)]
            if len(texts) > _LIST_MAX or any(len(t) > _TEXT_MAX for t in texts):
                problems.append(
                    Problem(field, "too_long", f"最多{_LIST_MAX}项，每项不超过{_TEXT_MAX}个字符")
                )
            cleaned[key] = texts
        elif key in NUMBER_FIELDS:
            label, low, high = NUMBER_FIELDS[key]
            number = _number(raw)
            if number is None or not low <= number <= high:
                problems.append(Problem(field, "out_of_range", f"{label}应为{low}–{high}的数"))
            else:
                cleaned[key] = number
        else:
            try:
                # A stored form (a correction resends it) already holds the phones as a list.
                values = raw if isinstance(raw, list) else [raw]
                cleaned[key] = [phone for value in values for phone in parse_phones(value)]
            except ValueFormatError as error:
                problems.append(Problem(field, error.code, str(error)))
    return cleaned, problems


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return int(number) if number.is_integer() else round(number, 1)
