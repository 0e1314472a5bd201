"""The catalogue's errors, with Chinese messages that name the field, or the file, line and key."""

from dataclasses import dataclass

from eldercare.core import problems

FIELD_LABELS = {
    "code": "项目编码",
    "name": "名称",
    "category": "服务类别",
    "unit": "计价单位",
    "standard_price": "标准价格",
    "service_standard": "服务标准",
    "minimum_minutes": "最短服务时长",
    "region_code": "区划代码",
    "kind": "清单类型",
    "effective_from": "生效日期",
    "effective_to": "失效日期",
    "basis": "政策依据",
    "item": "服务项目",
    "item_code": "服务项目",
    "local_price": "本地价格",
    "eligibility": "服务对象",
    "funding": "资金来源",
    "frequency_limit": "频次限制",
    "lead_agency": "牵头部门",
    "status": "状态",
    "on": "日期",
    "region": "区划",
    "is_basic": "基本服务",
}


class Problem(problems.Problem):
    labels = FIELD_LABELS


class CatalogueDataError(problems.DataError[Problem]):
    """One or more values are wrong; `problems` names each field."""


class CatalogueStateError(problems.StateError):
    """The list is not in a state that allows the request (published, already a draft …)."""


@dataclass(frozen=True)
class FileProblem:
    """A place in a data file: file name, line (1-based; 0 when unknown) and key path."""

    file: str
    line: int
    path: str
    code: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file} 第{self.line}行" if self.line else self.file
        return f"{where} {self.path}：{self.message}" if self.path else f"{where}：{self.message}"


class CatalogueFileError(ValueError):
    """A data file is malformed or conflicts with the lists in the database; nothing was loaded."""

    def __init__(self, problems: list[FileProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
