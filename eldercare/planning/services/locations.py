"""Village (community) points: entered one at a time, imported from a file, or generated for a
demo. Residents are located at their village's point."""

from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone

from eldercare.core.audit import record, record_change
from eldercare.core.geo import CHINA_LATITUDE, CHINA_LONGITUDE
from eldercare.core.models import AuditAction
from eldercare.core.normalize import clean_compact
from eldercare.planning.errors import PlanningDataError, Problem, RowError
from eldercare.planning.importing import (
    CellError,
    Column,
    count_cell,
    decimal_cell,
    parse_row,
    read_rows,
)
from eldercare.planning.models import PointSource, VillagePoint
from eldercare.planning.rules.placement import scatter_villages
from eldercare.planning.services.common import (
    ImportOutcome,
    current_villages,
    refusing_clashes,
    require_manage,
    village_errors,
)
from eldercare.regions.codes import Level, RegionCodeError, level_of, subtree_range
from eldercare.regions.models import Region

SOURCE_NAMES = {"实地测绘": PointSource.SURVEY, "测绘": PointSource.SURVEY}

POINT_COLUMNS = (
    Column("region_code", "区划代码", True, "12位村（社区）统计用区划代码"),
    Column("name", "村（社区）名称", False, "选填；填写时须与区划代码对应的名称一致，用于核对"),
    Column(
        "latitude",
        "纬度",
        True,
        "WGS-84（GPS）坐标，十进制度，如 26.420153；高德、腾讯地图的坐标（GCJ-02）须先转换",
    ),
    Column("longitude", "经度", True, "WGS-84（GPS）坐标，十进制度，如 111.613250"),
    Column("households", "户数", False, "选填；整数"),
    Column("source", "来源", False, "选填：实地测绘；留空表示文件导入"),
)
POINT_NOTES = (
    "每个村（社区）一行；已有位置的村（社区）按文件更新。",
    "文件中任何一行有错误时，整个文件都不导入；请按错误清单改正后重新导入。",
)


def _coordinate(raw: Any, bounds: tuple[Decimal, Decimal], what: str) -> Decimal:
    value = decimal_cell(raw, places=6, low=Decimal(-180), high=Decimal(180))
    if not bounds[0] <= value <= bounds[1]:
        raise CellError(
            "outside_china",
            f"{what}{value}不在中国境内（{bounds[0]}–{bounds[1]}），请检查经纬度是否填反",
        )
    return value


def _latitude(raw: Any) -> Decimal:
    return _coordinate(raw, CHINA_LATITUDE, "纬度")


def _longitude(raw: Any) -> Decimal:
    return _coordinate(raw, CHINA_LONGITUDE, "经度")


def _source(raw: Any) -> str:
    text = str(raw).strip()
    if text in SOURCE_NAMES:
        return SOURCE_NAMES[text]
    if text in ("文件导入", "导入"):
        return PointSource.IMPORT
    raise CellError("source_invalid", f"来源应为“实地测绘”或留空：{text}")


_PARSERS = {
    "region_code": clean_compact,
    "latitude": _latitude,
    "longitude": _longitude,
    "households": count_cell,
    "source": _source,
}


def _point_values(
    latitude: Decimal, longitude: Decimal, households: int | None, source: str
) -> dict[str, Any]:
    return {
        "latitude": latitude,
        "longitude": longitude,
        "households": households,
        "source": source,
    }


def _changed(existing: VillagePoint, values: dict[str, Any]) -> bool:
    return any(getattr(existing, name) != value for name, value in values.items())


def save_village_point(
    *,
    actor: Any,
    region_code: str,
    latitude: Decimal,
    longitude: Decimal,
    households: int | None = None,
    source: str = PointSource.SURVEY,
) -> VillagePoint:
    """Create or correct one village's point."""
    require_manage(actor, region_code)
    problems = []
    if region_code not in current_villages([region_code]):
        problems.append(Problem("region_code", "unknown_village", "不是现行的村（社区）区划代码"))
    for field, value, parser in (
        ("latitude", latitude, _latitude),
        ("longitude", longitude, _longitude),
    ):
        try:
            parser(value)
        except CellError as error:
            problems.append(Problem(field, error.code, error.message))
    if problems:
        raise PlanningDataError(problems)
    values = _point_values(
        _latitude(latitude), _longitude(longitude), households, PointSource(source)
    )
    with refusing_clashes():
        existing = VillagePoint.objects.select_for_update().filter(region_code=region_code).first()
        if existing is None:
            point = VillagePoint.objects.create(region_code=region_code, **values)
            record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=point,
                region_code=region_code,
                changes={k: [None, v] for k, v in values.items()},
            )
            return point
        before = {name: getattr(existing, name) for name in values}
        for name, value in values.items():
            setattr(existing, name, value)
        existing.save()
        record_change(
            actor=actor, obj=existing, region_code=region_code, before=before, after=values
        )
        return existing


def _names_agree(given: str | None, official: str) -> bool:
    """Blank, or the official name with or without its suffix (村委会, 社区居委会 …)."""
    return not given or official.startswith(given)


def _file_duplicates(codes: list[tuple[int, str]]) -> list[RowError]:
    counts = Counter(code for _row, code in codes)
    rows_of: dict[str, list[int]] = {}
    for row, code in codes:
        rows_of.setdefault(code, []).append(row)
    return [
        RowError(
            row,
            "区划代码",
            "duplicate",
            f"区划代码 {code} 在文件中出现多次（第 {'、'.join(map(str, rows_of[code]))} 行）",
        )
        for row, code in codes
        if code and counts[code] > 1
    ]


