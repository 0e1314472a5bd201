"""Errors of the planning app, with Chinese messages naming the field, row or column."""

from dataclasses import dataclass

from eldercare.core import problems

FIELD_LABELS = {
    "region_code": "区划代码",
    "latitude": "纬度",
    "longitude": "经度",
    "households": "户数",
    "source": "来源",
    "name": "小区名称",
    "kind": "类型",
    "service_floor_area_m2": "养老服务用房面积",
    "urban_minutes": "城镇步行时间",
    "rural_minutes": "农村步行时间",
    "speed_m_per_min": "步行速度",
    "centre": "中心点",
    "spread_km": "分布半径",
    "concurrency": "并发冲突",
}


class Problem(problems.Problem):
    labels = FIELD_LABELS


class PlanningDataError(problems.DataError[Problem]):
    """One or more fields are wrong; `problems` names each of them. Nothing was stored."""


@dataclass(frozen=True)
class RowError:
    """A row of an import file that cannot be stored; `row` is the number Excel shows."""

    row: int
    column: str
    code: str
    message: str
