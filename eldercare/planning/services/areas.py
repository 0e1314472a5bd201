"""Residential areas (小区) and the elderly-service floor area they provide (003 tasks 9–10)."""

from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from eldercare.core.audit import record, record_change
from eldercare.core.models import AuditAction
from eldercare.core.normalize import clean_compact, clean_text
from eldercare.planning.errors import PlanningDataError, Problem, RowError
from eldercare.planning.importing import (
    CellError,
    Column,
    count_cell,
    decimal_cell,
    parse_row,
    read_rows,
)
from eldercare.planning.models import AreaKind, ResidentialArea
from eldercare.planning.services.common import (
    ImportOutcome,
    current_villages,
    refusing_clashes,
    require_manage,
    village_errors,
)

MAX_FLOOR_AREA = Decimal(1_000_000)
KIND_NAMES = {
    "新建": AreaKind.NEW,
    "新建住宅区": AreaKind.NEW,
    "已建成": AreaKind.EXISTING,
    "已建": AreaKind.EXISTING,
    "已建成住宅区": AreaKind.EXISTING,
    "老旧小区": AreaKind.EXISTING,
}
AREA_COLUMNS = (
    Column("region_code", "区划代码", True, "小区所在村（社区）的12位区划代码"),
    Column("name", "小区名称", True, "同一社区内不重复；已有的小区按名称更新"),
    Column(
        "kind", "类型", True, "新建 或 已建成（新建：每百户20–30平方米；已建成：每百户15–20平方米）"
    ),
    Column("households", "户数", True, "整数"),
    Column(
        "service_floor_area_m2", "养老服务用房面积（平方米）", True, "已配建或调剂的面积，没有填 0"
    ),
    Column("note", "备注", False, "选填"),
)
AREA_NOTES = ("文件中任何一行有错误时，整个文件都不导入；请按错误清单改正后重新导入。",)
_FIELDS = ("kind", "households", "service_floor_area_m2", "note")


def _kind(raw: Any) -> str:
    text = clean_text(raw)
    if text in KIND_NAMES:
        return KIND_NAMES[text]
    if text in AreaKind.values:
        return text
    raise CellError("kind_invalid", f"类型应为“新建”或“已建成”：{text}")


def _floor_area(raw: Any) -> Decimal:
    return decimal_cell(raw, places=1, low=Decimal(0), high=MAX_FLOOR_AREA)


_PARSERS = {
    "region_code": clean_compact,
    "kind": _kind,
    "households": count_cell,
    "service_floor_area_m2": _floor_area,
}


def _check_values(values: dict[str, Any]) -> list[Problem]:
    problems = []
    name = values["name"]
    if not name or len(name) > 100:
        problems.append(Problem("name", "length", "应为 1–100 个字"))
    if values["kind"] not in AreaKind.values:
        problems.append(Problem("kind", "kind_invalid", "类型应为新建或已建成"))
    if not isinstance(values["households"], int) or not 0 <= values["households"] <= 10_000_000:
        problems.append(Problem("households", "out_of_range", "应为不小于 0 的整数"))
    area = values["service_floor_area_m2"]
    if not isinstance(area, Decimal) or not Decimal(0) <= area <= MAX_FLOOR_AREA:
        problems.append(Problem("service_floor_area_m2", "out_of_range", "应为不小于 0 的数"))
    if len(values["note"]) > 200:
        problems.append(Problem("note", "length", "不超过 200 个字"))
    return problems