def import_village_points(*, actor: Any, path: Path, dry_run: bool = False) -> ImportOutcome:
    """All rows or nothing: any row error stores nothing. A dry run only checks."""
    require_manage(actor, getattr(actor, "region_code", "") or "")
    rows = read_rows(path, POINT_COLUMNS)
    outcome = ImportOutcome(rows=len(rows), dry_run=dry_run)
    parsed: list[tuple[int, dict[str, Any]]] = []
    for row in rows:
        values = parse_row(row, POINT_COLUMNS, _PARSERS, outcome.errors)
        if values is not None:
            parsed.append((row.number, values))
    villages = current_villages(values["region_code"] for _row, values in parsed)
    for number, values in parsed:
        errors = village_errors(actor, number, values["region_code"], villages, "区划代码")
        region = villages.get(values["region_code"])
        if region is not None and not errors and not _names_agree(values["name"], region.name):
            errors.append(
                RowError(
                    number,
                    "村（社区）名称",
                    "name_mismatch",
                    f"区划代码 {values['region_code']} 对应“{region.name}”，"
                    f"与所填“{values['name']}”不符",
                )
            )
        outcome.errors.extend(errors)
    outcome.errors.extend(
        _file_duplicates([(r.number, clean_compact(r.cells.get("region_code"))) for r in rows])
    )
    outcome.errors.sort(key=lambda error: (error.row, error.column))
    if outcome.errors:
        return outcome
    with refusing_clashes():
        existing = {
            p.region_code: p
            for p in VillagePoint.objects.select_for_update().filter(
                region_code__in=[v["region_code"] for _n, v in parsed]
            )
        }
        created, updated = [], []
        now = timezone.now()
        for _number, values in parsed:
            point_values = _point_values(
                values["latitude"],
                values["longitude"],
                values["households"],
                values["source"] or PointSource.IMPORT,
            )
            point = existing.get(values["region_code"])
            if point is None:
                created.append(VillagePoint(region_code=values["region_code"], **point_values))
            elif _changed(point, point_values):
                for name, value in point_values.items():
                    setattr(point, name, value)
                point.updated_at = now  # bulk_update does not apply auto_now
                updated.append(point)
            else:
                outcome.unchanged += 1
        outcome.created, outcome.updated = len(created), len(updated)
        if dry_run:
            return outcome
        VillagePoint.objects.bulk_create(created)
        VillagePoint.objects.bulk_update(
            updated, ["latitude", "longitude", "households", "source", "updated_at"]
        )
        record(
            actor=actor,
            action=AuditAction.IMPORT,
            object_type="planning.villagepoint",
            object_repr=f"村（社区）位置导入 {path.name}",
            region_code=getattr(actor, "region_code", "") or "",
            detail={
                "file": path.name,
                **outcome.as_dict(),
                "created_codes": [p.region_code for p in created],
                "updated_codes": [p.region_code for p in updated],
            },
        )
    return outcome


def generate_village_points(
    *,
    actor: Any,
    region_code: str,
    centre: tuple[Decimal, Decimal],
    spread_km: Decimal = Decimal(15),
    only_codes: set[str] | None = None,
) -> ImportOutcome:
    """Illustrative points for the villages under a county or township that have none yet.

    Points that were surveyed or imported are never touched; earlier generated points are kept
    (the generator is deterministic, so re-running changes nothing).
    """
    require_manage(actor, region_code)
    problems = []
    try:
        level = level_of(region_code)
    except RegionCodeError:
        level = None
    if level not in (Level.CITY, Level.COUNTY, Level.TOWNSHIP):
        problems.append(Problem("region_code", "level", "应为市、县级或乡级区划代码"))
    try:
        latitude, longitude = _latitude(centre[0]), _longitude(centre[1])
    except CellError as error:
        problems.append(Problem("centre", error.code, error.message))
    if not Decimal("0.5") <= spread_km <= Decimal(200):
        problems.append(Problem("spread_km", "out_of_range", "应在 0.5 到 200 公里之间"))
    if problems:
        raise PlanningDataError(problems)
    low, high = subtree_range(region_code)
    villages = Region.objects.current().filter(
        level=int(Level.VILLAGE), code__gte=low, code__lte=high
    )
    codes = set(villages.values_list("code", flat=True))
    if only_codes is not None:
        codes &= only_codes
    taken = set(
        VillagePoint.objects.filter(region_code__in=codes).values_list("region_code", flat=True)
    )
    points = scatter_villages(
        sorted(codes - taken), (float(latitude), float(longitude)), float(spread_km) * 1000
    )
    outcome = ImportOutcome(rows=len(codes), unchanged=len(taken))
    outcome.created = store_generated_points(
        actor=actor,
        region_code=region_code,
        points=points,
        detail={"centre": [str(latitude), str(longitude)], "spread_km": str(spread_km)},
    )
    return outcome


def store_generated_points(
    *,
    actor: Any,
    region_code: str,
    points: dict[str, tuple[float, float]],
    detail: dict[str, Any],
) -> int:
    """Store illustrative points for villages that have none; returns how many were added.

    Called by generate_village_points after its checks and by the demo loader (actor None).
    """
    with refusing_clashes():
        taken = set(
            VillagePoint.objects.filter(region_code__in=list(points)).values_list(
                "region_code", flat=True
            )
        )
        new = [
            VillagePoint(
                region_code=code,
                latitude=Decimal(str(lat)),
                longitude=Decimal(str(lng)),
                source=PointSource.GENERATED,
            )
            for code, (lat, lng) in sorted(points.items())
            if code not in taken
        ]
        VillagePoint.objects.bulk_create(new)
        if new:
            record(
                actor=actor,
                action=AuditAction.CREATE,
                object_type="planning.villagepoint",
                object_repr=f"生成示意位置 {region_code}",
                region_code=region_code,
                detail={**detail, "created": len(new), "kept": len(taken)},
            )
    return len(new)
