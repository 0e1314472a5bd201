"""A scoring run exported in the layout of the original sheet (Excel and PDF), audited.

The columns are the sheet's own (序号, 工作内容, 工作要求, the year's requirements, the goals) followed
by 分值, 得分 and 评分依据; an item spans one row per sub-item with its cells merged, the sub-item
text carries its points in brackets as printed ("1.2020年9月底前成立（1分）"), and the totals close
the table: base items, bonus items, total. The load warnings (item 3) are printed under it.
"""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eldercare.core.audit import record
from eldercare.core.models import AuditAction
from eldercare.core.pdf import pdf_response, render_pdf
from eldercare.governance.models import ScoringRun
from eldercare.governance.rules.scoring_sheet_file import DEFAULT_COLUMNS
from eldercare.regions.services import region_names

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUS_NOTES = {"missing": gettext_lazy("（缺少数据，按0分计）")}


def _columns(run: ScoringRun) -> dict[str, str]:
    return {**DEFAULT_COLUMNS, **(run.sheet.columns or {})}


def sub_item_label(sub: dict[str, Any]) -> str:
    number = f"{sub['number']}." if sub.get("number") else ""
    return number + _("%(text)s（%(points)s分）") % {"text": sub["text"], "points": sub["maximum"]}


def evidence_text(sub: dict[str, Any]) -> str:
    parts = [sub.get("explanation") or ""]
    indicator = sub.get("indicator")
    if indicator and indicator.get("denominator"):
        parts.append(
            f"{indicator['name']}：{indicator['numerator']}/{indicator['denominator']}"
            f"（{indicator['as_of']}）"
        )
    elif indicator:
        parts.append(f"{indicator['name']}：{indicator['value']}（{indicator['as_of']}）")
    if sub.get("evidence"):
        parts.append(_("依据：%(evidence)s") % {"evidence": sub["evidence"]})
    if indicator and indicator.get("evidence"):
        parts.append(_("依据：%(evidence)s") % {"evidence": indicator["evidence"]})
    return "；".join(p for p in parts if p) + str(STATUS_NOTES.get(sub.get("status", ""), ""))


def _title(run: ScoringRun) -> tuple[str, str]:
    region = region_names([run.region_code]).get(run.region_code, run.region_code)
    return (
        run.sheet.title,
        _("考核对象：%(region)s（%(code)s）  考核日期：%(day)s")
        % {"region": region, "code": run.region_code, "day": f"{run.as_of:%Y-%m-%d}"},
    )


def _audit(actor: Any, run: ScoringRun, kind: str) -> None:
    record(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=run,
        region_code=run.region_code,
        detail={"format": kind, "sheet": run.sheet_id, "as_of": run.as_of},
    )


