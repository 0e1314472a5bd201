"""The coverage report as .xlsx: summary, sub-regions, uncovered villages, facilities by kind,
residential areas against the space standard. Every export writes one audit row."""

import tempfile
from typing import Any

import xlsxwriter
from django.http import FileResponse

from eldercare.accounts.access import Action, require, scoped
from eldercare.core.audit import record
from eldercare.core.models import AuditAction
from eldercare.planning.models import ResidentialArea
from eldercare.planning.reports import CoverageReport
from eldercare.planning.rules.coverage import CoverageTally
from eldercare.planning.rules.space_standard import SpaceStatus
from eldercare.regions.codes import subtree_range

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TALLY_HEADERS = (
    "村（社区）数",
    "已定位",
    "服务圈覆盖",
    "村（社区）覆盖率",
    "无设施的村（社区）",
    "在册老年人",
    "服务圈内老年人",
    "老年人覆盖率",
)
STATUS_NAMES = {
    SpaceStatus.BELOW: "低于标准",
    SpaceStatus.WITHIN: "达标",
    SpaceStatus.ABOVE: "高于标准",
}


def _tally_cells(total: CoverageTally) -> list[Any]:
    return [
        total.villages,
        total.located,
        total.covered,
        float(total.village_share) if total.village_share is not None else "",
        total.without_facility,
        total.residents,
        total.residents_covered,
        float(total.resident_share) if total.resident_share is not None else "",
    ]


def _write_rows(sheet: Any, headers: tuple[str, ...], rows: list[list[Any]], bold: Any) -> None:
    for column, header in enumerate(headers):
        sheet.write_string(0, column, header, bold)
        sheet.set_column(column, column, max(12, len(header) * 2))
    for number, cells in enumerate(rows, start=1):
        for column, value in enumerate(cells):
            if isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(number, column, value)
            else:
                sheet.write_string(number, column, str(value))


def export_coverage(*, actor: Any, report: CoverageReport, path_or_buffer: Any) -> None:
    require(actor, Action.VIEW_GOVERNANCE)
    region = report.region
    low, high = subtree_range(region.code)
    areas = list(
        scoped(actor, ResidentialArea.objects.filter(region_code__gte=low, region_code__lte=high))
    )
    workbook = xlsxwriter.Workbook(
        path_or_buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    try:
        bold = workbook.add_format({"bold": True})
        summary = workbook.add_worksheet("汇总")
        _write_rows(
            summary,
            ("区划代码", "区划", *TALLY_HEADERS),
            [[region.code, region.name, *_tally_cells(report.total)]],
            bold,
        )
        summary.write_string(3, 0, "说明", bold)
        summary.write_string(
            3,
            1,
            f"计算时间 {report.computed_at:%Y-%m-%d %H:%M}；服务半径 = 步行时间 × 步行速度（直线距离）；"
            "未定位的村（社区）计为未覆盖。",
        )
        _write_rows(
            workbook.add_worksheet("下级区划"),
            ("区划代码", "区划", *TALLY_HEADERS),
            [[c.code, c.name, *_tally_cells(c.tally)] for c in report.children],
            bold,
        )
        _write_rows(
            workbook.add_worksheet("未覆盖村（社区）"),
            (
                "区划代码",
                "村（社区）",
                "在册老年人",
                "最近设施",
                "距离（米）",
                "服务半径（米）",
                "原因",
            ),
            [
                [
                    r.code,
                    report.village_names.get(r.code, ""),
                    r.site.residents,
                    report.facility_name(r.nearest_facility),
                    round(r.distance_m) if r.distance_m is not None else "",
                    round(r.site.radius_m),
                    "未定位" if not r.site.is_located else "超出服务半径",
                ]
                for r in report.uncovered
            ],
            bold,
        )
        _write_rows(
            workbook.add_worksheet("无设施的村（社区）"),
            ("区划代码", "村（社区）", "在册老年人", "服务圈覆盖"),
            [
                [
                    r.code,
                    report.village_names.get(r.code, ""),
                    r.site.residents,
                    "是" if r.is_covered else "否",
                ]
                for r in report.results
                if r.site.facilities_in_village == 0
            ],
            bold,
        )
        _write_rows(
            workbook.add_worksheet("设施类型"),
            ("设施类型", "正常运营", "合计"),
            [[k.label, k.operating, k.total] for k in report.kinds],
            bold,
        )
        _write_rows(
            workbook.add_worksheet("居住小区用房"),
            ("区划代码", "小区", "类型", "户数", "用房面积", "最低标准", "每百户", "结论"),
            [
                [
                    a.region_code,
                    a.name,
                    a.get_kind_display(),
                    a.households,
                    float(a.service_floor_area_m2),
                    float(a.space_check.minimum_m2),
                    float(a.space_check.per_100_households or 0),
                    STATUS_NAMES[a.space_check.status],
                ]
                for a in areas
            ],
            bold,
        )
    finally:
        workbook.close()
    record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="planning.coverage",
        object_repr=f"服务圈覆盖报告 {region.name}",
        region_code=region.code,
        detail={
            "region": region.code,
            "villages": report.total.villages,
            "uncovered": len(report.uncovered),
            "areas": len(areas),
        },
    )


def export_response(*, actor: Any, report: CoverageReport) -> FileResponse:
    file = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it once sent
    try:
        export_coverage(actor=actor, report=report, path_or_buffer=file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return FileResponse(
        file,
        as_attachment=True,
        filename=f"服务圈覆盖-{report.region.code}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
