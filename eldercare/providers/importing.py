"""Importing the facility survey from the workbook the export writes (same columns).

All or nothing: every row is checked with the same rules as the form (`clean_facility`); any row
error and nothing is written, the errors name the row and the field. A row whose village and name
match an existing facility updates it; otherwise it is registered. Each written row is audited by
the register/update service, and the import itself once.
"""

from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from python_calamine import CalamineError, CalamineWorkbook

from eldercare.accounts.access import Action, require, scoped
from eldercare.catalogue.models import ServiceItem
from eldercare.core.audit import record
from eldercare.core.models import AuditAction
from eldercare.core.normalize import ValueFormatError, parse_date
from eldercare.providers.errors import Problem, ProviderDataError
from eldercare.providers.models import Facility, FacilityKind, OperationMode, Provider
from eldercare.providers.services.facilities import (
    clean_facility,
    register_facility,
    update_facility,
)

MAX_ROWS = 5000
COLUMNS = {
    "name": "设施名称",
    "kind": "设施类型",
    "region_code": "区划代码",
    "address": "地址",
    "latitude": "纬度（WGS-84）",
    "longitude": "经度（WGS-84）",
    "floor_area_m2": "建筑面积（平方米）",
    "beds": "床位数",
    "operation_mode": "运营方式",
    "operator": "运营机构",
    "opening_hours": "开放时间",
    "services": "提供的服务",
    "is_operating": "正常运营",
    "is_newly_built": "试点期间新建",
    "medical_partner": "签约医疗卫生机构",
    "built_on": "建成日期",
}
_YES = {"是", "有", "Y", "YES", "TRUE", "1"}


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value if value is not None else "").strip()


def _read(file: IO[bytes]) -> list[dict[str, str]]:
    try:
        sheet = CalamineWorkbook.from_filelike(file).get_sheet_by_index(0).to_python()
    except (CalamineError, ValueError, OSError) as error:
        raise ProviderDataError(
            [Problem("file", "unreadable", f"无法读取工作簿：{error}")]
        ) from error
    if not sheet:
        raise ProviderDataError([Problem("file", "empty", "工作簿是空的")])
    header = [_text(cell) for cell in sheet[0]]
    missing = [label for label in COLUMNS.values() if label not in header]
    if missing:
        raise ProviderDataError(
            [
                Problem(
                    "file", "columns", "缺少列：" + "、".join(missing) + "（请使用导出的表格格式）"
                )
            ]
        )
    if len(sheet) - 1 > MAX_ROWS:
        raise ProviderDataError([Problem("file", "too_many", f"一次最多导入 {MAX_ROWS} 行")])
    index = {name: header.index(label) for name, label in COLUMNS.items()}
    return [
        {name: _text(row[i]) if i < len(row) else "" for name, i in index.items()}
        for row in sheet[1:]
        if any(_text(cell) for cell in row)
    ]


def _choice(choices: Any, raw: str) -> str:
    for value, label in choices.choices:
        if raw in (value, str(label)):
            return str(value)
    return raw


def _row_data(
    raw: dict[str, str], operators: dict[str, Provider], items: dict[str, ServiceItem]
) -> tuple[dict[str, Any], list[ServiceItem], list[str]]:
    problems: list[str] = []
    data: dict[str, Any] = dict(raw)
    data["kind"] = _choice(FacilityKind, raw["kind"])
    data["operation_mode"] = _choice(OperationMode, raw["operation_mode"])
    data["is_operating"] = raw["is_operating"].upper() in _YES
    data["is_newly_built"] = raw["is_newly_built"].upper() in _YES
    data["operator"] = None
    if raw["operator"]:
        data["operator"] = operators.get(raw["operator"])
        if data["operator"] is None:
            problems.append(f"运营机构：找不到“{raw['operator']}”")
    data["built_on"] = None
    if raw["built_on"]:
        try:
            data["built_on"] = parse_date(raw["built_on"])
        except ValueFormatError as error:
            problems.append(f"建成日期：{error.message}")
    services = []
    for name in filter(
        None, (part.strip() for part in raw["services"].replace(",", "、").split("、"))
    ):
        if name in items:
            services.append(items[name])
        else:
            problems.append(f"提供的服务：找不到“{name}”")
    return data, services, problems


def import_facilities(*, actor: Any, file: IO[bytes], dry_run: bool = False) -> ImportResult:
    require(actor, Action.MANAGE_PROVIDERS)
    rows = _read(file)
    operators = {p.name: p for p in scoped(actor, Provider.objects.all())}
    items = {}
    for item in ServiceItem.objects.all():
        items[item.code] = items[item.name] = item
    result = ImportResult(rows=len(rows))
    prepared = []
    for number, raw in enumerate(rows, start=2):
        data, services, problems = _row_data(raw, operators, items)
        try:
            data["region_code"] = clean_facility(actor, data)["region_code"]
        except ProviderDataError as error:
            problems.extend(str(p) for p in error.problems)
        result.errors.extend(f"第 {number} 行：{message}" for message in problems)
        prepared.append((data, services))
    if result.errors or dry_run:
        return result
    with transaction.atomic():
        for data, services in prepared:
            existing = (
                scoped(actor, Facility.objects.all())
                .filter(region_code=data["region_code"], name=data["name"])
                .first()
            )
            if existing is None:
                register_facility(actor=actor, data=data, services=services)
                result.created += 1
            else:
                update_facility(actor=actor, facility=existing, data=data, services=services)
                result.updated += 1
        record(
            actor=actor,
            action=AuditAction.IMPORT,
            object_type="providers.facility",
            detail={"rows": result.rows, "created": result.created, "updated": result.updated},
        )
    return result