def save_residential_area(
    *,
    actor: Any,
    area: ResidentialArea | None,
    region_code: str,
    name: str,
    kind: str,
    households: int,
    service_floor_area_m2: Decimal,
    note: str = "",
) -> ResidentialArea:
    """Create (area None) or correct a residential area."""
    if area is not None:
        require_manage(actor, area.region_code)
    require_manage(actor, region_code)
    values: dict[str, Any] = {
        "region_code": region_code,
        "name": clean_text(name),
        "kind": kind,
        "households": households,
        "service_floor_area_m2": service_floor_area_m2,
        "note": clean_text(note),
    }
    problems = _check_values(values)
    if region_code not in current_villages([region_code]):
        problems.append(Problem("region_code", "unknown_village", "不是现行的村（社区）区划代码"))
    clash = ResidentialArea.objects.filter(region_code=region_code, name=values["name"])
    if area is not None:
        clash = clash.exclude(pk=area.pk)
    if clash.exists():
        problems.append(Problem("name", "duplicate", "该社区已有同名小区"))
    if problems:
        raise PlanningDataError(problems)
    with refusing_clashes():
        if area is None:
            area = ResidentialArea.objects.create(**values)
            record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=area,
                region_code=region_code,
                changes={name: [None, value] for name, value in values.items()},
            )
            return area
        area = ResidentialArea.objects.select_for_update().get(pk=area.pk)
        before = {field: getattr(area, field) for field in values}
        for field, value in values.items():
            setattr(area, field, value)
        area.save()
        record_change(actor=actor, obj=area, region_code=region_code, before=before, after=values)
    return area


def delete_residential_area(*, actor: Any, area: ResidentialArea) -> None:
    require_manage(actor, area.region_code)
    with transaction.atomic():
        record(
            actor=actor,
            action=AuditAction.DELETE,
            obj=area,
            region_code=area.region_code,
            changes={field: [getattr(area, field), None] for field in ("name", *_FIELDS)},
        )
        area.delete()


def _row_key(cells: dict[str, Any]) -> tuple[str, str]:
    return clean_compact(cells.get("region_code")), clean_text(cells.get("name"))


def import_residential_areas(*, actor: Any, path: Path, dry_run: bool = False) -> ImportOutcome:
    """All rows or nothing: any row error stores nothing. A dry run only checks."""
    require_manage(actor, getattr(actor, "region_code", "") or "")
    rows = read_rows(path, AREA_COLUMNS)
    outcome = ImportOutcome(rows=len(rows), dry_run=dry_run)
    parsed: list[tuple[int, dict[str, Any]]] = []
    for row in rows:
        values = parse_row(row, AREA_COLUMNS, _PARSERS, outcome.errors)
        if values is not None:
            values["note"] = values["note"] or ""
            parsed.append((row.number, values))
    villages = current_villages(values["region_code"] for _row, values in parsed)
    keys = Counter(_row_key(row.cells) for row in rows)
    for row in rows:
        if keys[_row_key(row.cells)] > 1 and all(_row_key(row.cells)):
            outcome.errors.append(
                RowError(
                    row.number,
                    "小区名称",
                    "duplicate",
                    f"同一社区的“{_row_key(row.cells)[1]}”在文件中出现多次",
                )
            )
    for number, values in parsed:
        outcome.errors += village_errors(actor, number, values["region_code"], villages, "区划代码")
        if len(values["name"]) > 100:
            outcome.errors.append(RowError(number, "小区名称", "length", "不超过 100 个字"))
        if len(values["note"]) > 200:
            outcome.errors.append(RowError(number, "备注", "length", "不超过 200 个字"))
    outcome.errors.sort(key=lambda error: (error.row, error.column))
    if outcome.errors:
        return outcome
    with refusing_clashes():
        existing = {
            (a.region_code, a.name): a
            for a in ResidentialArea.objects.select_for_update().filter(
                region_code__in={v["region_code"] for _n, v in parsed}
            )
        }
        created, updated = [], []
        now = timezone.now()
        for _number, values in parsed:
            area = existing.get((values["region_code"], values["name"]))
            if area is None:
                created.append(ResidentialArea(**values))
            elif any(getattr(area, field) != values[field] for field in _FIELDS):
                for field in _FIELDS:
                    setattr(area, field, values[field])
                area.updated_at = now  # bulk_update does not apply auto_now
                updated.append(area)
            else:
                outcome.unchanged += 1
        outcome.created, outcome.updated = len(created), len(updated)
        if dry_run:
            return outcome
        ResidentialArea.objects.bulk_create(created)
        ResidentialArea.objects.bulk_update(updated, [*_FIELDS, "updated_at"])
        record(
            actor=actor,
            action=AuditAction.IMPORT,
            object_type="planning.residentialarea",
            object_repr=f"居住小区导入 {path.name}",
            region_code=getattr(actor, "region_code", "") or "",
            detail={"file": path.name, **outcome.as_dict()},
        )
    return outcome
