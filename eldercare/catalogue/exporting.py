"""Export of the list in effect at a place on a day as .xlsx (one row per item), audited.

A list is at most a few hundred rows, so the workbook is built in one pass without chunking;
prices are numbers in yuan with two decimals so that a sheet can sum them.
"""

import os
import tempfile
from datetime import date
from typing import Any, Protocol

import xlsxwriter
from django.http import FileResponse, Http404
from django.utils import timezone, translation

from eldercare.accounts.access import Action, require
from eldercare.catalogue.models import ServiceCategory, ServiceList, ServiceUnit
from eldercare.catalogue.queries import is_region_visible, items_in_effect, lists_in_effect
from eldercare.core.audit import record
from eldercare.core.models import AuditAction
from eldercare.regions.services import region_names

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME = "服务清单"
NOTES_SHEET_NAME = "说明"
HEADERS = (
    "服务类别",
    "项目编码",
    "项目名称",
    "计价单位",
    "价格（元）",
    "示例价格",
    "基本服务",
    "服务对象",
    "资金来源",
    "频次限制",
    "牵头部门",
    "服务标准",
    "最短服务时长（分钟）",
    "所属清单",
    "清单区划代码",
    "版本",
)
PRICE_COLUMN = HEADERS.index("价格（元）")


class Writable(Protocol):
    def write(self, data: bytes, /) -> Any: ...


def _list_label(service_list: ServiceList) -> str:
    return f"{service_list.name}（第{service_list.version}版）"


def export_in_effect(
    *,
    actor: Any,
    region_code: str,
    on: date,
    path_or_buffer: str | os.PathLike[str] | Writable,
) -> int:
    """Write the entries in effect at `region_code` on `on`; returns the number of items."""
    require(actor, Action.VIEW_CATALOGUE)
    if not is_region_visible(actor, region_code):
        raise Http404("区划不存在")
    entries = items_in_effect(region_code, on)
    lists = lists_in_effect(region_code, on)
    names = region_names([region_code]) if region_code else {}
    with translation.override("zh-hans"):
        categories = {value: str(label) for value, label in ServiceCategory.choices}
        units = {value: str(label) for value, label in ServiceUnit.choices}
    workbook = xlsxwriter.Workbook(
        path_or_buffer,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    try:
        sheet = workbook.add_worksheet(SHEET_NAME)
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "0.00"})
        text = workbook.add_format({"num_format": "@"})
        for column, header in enumerate(HEADERS):
            sheet.write_string(0, column, header, bold)
        sheet.set_column(0, 0, 12)
        sheet.set_column(1, 1, 12, text)
        sheet.set_column(2, 2, 28)
        sheet.set_column(7, 11, 30)
        sheet.set_column(14, 14, 14, text)
        for row, entry in enumerate(entries, start=1):
            item = entry.item
            cells: list[str | int | None] = [
                categories.get(item.category, item.category),
                item.code,
                item.name,
                units.get(item.unit, item.unit),
                None,
                "是" if entry.is_price_example else "",
                "是" if entry.is_basic else "否",
                entry.eligibility,
                entry.funding,
                entry.frequency_limit,
                entry.lead_agency,
                item.service_standard,
                item.minimum_minutes,
                _list_label(entry.service_list),
                entry.service_list.region_code or "全国",
                entry.service_list.version,
            ]
            for column, value in enumerate(cells):
                if isinstance(value, int):
                    sheet.write_number(row, column, value)
                elif value is not None:
                    sheet.write_string(row, column, value)
            if entry.local_price_fen is None:
                sheet.write_string(row, PRICE_COLUMN, "不定价")
            else:
                sheet.write_number(row, PRICE_COLUMN, entry.local_price_fen / 100, money)
        notes = workbook.add_worksheet(NOTES_SHEET_NAME)
        notes.set_column(0, 0, 16)
        notes.set_column(1, 1, 60)
        rows: list[tuple[str, str]] = [
            ("区划", f"{names.get(region_code, '')} {region_code}".strip() or "全国"),
            ("适用日期", on.isoformat()),
            ("导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M")),
            ("项目数", str(len(entries))),
        ]
        rows += [
            (
                "适用清单",
                f"{_list_label(s)}，区划 {s.region_code or '全国'}，"
                f"{s.effective_from} 至 {s.effective_to or '长期'}",
            )
            for s in lists
        ]
        rows.append(
            (
                "说明",
                "同一项目在多个清单中时，以最下级区划的清单为准；“示例价格”不是政策规定的价格。",
            )
        )
        for row, (label, value) in enumerate(rows):
            notes.write_string(row, 0, label, bold)
            notes.write_string(row, 1, value)
    finally:
        workbook.close()
    record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="catalogue.servicelist",
        object_repr=f"服务清单 {region_code or '全国'} {on}",
        region_code=region_code,
        detail={
            "region": region_code,
            "on": on.isoformat(),
            "count": len(entries),
            "lists": [s.pk for s in lists],
        },
    )
    return len(entries)


def export_response(*, actor: Any, region_code: str, on: date) -> FileResponse:
    """The export as a download, for the page and the API alike."""
    file = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it once sent
    try:
        export_in_effect(actor=actor, region_code=region_code, on=on, path_or_buffer=file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return FileResponse(
        file,
        as_attachment=True,
        filename=f"服务清单-{region_code or '全国'}-{on:%Y%m%d}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
