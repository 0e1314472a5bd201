"""Excel ledger of a source or of a region's subtree (资金台账): sources, allocations and
expenditures, reversals and corrections included and marked, so an auditor can trace every
change. One audit row per export. Amounts are numbers in yuan, so the sheet sums them."""

from datetime import date
from io import BytesIO
from typing import Any

import xlsxwriter
from django.db.models import Count, QuerySet
from django.http import Http404

from eldercare.accounts.access import Action, in_scope, require
from eldercare.core.audit import record
from eldercare.core.models import AuditAction
from eldercare.funds.models import Allocation, Entry, Expenditure, Source
from eldercare.governance.indicators.computed import in_region
from eldercare.regions.services import region_names

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SOURCE_HEADERS = (
    "编号",
    "年度",
    "资金来源",
    "资金名称",
    "所属区划",
    "文号",
    "到位日期",
    "金额（元）",
    "状态",
    "更正原因",
    "录入人",
)
ALLOCATION_HEADERS = (
    "编号",
    "资金编号",
    "资金名称",
    "下达区划",
    "项目",
    "用途",
    "文号",
    "下达日期",
    "金额（元）",
    "状态",
    "更正原因",
    "录入人",
)
EXPENDITURE_HEADERS = (
    "编号",
    "下达编号",
    "资金名称",
    "区划",
    "支出日期",
    "收款单位（人）",
    "用途",
    "凭证号",
    "金额（元）",
    "凭证附件数",
    "状态",
    "更正原因",
    "录入人",
)


def status_of(entry: Entry) -> str:
    if entry.reverses_id is not None:
        return f"冲销（原编号 {entry.reverses_id}）"
    if entry.is_reversed:
        return "已冲销"
    if entry.corrects_id is not None:
        return f"更正（原编号 {entry.corrects_id}）"
    return "正常"


def ledger_entries(
    *, source: Source | None = None, region_code: str | None = None
) -> tuple[QuerySet[Source], QuerySet[Allocation], QuerySet[Expenditure]]:
    if source is not None:
        sources = Source.objects.filter(pk=source.pk)
        allocations = Allocation.objects.filter(source=source)
        expenditures = Expenditure.objects.filter(allocation__source=source)
    else:
        code = region_code or ""
        sources = Source.objects.filter(in_region("region_code", code))
        allocations = Allocation.objects.filter(in_region("region_code", code))
        expenditures = Expenditure.objects.filter(in_region("region_code", code))
    return (
        sources.select_related("created_by", "reversal").order_by("received_on", "id"),
        allocations.select_related("source", "project", "created_by", "reversal").order_by(
            "allocated_on", "id"
        ),
        expenditures.select_related("allocation__source", "created_by", "reversal").order_by(
            "spent_on", "id"
        ),
    )


def export_ledger(
    *, actor: Any, source: Source | None = None, region_code: str | None = None
) -> tuple[bytes, int]:
    """The workbook and its number of entry rows; audited."""
    require(actor, Action.VIEW_FUNDS)
    scope = source.region_code if source is not None else (region_code or "")
    if not in_scope(actor, scope):
        raise Http404("记录不存在")
    sources, allocations, expenditures = ledger_entries(source=source, region_code=region_code)
    codes = {row.region_code for row in sources} | {row.region_code for row in allocations}
    codes |= {row.region_code for row in expenditures}
    names = region_names(codes)
    buffer = BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    formats = {
        "money": workbook.add_format({"num_format": "0.00"}),
        "day": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        "bold": workbook.add_format({"bold": True}),
    }
    voucher_counts = _voucher_counts(expenditures)
    count = _sheet(
        workbook,
        formats,
        "资金来源",
        SOURCE_HEADERS,
        [
            [
                row.pk,
                row.year,
                row.get_kind_display(),
                row.name,
                names.get(row.region_code, row.region_code),
                row.document_no,
                row.received_on,
                Money(row.amount_fen),
                status_of(row),
                row.reason,
                row.created_by.username,
            ]
            for row in sources
        ],
    )
    count += _sheet(
        workbook,
        formats,
        "资金下达",
        ALLOCATION_HEADERS,
        [
            [
                row.pk,
                row.source_id,
                row.source.name,
                names.get(row.region_code, row.region_code),
                row.project.name if row.project else "",
                row.get_use_display(),
                row.document_no,
                row.allocated_on,
                Money(row.amount_fen),
                status_of(row),
                row.reason,
                row.created_by.username,
            ]
            for row in allocations
        ],
    )
    count += _sheet(
        workbook,
        formats,
        "支出明细",
        EXPENDITURE_HEADERS,
        [
            [
                row.pk,
                row.allocation_id,
                row.allocation.source.name,
                names.get(row.region_code, row.region_code),
                row.spent_on,
                row.payee,
                row.purpose,
                row.voucher_no,
                Money(row.amount_fen),
                voucher_counts.get(row.pk, 0),
                status_of(row),
                row.reason,
                row.created_by.username,
            ]
            for row in expenditures
        ],
    )
    workbook.close()
    record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="funds.ledger",
        object_id=str(source.pk) if source is not None else scope,
        object_repr=f"资金台账 {source.name if source is not None else scope}",
        region_code=scope,
        detail={"source": source.pk if source else None, "region": region_code, "count": count},
    )
    return buffer.getvalue(), count


class Money(int):
    """Fen, written as a number of yuan with two decimals."""


def _sheet(
    workbook: Any,
    formats: dict[str, Any],
    name: str,
    headers: tuple[str, ...],
    rows: list[list[Any]],
) -> int:
    sheet = workbook.add_worksheet(name)
    for column, header in enumerate(headers):
        sheet.set_column(column, column, 16)
        sheet.write_string(0, column, header, formats["bold"])
    for index, cells in enumerate(rows, start=1):
        for column, value in enumerate(cells):
            if isinstance(value, Money):
                sheet.write_number(index, column, int(value) / 100, formats["money"])
            elif isinstance(value, date):
                sheet.write_datetime(index, column, value, formats["day"])
            elif isinstance(value, int):
                sheet.write_number(index, column, value)
            elif value:
                sheet.write_string(index, column, str(value))
    return len(rows)


def _voucher_counts(expenditures: QuerySet[Expenditure]) -> dict[int, int]:
    return dict(
        expenditures.filter(vouchers__isnull=False)
        .values_list("pk")
        .annotate(n=Count("vouchers"))
        .values_list("pk", "n")
    )


def ledger_filename(label: str, on: date) -> str:
    return f"资金台账-{label}-{on:%Y%m%d}.xlsx"
