"""Excel exports of the entitlements app, each audited (actor, region, filters, count):

- the month's credits ("who gets what this month"): one row per credit, ID numbers masked unless
  the actor may see them unmasked (the registry's masking and audit rules);
- accounts with their balances;
- one account's monthly statement (opening balance, every movement, closing balance).

Rows are streamed and written with xlsxwriter in constant-memory mode: a county's month is
hundreds of thousands of rows. Amounts are numbers in yuan with two decimals, so a sheet sums them.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import date, datetime
from itertools import islice
from typing import Any, Protocol

import xlsxwriter
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone

from eldercare.accounts.access import Action, can, require, scope_code, scoped
from eldercare.core.audit import record
from eldercare.core.masking import mask_id_number
from eldercare.core.models import AuditAction
from eldercare.entitlements import ledger
from eldercare.entitlements.models import (
    AccountKind,
    CreditKind,
    FundSource,
    LedgerAccount,
    Transfer,
)
from eldercare.entitlements.reports import basis_label, basis_of, rule_names
from eldercare.entitlements.runs import ledger_item_labels
from eldercare.regions.codes import parent_code
from eldercare.regions.services import region_names

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_SIZE = 2_000
CREDIT_HEADERS = (
    "补贴月份",
    "姓名",
    "公民身份号码",
    "所属区划代码",
    "所属乡镇（街道）",
    "所属村（社区）",
    "补贴类别",
    "发放依据",
    "依据名称",
    "金额（元）",
    "限用项目",
    "有效期至",
    "业务编号",
    "发放时间",
)
ACCOUNT_HEADERS = (
    "账户编号",
    "账户名称",
    "账户类型",
    "补贴类别",
    "资金来源类别",
    "区划代码",
    "区划名称",
    "余额（元）",
    "开户时间",
)
STATEMENT_HEADERS = (
    "时间",
    "原因",
    "收入（元）",
    "支出（元）",
    "余额（元）",
    "服务项目",
    "业务编号",
    "事由",
)


class Writable(Protocol):
    def write(self, data: bytes, /) -> Any: ...


class _Sheet:
    """A constant-memory workbook with one sheet and typed cells."""

    def __init__(
        self, target: str | os.PathLike[str] | Writable, name: str, headers: tuple[str, ...]
    ):
        self.workbook = xlsxwriter.Workbook(
            target,
            {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
        )
        self.sheet = self.workbook.add_worksheet(name)
        self.money = self.workbook.add_format({"num_format": "0.00"})
        self.day = self.workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.moment = self.workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.text = self.workbook.add_format({"num_format": "@"})
        bold = self.workbook.add_format({"bold": True})
        self.headers = headers
        for column, header in enumerate(headers):
            self.sheet.set_column(
                column, column, 22 if "代码" in header or "号码" in header else 14
            )
            self.sheet.write_string(0, column, header, bold)
        self.row = 0

    def add(self, cells: list[Any], money: tuple[int, ...] = ()) -> None:
        self.row += 1
        for column, value in enumerate(cells):
            if value is None or value == "":
                continue
            if column in money:
                self.sheet.write_number(self.row, column, value / 100, self.money)
            elif isinstance(value, datetime):
                self.sheet.write_datetime(
                    self.row, column, timezone.localtime(value).replace(tzinfo=None), self.moment
                )
            elif isinstance(value, date):
                self.sheet.write_datetime(self.row, column, value, self.day)
            elif isinstance(value, int):
                self.sheet.write_number(self.row, column, value)
            else:
                self.sheet.write_string(self.row, column, str(value), self.text)

    def close(self) -> None:
        self.workbook.close()


def _chunks(rows: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while chunk := list(islice(rows, size)):
        yield chunk


# --- credits ------------------------------------------------------------------------------------


def export_credits(
    *,
    actor: Any,
    queryset: QuerySet[Transfer],
    filters: dict[str, str],
    path_or_buffer: str | os.PathLike[str] | Writable,
) -> int:
    """The month's credits of `queryset` (re-scoped to the actor); returns the number of rows."""
    require(actor, Action.VIEW_ENTITLEMENTS)
    is_unmasked = can(actor, Action.VIEW_UNMASKED)
    names = rule_names()
    regions: dict[str, str] = {}
    kinds = dict(CreditKind.choices)
    rows = (
        scoped(actor, queryset)
        .values_list(
            "month",
            "resident__name",
            "resident__id_number",
            "region_code",
            "payee__credit_kind",
            "reference",
            "amount_fen",
            "created_lot__items",
            "created_lot__expires_on",
            "created_at",
        )
        .iterator(chunk_size=CHUNK_SIZE)
    )
    sheet = _Sheet(path_or_buffer, "发放名单", CREDIT_HEADERS)
    count = 0
    try:
        for chunk in _chunks(rows, CHUNK_SIZE):
            _add_region_names(regions, (row[3] for row in chunk))
            for (
                month,
                name,
                id_number,
                region,
                kind,
                reference,
                amount,
                items,
                expires,
                at,
            ) in chunk:
                basis = basis_of(reference)
                sheet.add(
                    [
                        f"{month:%Y-%m}" if month else "",
                        name,
                        id_number if is_unmasked else mask_id_number(id_number or ""),
                        region,
                        regions.get(parent_code(region), ""),
                        regions.get(region, ""),
                        str(kinds.get(kind, kind)),
                        basis,
                        basis_label(basis, names),
                        amount,
                        "不限" if items is None else "、".join(ledger_item_labels(items)),
                        expires,
                        reference,
                        at,
                    ],
                    money=(9,),
                )
                count += 1
    finally:
        sheet.close()
    record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="entitlements.transfer",
        object_repr=f"补贴发放名单 {filters.get('month', '')}",
        region_code=scope_code(actor) or "",
        detail={"filters": dict(filters), "count": count, "unmasked": is_unmasked},
    )
    return count