def run_xlsx(run: ScoringRun) -> bytes:
    report = run.report
    columns = _columns(run)
    headers = [
        columns["number"],
        columns["name"],
        columns["requirement"],
        columns["sub_items"],
        columns["goals"],
        columns["points"],
        columns["score"],
        columns["evidence"],
    ]
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    try:
        sheet = workbook.add_worksheet(_("考核表"))
        wrap = {"text_wrap": True, "valign": "vcenter", "border": 1}
        cell = workbook.add_format(wrap)
        center = workbook.add_format({**wrap, "align": "center"})
        number = workbook.add_format({**wrap, "align": "center", "num_format": "0.##"})
        head = workbook.add_format({**wrap, "align": "center", "bold": True, "bg_color": "#EEEEEE"})
        title_format = workbook.add_format({"bold": True, "font_size": 16, "align": "center"})
        for column, width in enumerate((6, 22, 34, 40, 34, 8, 8, 44)):
            sheet.set_column(column, column, width)
        title, subtitle = _title(run)
        sheet.merge_range(0, 0, 0, 7, title, title_format)
        sheet.merge_range(1, 0, 1, 7, subtitle, workbook.add_format({"align": "center"}))
        for column, header in enumerate(headers):
            sheet.write_string(2, column, header, head)
        row = 3
        for item in report["items"]:
            subs = item["sub_items"]
            first, last = row, row + len(subs) - 1
            name = (
                _("%(name)s（加分项目，%(maximum)s分）")
                if item["is_bonus"]
                else _("%(name)s（%(maximum)s分）")
            ) % {"name": item["name"], "maximum": item["maximum"]}
            for column, value in (
                (0, item["number"]),
                (1, name),
                (2, item["requirement"]),
                (4, "\n".join(item["goals"])),
            ):
                if first == last:
                    sheet.write_string(first, column, value, center if column == 0 else cell)
                else:
                    sheet.merge_range(
                        first, column, last, column, value, center if column == 0 else cell
                    )
            item_points = float(item["points"])
            for offset, sub in enumerate(subs):
                sheet.write_string(first + offset, 3, sub_item_label(sub), cell)
                sheet.write_number(first + offset, 5, float(sub["maximum"]), number)
                sheet.write_number(first + offset, 6, float(sub["points"]), number)
                sheet.write_string(first + offset, 7, evidence_text(sub), cell)
            if item["is_capped"]:
                sheet.write_comment(
                    first,
                    6,
                    _("细项合计%(raw)s分，按本项%(maximum)s分封顶为%(points)s分")
                    % {"raw": item["raw"], "maximum": item["maximum"], "points": item["points"]},
                )
            row = last + 1
            sheet.write_string(row, 3, _("第%(number)s项得分") % {"number": item["number"]}, cell)
            sheet.write_number(row, 5, float(item["maximum"]), number)
            sheet.write_number(row, 6, item_points, number)
            sheet.write_string(row, 7, _("按本项分值封顶") if item["is_capped"] else "", cell)
            row += 1
        for label, points, maximum in (
            (_("基本项目合计"), report["base_total"], report["base_maximum"]),
            (_("加分项目合计"), report["bonus_total"], report["bonus_maximum"]),
            (_("总得分"), report["total"], None),
        ):
            sheet.merge_range(row, 0, row, 4, label, center)
            if maximum is None:
                sheet.write_string(row, 5, "", cell)
            else:
                sheet.write_number(row, 5, float(maximum), number)
            sheet.write_number(row, 6, float(points), number)
            sheet.write_string(row, 7, "", cell)
            row += 1
        for warning in report.get("warnings", []):
            sheet.merge_range(
                row,
                0,
                row,
                7,
                _("说明：%(warning)s") % {"warning": warning},
                workbook.add_format({"text_wrap": True}),
            )
            row += 1
        sheet.freeze_panes(3, 0)
    finally:
        workbook.close()
    return buffer.getvalue()


def _filename(run: ScoringRun, extension: str) -> str:
    return f"{run.sheet.title}-{run.region_code}-{run.as_of:%Y%m%d}.{extension}"


def run_xlsx_response(*, actor: Any, run: ScoringRun) -> HttpResponse:
    content = run_xlsx(run)
    _audit(actor, run, "xlsx")
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=_filename(run, "xlsx")
    )
    return response


def run_pdf(run: ScoringRun) -> bytes:
    title, subtitle = _title(run)
    items = []
    for item in run.report["items"]:
        items.append(
            {
                **item,
                "rows": [
                    {"label": sub_item_label(sub), "sub": sub, "evidence": evidence_text(sub)}
                    for sub in item["sub_items"]
                ],
                "span": len(item["sub_items"]),
            }
        )
    return render_pdf(
        "governance/run_pdf.html",
        {
            "title": title,
            "subtitle": subtitle,
            "columns": _columns(run),
            "items": items,
            "report": run.report,
        },
    )


def run_pdf_response(*, actor: Any, run: ScoringRun) -> HttpResponse:
    content = run_pdf(run)
    _audit(actor, run, "pdf")
    return pdf_response(content, _filename(run, "pdf"))
