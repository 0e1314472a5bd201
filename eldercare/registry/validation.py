"""Cleaning and checking one resident's fields: the same rules for pages, API and import.

Input values are what a person typed or a spreadsheet held (labels like 独居 or codes like
`alone`); output values are model-ready. Problems name the field with its Chinese label.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import models
from django.utils import translation

from eldercare.core.idcard import IdNumber, IdNumberError, parse_id_number
from eldercare.core.normalize import (
    ValueFormatError,
    clean_compact,
    clean_name,
    clean_text,
    parse_date,
    parse_ethnicity,
    parse_phones,
)
from eldercare.core.problems import DataError, Problem
from eldercare.regions.codes import RegionCodeError, normalize_code
from eldercare.registry.choices import (
    DisabilityGrade,
    DisabilityType,
    EconomicStatus,
    FamilyPlanningStatus,
    LivingArrangement,
    MedicalInsurance,
    ResidenceType,
    Sex,
)
from eldercare.registry.rules import age_on

FIELD_LABELS = {
    "name": "姓名",
    "id_number": "公民身份号码",
    "sex": "性别",
    "birth_date": "出生日期",
    "ethnicity": "民族",
    "phones": "联系电话",
    "region_code": "所属区划代码",
    "household_address": "户籍地址",
    "residence_address": "现居住地址",
    "residence_type": "户籍与居住",
    "living_arrangement": "居住状况",
    "economic_status": "经济状况",
    "family_planning_status": "计生特殊家庭",
    "disability_type": "残疾类别",
    "disability_grade": "残疾等级",
    "medical_insurance": "医保类型",
}
# Extra spellings seen in real sheets, beyond the labels and codes of the choices.
_ALIASES: dict[str, dict[str, str]] = {
    "economic_status": {
        "特困": "destitute",
        "五保": "destitute",
        "三无": "destitute",
        "脱贫": "poverty_alleviated",
        "建档立卡": "poverty_alleviated",
        "脱贫户": "poverty_alleviated",
        "城乡低保": "dibao",
        "低保户": "dibao",
    },
    "family_planning_status": {
        "": "none",
        "否": "none",
        "失独家庭": "bereaved",
        "伤残家庭": "disabled_child",
    },
    "living_arrangement": {"与子女居住": "with_children", "敬老院": "institutional"},
    "medical_insurance": {"职工医保": "employee", "居民医保": "resident", "新农合": "resident"},
}
_CHOICE_FIELDS: dict[str, type[models.Choices]] = {
    "residence_type": ResidenceType,
    "living_arrangement": LivingArrangement,
    "economic_status": EconomicStatus,
    "family_planning_status": FamilyPlanningStatus,
    "disability_type": DisabilityType,
    "medical_insurance": MedicalInsurance,
}
_NAME_CHARACTERS = frozenset("·")


class FieldProblem(Problem):
    labels = FIELD_LABELS


class ResidentDataError(DataError[FieldProblem]):
    """One or more fields are wrong; `problems` names each of them."""


def _choice_lookup(choices: type[models.Choices], field: str) -> dict[str, Any]:
    with translation.override("zh-hans"):
        lookup: dict[str, Any] = {str(label): value for value, label in choices.choices}
    lookup.update({str(value): value for value in choices.values})
    lookup.update(_ALIASES.get(field, {}))
    return lookup


_LOOKUPS = {field: _choice_lookup(choices, field) for field, choices in _CHOICE_FIELDS.items()}
_SEX = {"男": Sex.MALE, "女": Sex.FEMALE, "M": Sex.MALE, "F": Sex.FEMALE}
_GRADES = {
    **{str(label): int(value) for value, label in DisabilityGrade.choices},
    **{str(value): int(value) for value in DisabilityGrade.values},
    "1级": 1,
    "2级": 2,
    "3级": 3,
    "4级": 4,
}


def clean_resident(
    raw: Mapping[str, object],
    *,
    today: date,
    minimum_age: int | None = None,
    identity: IdNumber | None = None,
) -> tuple[dict[str, Any], list[FieldProblem]]:
    """Clean the fields present in `raw`; a missing key is left out, a blank value clears it.

    For a new resident pass every required field (name, id_number, region_code); for an
    update pass only what changes. `minimum_age` checks the registry's age floor.
    `identity` is raw["id_number"] already parsed by the caller (imports parse it once per row).
    """
    values: dict[str, Any] = {}
    problems: list[FieldProblem] = []

    def problem(field: str, code: str, message: str) -> None:
        problems.append(FieldProblem(field, code, message))

    if "name" in raw:
        name = clean_name(raw["name"])
        if not 2 <= len(name) <= 30:
            problem("name", "name_length", f"应为2–30个字符，实为{len(name)}个")
        elif not all(ch.isalpha() or ch in _NAME_CHARACTERS for ch in name):
            problem("name", "name_chars", f"含有不允许的字符：{name}")
        else:
            values["name"] = name

    if "id_number" in raw:
        try:
            identity = identity or parse_id_number(raw["id_number"], today=today)
        except IdNumberError as error:
            problem("id_number", error.code, str(error))
        else:
            values["id_number"] = identity.number
            values["sex"] = identity.sex
            values["birth_date"] = identity.birth_date
            _check_agreement(raw, identity.sex, identity.birth_date, problem)
            if minimum_age is not None and age_on(identity.birth_date, today) < minimum_age:
                age = age_on(identity.birth_date, today)
                problem("id_number", "too_young", f"年龄{age}岁，未满{minimum_age}岁，不予登记")

    if "ethnicity" in raw:
        try:
            values["ethnicity"] = parse_ethnicity(raw["ethnicity"])
        except ValueFormatError as error:
            problem("ethnicity", error.code, str(error))

    if "phones" in raw:
        try:
            phones = raw["phones"]
            values["phones"] = (
                [p for item in phones for p in parse_phones(item)]
                if isinstance(phones, list | tuple)
                else parse_phones(phones)
            )
        except ValueFormatError as error:
            problem("phones", error.code, str(error))

    if "region_code" in raw:
        try:
            values["region_code"] = normalize_code(clean_compact(raw["region_code"]))
        except RegionCodeError as error:
            problem("region_code", "region_format", str(error))

    for field in ("household_address", "residence_address"):
        if field in raw:
            text = clean_text(raw[field])
            if len(text) > 200:
                problem(field, "too_long", "不能超过200个字符")
            values[field] = text[:200]

    for field, lookup in _LOOKUPS.items():
        if field in raw:
            text = clean_compact(raw[field])
            if text in lookup:
                values[field] = lookup[text]
            elif text == "" and field not in ("residence_type",):
                values[field] = ""
            else:
                allowed = "、".join(label for label in lookup if not label.isascii())
                problem(field, "choice_unknown", f"无法识别“{text}”，可选：{allowed}")

    if "disability_grade" in raw:
        text = clean_compact(raw["disability_grade"])
        if text == "":
            values["disability_grade"] = None
        elif text in _GRADES:
            values["disability_grade"] = _GRADES[text]
        else:
            problem(
                "disability_grade",
                "choice_unknown",
                f"无法识别“{text}”，可选：一级、二级、三级、四级",
            )
    if values.get("disability_grade") and not values.get(
        "disability_type", raw.get("disability_type")
    ):
        problem("disability_type", "grade_without_type", "填写了残疾等级，但未填写残疾类别")
    return values, problems


def _check_agreement(raw: Mapping[str, object], sex: str, birth: date, problem: Any) -> None:
    """Sex and birth date come from the ID number; a typed value must agree with it."""
    typed_sex = clean_compact(raw.get("sex"))
    if typed_sex:
        if typed_sex not in _SEX:
            problem("sex", "choice_unknown", f"无法识别“{typed_sex}”，应为男或女")
        elif _SEX[typed_sex] != sex:
            expected = "男" if sex == Sex.MALE else "女"
            problem("sex", "sex_mismatch", f"与公民身份号码不符：号码显示为{expected}")
    typed_birth = raw.get("birth_date")
    if typed_birth is None or (isinstance(typed_birth, str) and not typed_birth.strip()):
        return
    try:
        parsed = parse_date(typed_birth)
    except ValueFormatError as error:
        problem("birth_date", error.code, str(error))
        return
    if parsed != birth:
        problem(
            "birth_date", "birth_mismatch", f"与公民身份号码不符：号码显示为{birth.isoformat()}"
        )