def _add_region_names(names: dict[str, str], codes: Any) -> None:
    wanted = {code for village in set(codes) for code in (village, parent_code(village))}
    missing = wanted - names.keys()
    if missing:
        names.update(dict.fromkeys(missing, ""))
        names.update(region_names(missing))


# --- accounts -----------------------------------------------------------------------------------


def export_accounts(
    *,
    actor: Any,
    queryset: QuerySet[LedgerAccount],
    filters: dict[str, str],
    path_or_buffer: str | os.PathLike[str] | Writable,
) -> int:
    require(actor, Action.VIEW_ACCOUNTS)
    kinds = dict(AccountKind.choices)
    credit_kinds = dict(CreditKind.choices)
    sources = dict(FundSource.choices)
    regions: dict[str, str] = {}
    rows = (
        scoped(actor, queryset)
        .values_list(
            "pk",
            "name",
            "kind",
            "credit_kind",
            "fund_source",
            "region_code",
            "balance_fen",
            "created_at",
        )
        .iterator(chunk_size=CHUNK_SIZE)
    )
    sheet = _Sheet(path_or_buffer, "补贴账户", ACCOUNT_HEADERS)
    count = 0
    try:
        for chunk in _chunks(rows, CHUNK_SIZE):
            missing = {row[5] for row in chunk} - regions.keys()
            if missing:
                regions.update(dict.fromkeys(missing, ""))
                regions.update(region_names(missing))
            for pk, name, kind, credit_kind, source, region, balance, created in chunk:
                sheet.add(
                    [
                        pk,
                        name,
                        str(kinds.get(kind, kind)),
                        str(credit_kinds.get(credit_kind, "")),
                        str(sources.get(source, "")),
                        region,
                        regions.get(region, ""),
                        balance,
                        created,
                    ],
                    money=(7,),
                )
                count += 1
    finally:
        sheet.close()
    record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="entitlements.ledgeraccount",
        object_repr="补贴账户余额",
        region_code=scope_code(actor) or "",
        detail={"filters": dict(filters), "count": count},
    )
    return count


# --- a statement --------------------------------------------------------------------------------


def export_statement(
    *,
    actor: Any,
    account: LedgerAccount,
    month: date,
    path_or_buffer: str | os.PathLike[str] | Writable,
) -> int:
    """One account's statement of `month`; the caller fetched `account` through accounts.access."""
    require(actor, Action.VIEW_ACCOUNTS)
    statement = ledger.statement(account, month)
    sheet = _Sheet(path_or_buffer, f"{month:%Y-%m}", STATEMENT_HEADERS)
    try:
        sheet.add(["", "期初余额", None, None, statement.opening_fen], money=(4,))
        for line in statement.lines:
            sheet.add(
                [
                    line.created_at,
                    line.cause_label,
                    line.amount_fen if line.amount_fen > 0 else None,
                    -line.amount_fen if line.amount_fen < 0 else None,
                    line.balance_fen,
                    line.item_code,
                    line.reference,
                    line.reason,
                ],
                money=(2, 3, 4),
            )
        sheet.add(
            ["", "期末余额", statement.in_fen, statement.out_fen, statement.closing_fen],
            money=(2, 3, 4),
        )
        sheet.sheet.write_string(sheet.row + 2, 0, f"账户：{account.name}（编号 {account.pk}）")
    finally:
        sheet.close()
    record(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=account,
        region_code=account.region_code,
        detail={"statement_month": f"{month:%Y-%m}", "lines": len(statement.lines)},
    )
    return len(statement.lines)


# --- as a download ------------------------------------------------------------------------------


def xlsx_response(write: Callable[[Any], int], filename: str) -> FileResponse:
    """Run an export into a temporary file and send it (the page and the API alike)."""
    file = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it once sent
    try:
        write(file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
