"""The columns of the screening sheet and how a file's header row maps onto them.

Headers are matched after removing all whitespace and mapping full-width characters to
half-width, so "所属乡镇(街道)" typed with ASCII parentheses, or " 姓 名 ", is still the column.
The column order is free; a real sheet often has a merged title row above the header, so the
header is the first of the first 10 rows that holds both 姓名 and 公民身份号码.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import models
from django.utils import translation

from eldercare.core.normalize import clean_compact
from eldercare.registry.choices import (
    ContactRelation,
    DisabilityGrade,
    DisabilityType,
    EconomicStatus,
    FamilyPlanningStatus,
    LivingArrangement,
    MedicalInsurance,
    ServiceNeed,
    Sex,
)
from eldercare.registry.importing.errors import FileImportError

HEADER_SEARCH_ROWS = 10
DATE_FORMS = "1950-03-05、1950/3/5、1950.3.5、1950年3月5日、19500305，或 Excel 日期"
LIST_SEPARATORS = "顿号、逗号、分号或斜杠"


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    required: str  # "是", "否", or a sentence for the conditional ones
    help: str
    choices: type[models.Choices] | None = None
    is_text: bool = False  # typed values must stay text in Excel (long digit strings)


COLUMNS: tuple[Column, ...] = (
    Column("姓名", "name", "是", "2–30 个字符，少数民族姓名可含“·”"),
    Column(
        "公民身份号码",
        "id_number",
        "是",
        "18 位（15 位旧号码自动转换），须通过校验；请把该列设为“文本”格式，"
        "存成数字的号码已丢失末几位，会被拒绝",
        is_text=True,
    ),
    Column("性别", "sex", "否", "填写时须与身份证号一致", Sex),
    Column("出生日期", "birth_date", "否", f"填写时须与身份证号一致；可用格式：{DATE_FORMS}"),
    Column("民族", "ethnicity", "否", "56 个民族之一，“汉族”或“汉”均可"),
    Column(
        "联系电话",
        "phones",
        "否",
        f"手机 11 位或带区号的固定电话；多个号码用{LIST_SEPARATORS}分隔",
        is_text=True,
    ),
    Column(
        "所属区划代码",
        "region_code",
        "二选一",
        "12 位村（社区）统计用区划代码；不填时须填写所属乡镇（街道）和所属村（社区）",
        is_text=True,
    ),
    Column(
        "所属乡镇（街道）",
        "township_name",
        "二选一",
        "与“所属村（社区）”一起，在您的管辖范围内按名称查找区划；重名时请改填区划代码",
    ),
    Column("所属村（社区）", "village_name", "二选一", "如“何仙观村”或“多福社区”"),
    Column("户籍地址", "household_address", "否", "不超过 200 个字符"),
    Column("现居住地址", "residence_address", "否", "不超过 200 个字符"),
    Column("居住状况", "living_arrangement", "否", "", LivingArrangement),
    Column("经济状况", "economic_status", "否", "", EconomicStatus),
    Column("计生特殊家庭", "family_planning_status", "否", "", FamilyPlanningStatus),
    Column("残疾类别", "disability_type", "否", "", DisabilityType),
    Column("残疾等级", "disability_grade", "否", "填写残疾等级时须填写残疾类别", DisabilityGrade),
    Column("医保类型", "medical_insurance", "否", "", MedicalInsurance),
    Column(
        "紧急联系人",
        "contact_name",
        "否",
        "紧急联系人、紧急联系人电话、与老人关系须同时填写或同时不填；更多联系人请在页面上添加",
    ),
    Column("紧急联系人电话", "contact_phone", "否", "一个手机或固定电话号码", is_text=True),
    Column("与老人关系", "contact_relation", "否", "", ContactRelation),
    Column("服务需求", "needs", "否", f"可填多项，用{LIST_SEPARATORS}或空格分隔", ServiceNeed),
    Column(
        "筛查日期",
        "screened_on",
        "否",
        f"填写服务需求或筛查人时必填，不能晚于导入当天；可用格式：{DATE_FORMS}",
    ),
    Column("筛查人", "surveyor_name", "否", "筛查人员姓名"),
)
BY_KEY = {column.key: column for column in COLUMNS}
HEADERS = {column.key: column.header for column in COLUMNS}
# The fields registry.validation.clean_resident knows; the others are handled by the pipeline.
RESIDENT_KEYS = (
    "name",
    "id_number",
    "sex",
    "birth_date",
    "ethnicity",
    "phones",
    "region_code",
    "household_address",
    "residence_address",
    "living_arrangement",
    "economic_status",
    "family_planning_status",
    "disability_type",
    "disability_grade",
    "medical_insurance",
)
CONTACT_KEYS = ("contact_name", "contact_phone", "contact_relation")
SCREENING_KEYS = ("screened_on", "needs", "surveyor_name")


def normalize_header(value: object) -> str:
    return clean_compact(value)


_BY_NORMALIZED = {normalize_header(column.header): column for column in COLUMNS}


def allowed_values(column: Column) -> list[str]:
    if column.choices is None:
        return []
    with translation.override("zh-hans"):
        return [str(label) for label in column.choices.labels]


@dataclass(frozen=True)
class Layout:
    """Where the header is (the row number Excel shows) and which column holds which field."""

    header_row: int
    index: dict[str, int]
    warnings: list[str] = field(default_factory=list)

    def has(self, key: str) -> bool:
        return key in self.index


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def find_layout(rows: Iterable[tuple[int, Sequence[object]]]) -> Layout:
    """Locate the header among the first rows and check the required columns are there."""
    # A header lacking 姓名 or 公民身份号码 is still recognisable by its other column names,
    # and the user needs to hear which required column it lacks, not that there is no header.
    best: tuple[int, int, list[str]] | None = None
    for number, cells in rows:
        if number > HEADER_SEARCH_ROWS:
            break
        headers = [normalize_header(cell) for cell in cells]
        if "姓名" in headers and "公民身份号码" in headers:
            return _layout(number, headers)
        known = sum(header in _BY_NORMALIZED for header in headers)
        if known >= 2 and (best is None or known > best[0]):
            best = (known, number, headers)
    if best is not None:
        return _layout(best[1], best[2])
    raise FileImportError(
        f"前{HEADER_SEARCH_ROWS}行中没有找到表头行：表头须同时含有“姓名”和“公民身份号码”两列"
    )


def _layout(number: int, headers: list[str]) -> Layout:
    index: dict[str, int] = {}
    unknown: list[str] = []
    for position, header in enumerate(headers):
        if not header:
            continue
        column = _BY_NORMALIZED.get(header)
        if column is None:
            unknown.append(header)
        elif column.key in index:
            raise FileImportError(
                f"第{number}行表头中“{column.header}”出现了两次（第 "
                f"{column_letter(index[column.key])} 列和第 {column_letter(position)} 列），"
                "无法确定以哪一列为准"
            )
        else:
            index[column.key] = position
    missing = [HEADERS[key] for key in ("name", "id_number") if key not in index]
    if "region_code" not in index and not ("township_name" in index and "village_name" in index):
        missing.append(
            f"{HEADERS['region_code']}（或同时提供{HEADERS['township_name']}和"
            f"{HEADERS['village_name']}）"
        )
    if missing:
        raise FileImportError(f"缺少必需的列：{'、'.join(missing)}")
    warnings = [f"以下列无法识别，已忽略：{'、'.join(unknown)}"] if unknown else []
    return Layout(header_row=number, index=index, warnings=warnings)
