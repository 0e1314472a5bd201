"""The statistics page as an Excel workbook (xlsxwriter, like the other exports); audited."""

import io
from datetime import date
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _

from eldercare.carevisits.rules.compliance import last_complete_week
from eldercare.carevisits.services.statistics import Figure, RegionFigures
from eldercare.core.audit import record
from eldercare.core.models import AuditAction


def _headers() -> list[str]:
    return [
        _("区划代码"),
        _("区划"),
        _("重点老人"),
        _("已签协议"),
        _("签约率"),
        _("上周应判定协议"),
        _("上周达标"),
        _("达标率"),
        _("农村分散特困老人"),
        _("“三个一”落实"),
        _("“三个一”落实率"),
    ]


def statistics_xlsx(actor: Any, region_code: str, on: date, rows: list[RegionFigures]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    try:
        sheet = workbook.add_worksheet(_("关爱探访统计"))
        head = workbook.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1})
        percent = workbook.add_format({"num_format": "0.00%"})
        sheet.write_row(
            0, 0, [_("统计日期"), on.isoformat(), _("达标判定周"), last_complete_week(on).label]
        )
        sheet.write_row(1, 0, _headers(), head)
        sheet.set_column(0, 0, 14)
        sheet.set_column(1, 1, 22)
        sheet.set_column(2, 10, 12)
        for index, row in enumerate(rows, start=2):
            sheet.write_string(index, 0, row.code or "")
            sheet.write_string(index, 1, row.name)
            for column, figure in ((2, row.agreements), (5, row.compliance), (8, row.three_ones)):
                _write_figure(sheet, index, column, figure, percent)
    finally:
        workbook.close()
    record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="carevisits.statistics",
        region_code=region_code,
        detail={"format": "xlsx", "as_of": on.isoformat(), "rows": len(rows)},
    )
    return buffer.getvalue()


def _write_figure(sheet: Any, row: int, column: int, figure: Figure, percent: Any) -> None:
    sheet.write_number(row, column, figure.denominator)
    sheet.write_number(row, column + 1, figure.numerator)
    if figure.value is not None:
        sheet.write_number(row, column + 2, float(figure.value), percent)
