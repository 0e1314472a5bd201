"""The facility survey as an Excel workbook; every export is audited.

Written with xlsxwriter (the project's pinned Excel writer; openpyxl is not a dependency) in
constant-memory mode, row by row.
"""

import tempfile
from typing import Any

import xlsxwriter
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone

from eldercare.core.audit import record
from eldercare.core.models import AuditAction
from eldercare.providers.models import Facility
from eldercare.regions.services import region_names

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [
    "设施名称",
    "设施类型",
    "所在村（社区）",
    "区划代码",
    "地址",
    "纬度（WGS-84）",
    "经度（WGS-84）",
    "建筑面积（平方米）",
    "床位数",
    "运营方式",
    "运营机构",
    "开放时间",
    "提供的服务",
    "正常运营",
    "试点期间新建",
    "签约医疗卫生机构",
    "建成日期",
]


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def _row(facility: Facility, names: dict[str, str]) -> list[Any]:
    return [
        facility.name,
        facility.get_kind_display(),
        names.get(facility.region_code, ""),
        facility.region_code,
        facility.address,
        float(facility.latitude) if facility.latitude is not None else None,
        float(facility.longitude) if facility.longitude is not None else None,
        float(facility.floor_area_m2) if facility.floor_area_m2 is not None else None,
        facility.beds,
        facility.get_operation_mode_display(),
        facility.operator.name if facility.operator else "",
        facility.opening_hours,
        "、".join(item.name for item in facility.services.all()),
        _yes(facility.is_operating),
        _yes(facility.is_newly_built),
        facility.medical_partner,
        facility.built_on.isoformat() if facility.built_on else "",
    ]


def export_facilities(
    *, actor: Any, facilities: QuerySet[Facility], region_code: str, filters: dict[str, str]
) -> FileResponse:
    rows = list(facilities.select_related("operator").prefetch_related("services"))
    names = region_names(f.region_code for f in rows)
    file = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it once sent
    try:
        book = xlsxwriter.Workbook(file, {"constant_memory": True, "in_memory": False})
        sheet = book.add_worksheet("养老服务设施")
        sheet.write_row(0, 0, HEADERS)
        for number, facility in enumerate(rows, start=1):
            sheet.write_row(number, 0, _row(facility, names))
        book.close()
    except BaseException:
        file.close()
        raise
    file.seek(0)
    record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="providers.facility",
        region_code=region_code,
        detail={"count": len(rows), "filters": filters},
    )
    return FileResponse(
        file,
        as_attachment=True,
        filename=f"养老服务设施-{timezone.localdate():%Y%m%d}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
