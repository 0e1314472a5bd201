"""The catalogue of named indicators: what each one means, precisely. No Django.

Every indicator has a code (used by the data files and the API), a name, a unit, and its
definition: the population it is computed over, the numerator and denominator, and what "as of a
date" means for it. `source` says where the value comes from:

- registry / governance: computed from the platform's own records (indicators/registry.py holds
  the function for each code), per region by code range, so a county's value counts all its
  villages;
- manual: entered per region and date with evidence (fund execution, facilities, training …)
  until the app that holds the records lands.

Codes are stable: the data files refer to them, and removing one breaks a loaded sheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["CATALOGUE", "IndicatorDefinition", "Source", "Unit", "category_count_code"]


class Unit(StrEnum):
    SHARE = "share"  # a ratio 0–1, shown as a percentage
    COUNT = "count"  # a whole number


class Source(StrEnum):
    REGISTRY = "registry"
    GOVERNANCE = "governance"
    MANUAL = "manual"


@dataclass(frozen=True)
class IndicatorDefinition:
    code: str
    name: str
    unit: Unit
    source: Source
    population: str
    numerator: str
    denominator: str = ""
    as_of: str = ""

    @property
    def is_share(self) -> bool:
        return self.unit == Unit.SHARE


_REGISTER = (
    "在册老年人：该区划（含下级）登记的老年人中，截至当日未注销（死亡、迁出在当日之后的仍计入）"
)
_ON_REGISTER = "截至当日：类别按当日年龄和登记事实判断"

# Category codes come from registry.rules.Category; they are repeated here as plain text so the
# catalogue stays importable without the registry (the registry test keeps both in step).
CATEGORY_NAMES = {
    "aged_65": "65周岁及以上老年人",
    "very_old": "高龄老年人（80周岁及以上）",
    "special_difficulty": "特殊困难老年人",
    "destitute": "特困供养老年人",
    "dibao": "低保老年人",
    "marginal": "低保边缘老年人",
    "poverty_alleviated": "建档立卡（脱贫）老年人",
    "living_alone": "独居老年人",
    "empty_nest": "空巢老年人",
    "left_behind": "留守老年人",
    "bereaved": "失独老年人",
    "family_planning_special": "计划生育特殊家庭老年人",
    "severely_disabled": "重度残疾老年人",
}


def category_count_code(category: str) -> str:
    return f"count_{category}"


_DEFINITIONS = [
    IndicatorDefinition(
        code="special_difficulty_screened_share",
        name="特殊困难老年人筛查摸底率",
        unit=Unit.SHARE,
        source=Source.REGISTRY,
        population=_REGISTER
        + "，且当日属于特殊困难老年人（高龄、特困、低保、低保边缘、建档立卡、独居、空巢、留守、计生特殊家庭、重度残疾之一）",
        numerator="其中当日或以前有筛查记录（筛查摸底表）的人数",
        denominator="特殊困难老年人人数",
        as_of=_ON_REGISTER + "；筛查日期不晚于当日",
    ),
    IndicatorDefinition(
        code="screened_share",
        name="老年人筛查摸底率",
        unit=Unit.SHARE,
        source=Source.REGISTRY,
        population=_REGISTER,
        numerator="其中当日或以前有筛查记录的人数",
        denominator="在册老年人人数",
        as_of="筛查日期不晚于当日",
    ),
    IndicatorDefinition(
        code="capability_assessed_share",
        name="老年人能力评估覆盖率",
        unit=Unit.SHARE,
        source=Source.REGISTRY,
        population=_REGISTER,
        numerator="其中有当前有效能力评估（当前评估）且评估日期不晚于当日的人数",
        denominator="在册老年人人数",
        as_of="当前评估为最新的有效评估；对过去日期，当日之后重新评估的人不计入（见 docs/governance-data.md）",
    ),
    IndicatorDefinition(
        code="special_difficulty_assessed_share",
        name="特殊困难老年人能力评估覆盖率",
        unit=Unit.SHARE,
        source=Source.REGISTRY,
        population=_REGISTER + "，且当日属于特殊困难老年人",
        numerator="其中有当前有效能力评估且评估日期不晚于当日的人数",
        denominator="特殊困难老年人人数",
        as_of=_ON_REGISTER,
    ),
    IndicatorDefinition(
        code="very_old_share",
        name="高龄老年人占比",
        unit=Unit.SHARE,
        source=Source.REGISTRY,
        population=_REGISTER,
        numerator="其中当日年满80周岁的人数",
        denominator="在册老年人人数",
        as_of=_ON_REGISTER,
    ),
    *(
        IndicatorDefinition(
            code=category_count_code(category),
            name=f"{name}人数",
            unit=Unit.COUNT,
            source=Source.REGISTRY,
            population=_REGISTER,
            numerator=f"其中当日属于{name}的人数",
            as_of=_ON_REGISTER,
        )
        for category, name in CATEGORY_NAMES.items()
    ),
    IndicatorDefinition(
        code="registered_count",
        name="在册老年人人数",
        unit=Unit.COUNT,
        source=Source.REGISTRY,
        population=_REGISTER,
        numerator="在册老年人人数",
        as_of="注销日期在当日之后的仍计入",
    ),
    IndicatorDefinition(
        code="supervision_rounds_year",
        name="本年度督促指导（督查）次数",
        unit=Unit.COUNT,
        source=Source.GOVERNANCE,
        population="该区划（含下级）登记的督查轮次",
        numerator="当日所在年度1月1日至当日开展的督查轮次数",
        as_of="督查日期在当年1月1日至当日之间",
    ),
    IndicatorDefinition(
        code="task_completion_share",
        name="到期任务完成率",
        unit=Unit.SHARE,
        source=Source.GOVERNANCE,
        population="该区划的任务清单中，完成时限（推算的到期日）不晚于当日的任务",
        numerator="其中当日或以前已完成的任务数",
        denominator="到期任务数",
        as_of="到期日和完成日期不晚于当日",
    ),
    # --- entered by hand until the app holding the records lands ------------------------------
    *(
        IndicatorDefinition(
            code=code,
            name=name,
            unit=unit,
            source=Source.MANUAL,
            population=population,
            numerator=numerator,
            denominator=denominator,
            as_of="填报的统计截止日期；取不晚于当日的最近一次填报",
        )
        for code, name, unit, population, numerator, denominator in [
            (
                "fund_execution_rate",
                "中央财政补助资金执行进度",
                Unit.SHARE,
                "下达本区划的中央财政试点补助资金",
                "截至当日已支出金额",
                "下达金额",
            ),
            (
                "lottery_fund_elderly_share",
                "本级福彩公益金用于养老服务的比例",
                Unit.SHARE,
                "本级留存福利彩票公益金",
                "用于养老服务的金额",
                "本级留存总额",
            ),
            (
                "branded_providers_count",
                "培育或引进的品牌化、专业化养老服务企业或社会组织数",
                Unit.COUNT,
                "本区划居家和社区养老服务企业、社会组织",
                "品牌化、专业化的家数",
                "",
            ),
            (
                "new_residential_areas_without_facilities",
                "新建居住小区未落实养老服务设施配建的个数",
                Unit.COUNT,
                "本区划新建居住（小）区",
                "未按“四同步”配建养老服务设施的个数",
                "",
            ),
            (
                "stations_planned",
                "“幸福白银·银龄驿站”建设任务数",
                Unit.COUNT,
                "上级下达本区划的驿站建设任务",
                "任务个数",
                "",
            ),
            (
                "stations_built",
                "“幸福白银·银龄驿站”建成数",
                Unit.COUNT,
                "本区划建成的驿站",
                "建成个数",
                "",
            ),
            (
                "stations_operating_share",
                "开展工作的驿站比例",
                Unit.SHARE,
                "本区划建成的驿站",
                "开展工作的驿站数",
                "建成的驿站数",
            ),
            (
                "four_batches_rate",
                "特殊困难老人“四个一批”措施落实率",
                Unit.SHARE,
                "农村“三无”、计生特殊家庭、经济困难失能半失能、高龄等特殊困难老人",
                "已落实“四个一批”措施的人数",
                "特殊困难老人人数",
            ),
            (
                "three_ones_visit_rate",
                "分散特困供养对象“三个一”定期探视落实率",
                Unit.SHARE,
                "农村分散供养特困老年人",
                "已落实“三个一”定期探视的人数",
                "分散供养特困老年人人数",
            ),
            (
                "family_doctor_signing_rate",
                "老年人与基层医疗卫生机构签约率",
                Unit.SHARE,
                "常住老年人",
                "与基层医疗卫生机构签约的人数",
                "常住老年人人数",
            ),
            (
                "family_doctor_signing_rate_special_65",
                "65周岁以上特殊困难老年人签约率",
                Unit.SHARE,
                "65周岁以上特殊困难老年人",
                "签约人数",
                "65周岁以上特殊困难老年人人数",
            ),
            (
                "health_management_rate_65",
                "65岁以上老年人健康管理率",
                Unit.SHARE,
                "65周岁以上常住老年人",
                "当年接受健康管理服务的人数",
                "65周岁以上常住老年人人数",
            ),
            (
                "facilities_medical_signing_rate",
                "社区养老服务机构与医疗机构签约服务率",
                Unit.SHARE,
                "社区养老服务机构",
                "与医疗卫生机构签约的机构数",
                "社区养老服务机构数",
            ),
            (
                "facilities_social_operation_share",
                "新增养老服务设施交由社会力量运营比例",
                Unit.SHARE,
                "新增（独立建设）的居家和社区养老服务设施",
                "交由社会力量运营的设施数",
                "新增设施数",
            ),
            (
                "facility_coverage_urban",
                "城市社区养老服务设施覆盖率",
                Unit.SHARE,
                "城市社区",
                "有居家和社区养老服务设施的社区数",
                "城市社区数",
            ),
            (
                "facility_coverage_rural",
                "农村养老服务设施覆盖率",
                Unit.SHARE,
                "行政村",
                "有养老服务设施的行政村数",
                "行政村数",
            ),
            (
                "caregiver_training_rate",
                "养老服务从业人员培训率",
                Unit.SHARE,
                "养老服务从业人员",
                "接受岗前或在岗培训的人数",
                "从业人员人数",
            ),
            (
                "purchased_service_coverage",
                "政府购买服务覆盖率",
                Unit.SHARE,
                "符合政府购买居家养老服务条件的老年人",
                "已享受政府购买服务的人数",
                "符合条件的人数",
            ),
            (
                "emergency_help_coverage",
                "重点老年人应急救助服务覆盖率",
                Unit.SHARE,
                "困难空巢、独居等重点老年人",
                "已接入应急救助（平安钟、一键通等）的人数",
                "重点老年人人数",
            ),
            (
                "care_visit_compliance",
                "重点空巢独居老人关爱服务达标率（每周≥3次）",
                Unit.SHARE,
                "签订关爱服务协议的重点空巢独居老人",
                "当周联系、走访不少于3次的人数",
                "签约人数",
            ),
        ]
    ),
]

CATALOGUE: dict[str, IndicatorDefinition] = {
    definition.code: definition for definition in _DEFINITIONS
}
