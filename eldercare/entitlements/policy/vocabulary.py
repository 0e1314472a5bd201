"""The value codes a rule file may use, with their Chinese labels. No Django.

The attribute codes are those of the registry (`eldercare.registry.choices`, which imports Django and
so cannot be imported here); a test keeps the two equal. Categories come from the registry's pure
rules, capability standards and level names from the pure assessment engine.
"""

from collections.abc import Mapping
from types import MappingProxyType

from eldercare.assessment.scoring.common import GBT42195, LEVEL_NAMES, MZT039, STANDARD_NAMES
from eldercare.registry.rules import Category


def _frozen(pairs: dict[str, str]) -> Mapping[str, str]:
    return MappingProxyType(pairs)


ECONOMIC_STATUSES = _frozen(
    {
        "destitute": "特困供养",
        "dibao": "低保",
        "marginal": "低保边缘",
        "poverty_alleviated": "脱贫/建档立卡",
        "general": "一般",
    }
)
LIVING_ARRANGEMENTS = _frozen(
    {
        "alone": "独居",
        "empty_nest": "空巢",
        "with_children": "与子女同住",
        "with_relatives": "与其他亲属同住",
        "left_behind": "留守",
        "institutional": "集中供养",
        "other": "其他",
    }
)
FAMILY_PLANNING_STATUSES = _frozen({"none": "无", "bereaved": "失独", "disabled_child": "伤残"})
# registry ResidenceType: household registration (户籍) and where the person lives.
RESIDENCE_TYPES = _frozen(
    {
        "local": "户籍且常住",
        "registered_away": "户籍在本地、常住外地",
        "nonlocal": "常住、户籍在外地",
    }
)
RESIDENT_STATUSES = _frozen({"active": "在册", "moved_out": "迁出", "deceased": "死亡"})
ACTIVE = "active"

CATEGORIES = _frozen(
    {
        Category.AGED_65.value: "65岁及以上",
        Category.VERY_OLD.value: "高龄（80岁及以上）",
        Category.DESTITUTE.value: "特困供养",
        Category.DIBAO.value: "低保",
        Category.MARGINAL.value: "低保边缘",
        Category.POVERTY_ALLEVIATED.value: "脱贫/建档立卡",
        Category.ECONOMICALLY_DIFFICULT.value: "经济困难",
        Category.LIVING_ALONE.value: "独居",
        Category.EMPTY_NEST.value: "空巢",
        Category.LEFT_BEHIND.value: "留守",
        Category.BEREAVED.value: "失独",
        Category.FAMILY_PLANNING_SPECIAL.value: "计生特殊家庭",
        Category.SEVERELY_DISABLED.value: "重度残疾（一、二级）",
        Category.SPECIAL_DIFFICULTY.value: "特殊困难老年人",
    }
)

# What a monthly service credit may buy: the service categories of the registry's needs checklist
# (the "6+X" items). A single catalogue item is written `item:<code>` instead.
SERVICE_CATEGORIES = _frozen(
    {
        "meal": "助餐",
        "bath": "助浴",
        "cleaning": "助洁",
        "medical": "助医",
        "mobility": "助行",
        "emergency": "助急",
        "rehabilitation": "康复护理",
        "companionship": "精神慰藉",
        "errands": "委托代办",
        "home_adaptation": "适老化改造",
        "day_care": "日间照料",
    }
)
ITEM_PREFIX = "item:"

STANDARDS: Mapping[str, str] = MappingProxyType(dict(STANDARD_NAMES))
STANDARD_SHORT_NAMES = _frozen({MZT039: "MZ/T 039-2013", GBT42195: "GB/T 42195-2022"})
MAX_LEVEL = MappingProxyType({standard: len(names) - 1 for standard, names in LEVEL_NAMES.items()})

DISABILITY_GRADES = MappingProxyType({1: "一级", 2: "二级", 3: "三级", 4: "四级"})

MONTHLY_SERVICE_CREDIT = "monthly_service_credit"
ONE_OFF_SUBSIDY = "one_off_subsidy"
CARE_SUBSIDY = "care_subsidy"
BENEFIT_KINDS = _frozen(
    {
        MONTHLY_SERVICE_CREDIT: "每月购买服务额度",
        ONE_OFF_SUBSIDY: "一次性补贴",
        CARE_SUBSIDY: "每月护理补贴",
    }
)

HIGHEST = "highest"
SUM = "sum"
EXCLUSIVE = "exclusive"
COMBINE_POLICIES = _frozen({HIGHEST: "取最高", SUM: "累加", EXCLUSIVE: "互斥"})

MIN_AGE = 0
MAX_AGE = 130


def label(codes: Mapping[str, str], code: str) -> str:
    """`低保（dibao）`; a blank value is `未填写`, an unknown one is shown as it is."""
    if not code:
        return "未填写"
    name = codes.get(code)
    return f"{name}（{code}）" if name else code


def level_label(standard: str, level: int) -> str:
    return f"{level}（{LEVEL_NAMES[standard][level]}）"


def yuan(amount_fen: int) -> str:
    """Fen as yuan for people: 6000 → `60.00元`."""
    whole, fen = divmod(amount_fen, 100)
    return f"{whole}.{fen:02d}元"
