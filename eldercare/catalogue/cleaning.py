"""Cleaning the values of an item, a list header or a list entry: the same rules for pages, API
and data files. Input is what a person typed or a file held (codes like `meal` or labels like
助餐, prices in yuan); output is model-ready (prices in fen). Problems name the field."""

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.db import models
from django.utils import translation

from eldercare.catalogue.errors import Problem
from eldercare.catalogue.models import ITEM_CODE_PATTERN, ListKind, ServiceCategory, ServiceUnit
from eldercare.catalogue.yuan import MoneyFormatError, parse_price
from eldercare.core.normalize import ValueFormatError, clean_compact, clean_text, parse_date

_INVISIBLE = dict.fromkeys((0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF))
_TRUE = {"true", "1", "yes", "y", "是", "√"}
_FALSE = {"false", "0", "no", "n", "否", ""}

ITEM_KEYS = (
    "code",
    "name",
    "category",
    "unit",
    "standard_price",
    "is_price_example",
    "service_standard",
    "minimum_minutes",
    "is_basic",
    "is_active",
    "source",
)
ENTRY_KEYS = (
    "local_price",
    "is_price_example",
    "is_basic",
    "eligibility",
    "funding",
    "frequency_limit",
    "lead_agency",
)
LIST_KEYS = ("name", "basis", "effective_from", "effective_to")
_TEXT_LIMITS = {
    "name": 60,
    "source": 200,
    "frequency_limit": 200,
    "lead_agency": 100,
}


def plain_text(value: object) -> str:
    """Text as written (Chinese punctuation kept), whitespace runs collapsed, invisibles removed.

    Unlike core.normalize.clean_text this keeps full-width （），；：, which belong to Chinese prose.
    """
    if value is None:
        return ""
    return " ".join(str(value).translate(_INVISIBLE).split())


def choice(choices: type[models.TextChoices], value: object) -> str | None:
    """A code (`meal`) or its Chinese label (助餐) → the code; None if neither."""
    text = clean_text(value)
    if text in choices.values:
        return text
    with translation.override("zh-hans"):
        labels = {str(label): code for code, label in choices.choices}
    return labels.get(text)


def boolean(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    text = clean_text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def _day(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):  # a bare number would be read as an Excel serial
        raise ValueFormatError("date_format", f"日期应写作 YYYY-MM-DD：{value!r}")
    return parse_date(value)


def clean_item(data: Mapping[str, Any], *, creating: bool) -> tuple[dict[str, Any], list[Problem]]:
    """Item fields present in `data` → model values. Creating requires code, name, category, unit."""
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    required = ("code", "name", "category", "unit") if creating else ()
    for key in required:
        if not clean_text(data.get(key)):
            problems.append(Problem(key, "required", "必填"))
    if creating and clean_text(data.get("code")):
        code = clean_compact(data["code"]).upper()
        if len(code) > 20 or not re.fullmatch(ITEM_CODE_PATTERN, code):
            problems.append(
                Problem(
                    "code",
                    "code_invalid",
                    f"编码应由大写字母、数字和连字符组成（如 ZC-001），最长20位：{data['code']}",
                )
            )
        else:
            values["code"] = code
    if "name" in data and clean_text(data["name"]):
        values["name"] = _text(data, "name", problems)
    elif "name" in data and not creating:
        problems.append(Problem("name", "required", "必填"))
    for key, choices in (("category", ServiceCategory), ("unit", ServiceUnit)):
        if key in data and clean_text(data[key]):
            code_value = choice(choices, data[key])
            if code_value is None:
                problems.append(Problem(key, "choice_unknown", f"无法识别：{data[key]}"))
            else:
                values[key] = code_value
    if "standard_price" in data:
        values["standard_price_fen"] = _price(data["standard_price"], "standard_price", problems)
    if "minimum_minutes" in data:
        values["minimum_minutes"] = _minutes(data["minimum_minutes"], problems)
    for key in ("service_standard", "source"):
        if key in data:
            values[key] = _text(data, key, problems, multiline=key == "service_standard")
    for key in ("is_price_example", "is_basic", "is_active"):
        if key in data:
            flag = boolean(data[key])
            if flag is None:
                problems.append(Problem(key, "boolean_invalid", f"应为是或否：{data[key]}"))
            else:
                values[key] = flag
    return values, problems


def clean_entry(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    if "local_price" in data:
        values["local_price_fen"] = _price(data["local_price"], "local_price", problems)
    for key in ("eligibility", "funding", "frequency_limit", "lead_agency"):
        if key in data:
            values[key] = _text(data, key, problems, multiline=key in ("eligibility", "funding"))
    for key in ("is_price_example", "is_basic"):
        if key in data:
            flag = boolean(data[key])
            if flag is None:
                problems.append(Problem(key, "boolean_invalid", f"应为是或否：{data[key]}"))
            else:
                values[key] = flag
    return values, problems


def clean_list_header(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    if "name" in data:
        name = plain_text(data["name"])
        if not name:
            problems.append(Problem("name", "required", "必填"))
        elif len(name) > 100:
            problems.append(Problem("name", "too_long", "最长100字"))
        else:
            values["name"] = name
    if "basis" in data:
        values["basis"] = _text(data, "basis", problems, multiline=True)
    for key in ("effective_from", "effective_to"):
        if key in data:
            raw = data[key]
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                values[key] = None
                continue
            try:
                values[key] = _day(raw)
            except ValueFormatError as error:
                problems.append(Problem(key, error.code, error.message))
    start, end = values.get("effective_from"), values.get("effective_to")
    if start is not None and end is not None and end < start:
        problems.append(Problem("effective_to", "dates_reversed", "失效日期不能早于生效日期"))
    return values, problems


def clean_kind(value: object) -> str | None:
    return choice(ListKind, value)


def _text(
    data: Mapping[str, Any], key: str, problems: list[Problem], *, multiline: bool = False
) -> str:
    raw = data.get(key)
    if raw is None:
        return ""
    if not isinstance(raw, str | int | float):
        problems.append(Problem(key, "text_invalid", "应为文字"))
        return ""
    if multiline:
        lines = (plain_text(line) for line in str(raw).strip().splitlines())
        text = "\n".join(line for line in lines if line)
    else:
        text = plain_text(raw)
    limit = _TEXT_LIMITS.get(key)
    if limit is not None and len(text) > limit:
        problems.append(Problem(key, "too_long", f"最长{limit}字"))
    return text


def _price(value: object, key: str, problems: list[Problem]) -> int | None:
    try:
        return parse_price(value)
    except MoneyFormatError as error:
        problems.append(Problem(key, f"price_{error.code}", error.message))
        return None


def _minutes(value: object, problems: list[Problem]) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = clean_text(value)
    if isinstance(value, bool) or not text.isdigit() or int(text) > 24 * 60:
        problems.append(Problem("minimum_minutes", "minutes_invalid", f"应为0–1440的整数：{value}"))
        return None
    return int(text)
