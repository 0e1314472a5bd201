"""The statistics page and its Excel export (audited): coverage of key elderly by region, alarm
counts by kind, response times."""

import io
from datetime import date, timedelta
from typing import Any

import xlsxwriter
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from eldercare.accounts.access import Action, requires, scope_code, scoped
from eldercare.alarms.models import Alarm
from eldercare.alarms.statistics import (
    alarms_in,
    counts_by_kind,
    coverage_by_region,
    response_figures,
)
from eldercare.core import audit
from eldercare.core.models import AuditAction
from eldercare.core.normalize import ValueFormatError, parse_date

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period(request: HttpRequest) -> tuple[date, date]:
    today = timezone.localdate()
    try:
        end = parse_date(request.GET["to"]) if request.GET.get("to") else today
        start = (
            parse_date(request.GET["from"]) if request.GET.get("from") else end - timedelta(days=29)
        )
    except ValueFormatError:
        return today - timedelta(days=29), today
    return (start, end) if start <= end else (end, start)


def figures(user: Any, start: date, end: date) -> dict[str, Any]:
    region = scope_code(user) or ""
    alarms = alarms_in(scoped(user, Alarm.objects.all()), start, end)
    return {
        "start": start,
        "end": end,
        "coverage": coverage_by_region(region, end),
        "kinds": counts_by_kind(alarms),
        "response": response_figures(alarms),
    }


@requires(Action.VIEW_ALARMS)
def statistics_page(request: HttpRequest) -> HttpResponse:
    start, end = _period(request)
    return render(request, "alarms/statistics.html", figures(request.user, start, end))


def _minutes(seconds: float | None) -> float | None:
    return round(seconds / 60, 1) if seconds is not None else None


def _sheets(data: dict[str, Any]) -> dict[str, list[list[Any]]]:
    response = data["response"]
    return {
        _("应急救助覆盖"): [
            [_("区划代码"), _("区划"), _("重点老年人"), _("已覆盖"), _("覆盖率"), _("在用设备")],
            *[
                [
                    row.code,
                    row.name,
                    row.key_elderly,
                    row.covered,
                    round(row.share, 4) if row.share is not None else None,
                    row.devices,
                ]
                for row in data["coverage"]
            ],
        ],
        _("报警类型"): [
            [_("统计期间"), f"{data['start']:%Y-%m-%d} — {data['end']:%Y-%m-%d}"],
            [_("报警类型"), _("次数")],
            *[[row["label"], row["count"]] for row in data["kinds"]],
        ],
        _("响应时间"): [
            [_("报警数"), response.count],
            [_("已响应"), response.acknowledged],
            [_("已结案"), response.closed],
            [_("响应用时中位数（分钟）"), _minutes(response.ack_median)],
            [_("响应用时P90（分钟）"), _minutes(response.ack_p90)],
            [_("结案用时中位数（分钟）"), _minutes(response.close_median)],
            [_("结案用时P90（分钟）"), _minutes(response.close_p90)],
        ],
    }


def statistics_xlsx(data: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    try:
        for title, rows in _sheets(data).items():
            sheet = workbook.add_worksheet(title)
            for number, row in enumerate(rows):
                sheet.write_row(number, 0, row)
    finally:
        workbook.close()
    return buffer.getvalue()


@requires(Action.VIEW_ALARMS)
def statistics_export(request: HttpRequest) -> HttpResponse:
    start, end = _period(request)
    data = figures(request.user, start, end)
    content = statistics_xlsx(data)
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="alarms.statistics",
        object_repr="应急救助统计",
        region_code=scope_code(request.user) or "",
        detail={"from": start, "to": end, "regions": len(data["coverage"]), "unmasked": False},
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, f"应急救助统计-{end:%Y%m%d}.xlsx"
    )
    return response
