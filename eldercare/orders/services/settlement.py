"""Monthly statements per provider: completed orders of the month (by completion time, local),
their subsidy and self-pay parts, reconciled against the ledger's payments for exactly those
orders. A mismatch is stored and shown, never hidden; a confirmed statement is frozen."""

from datetime import date, datetime, time
from io import BytesIO
from typing import Any

import xlsxwriter
from django.db import transaction
from django.db.models import Sum
from django.http import Http404
from django.utils import timezone

from eldercare.accounts.access import Action, require, scoped
from eldercare.core.audit import record
from eldercare.core.models import AuditAction
from eldercare.core.money import format_fen
from eldercare.entitlements.models import Cause, LedgerAccount, Transfer
from eldercare.orders import rules
from eldercare.orders.errors import OrderStateError, data_error
from eldercare.orders.models import Order, Statement, StatementLine, StatementStatus
from eldercare.orders.services.common import now
from eldercare.orders.services.payment import payment_reference
from eldercare.providers.models import Provider


def month_bounds(month: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    first = month.replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return datetime.combine(first, time.min, tzinfo=tz), datetime.combine(
        following, time.min, tzinfo=tz
    )


def ledger_paid(provider: Provider, orders: list[Order]) -> dict[str, int]:
    """Net ledger payments (payments minus refunds) to the provider, by order payment reference."""
    account = LedgerAccount.objects.filter(owner_reference=f"provider:{provider.pk}").first()
    if account is None:
        return {}
    references = [payment_reference(order) for order in orders]
    payments = Transfer.objects.filter(
        cause=Cause.ORDER_PAYMENT, payee=account, reference__in=references
    )
    paid = dict(payments.values_list("reference", "amount_fen"))
    refunds = (
        Transfer.objects.filter(refund_of__in=payments)
        .values("refund_of__reference")
        .annotate(total=Sum("amount_fen"))
    )
    for row in refunds:
        paid[row["refund_of__reference"]] -= row["total"]
    return paid


def prepare_statement(*, actor: Any, provider: Provider, month: date) -> Statement:
    """Compute (or recompute) the draft statement of `provider` for `month`."""
    require(actor, Action.SETTLE_ORDERS)
    provider = _visible_provider(actor, provider)
    month = month.replace(day=1)
    low, high = month_bounds(month)
    if low > now():
        raise data_error("month", "future", "不能结算尚未开始的月份")
    with transaction.atomic():
        statement, _created = Statement.objects.select_for_update().get_or_create(
            provider=provider, month=month, defaults={"computed_at": now()}
        )
        if statement.status == StatementStatus.CONFIRMED:
            raise OrderStateError(
                f"{provider.name} {month:%Y-%m} 的结算单已确认，不能重新计算", code="frozen"
            )
        orders = list(
            Order.objects.filter(
                provider=provider,
                status__in=(rules.COMPLETED, rules.RATED),
                completed_at__gte=low,
                completed_at__lt=high,
            ).order_by("completed_at", "pk")
        )
        paid = ledger_paid(provider, orders)
        statement.lines.all().delete()
        lines = [
            StatementLine(
                statement=statement,
                order=order,
                price_fen=order.price_fen,
                subsidy_fen=order.subsidy_fen or 0,
                self_pay_fen=order.self_pay_fen or 0,
                ledger_fen=paid.get(payment_reference(order), 0),
            )
            for order in orders
        ]
        StatementLine.objects.bulk_create(lines)
        statement.order_count = len(lines)
        statement.total_fen = sum(line.price_fen for line in lines)
        statement.subsidy_fen = sum(line.subsidy_fen for line in lines)
        statement.self_pay_fen = sum(line.self_pay_fen for line in lines)
        statement.ledger_fen = sum(line.ledger_fen for line in lines)
        statement.computed_at = now()
        statement.save()
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=statement,
            region_code=provider.region_code,
            detail={
                "month": f"{month:%Y-%m}",
                "orders": statement.order_count,
                "subsidy_fen": statement.subsidy_fen,
                "ledger_fen": statement.ledger_fen,
            },
        )
    return statement


def confirm_statement(*, actor: Any, statement: Statement) -> Statement:
    """Freeze the statement. A statement whose subsidy does not match the ledger cannot be
    confirmed: the difference must be found and fixed first."""
    require(actor, Action.SETTLE_ORDERS)
    with transaction.atomic():
        locked = (
            scoped(actor, Statement.objects.select_for_update(of=("self",)))
            .select_related("provider")
            .filter(pk=statement.pk)
            .first()
        )
        if locked is None:
            raise Http404("记录不存在")
        if locked.status == StatementStatus.CONFIRMED:
            raise OrderStateError("该结算单已确认", code="frozen")
        if not locked.is_reconciled:
            raise OrderStateError(
                f"补贴合计 {format_fen(locked.subsidy_fen)} 元与账本支付 "
                f"{format_fen(locked.ledger_fen)} 元不一致，不能确认",
                code="unreconciled",
            )
        locked.status, locked.confirmed_by, locked.confirmed_at = (
            StatementStatus.CONFIRMED,
            actor,
            now(),
        )
        locked.save()
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            region_code=locked.provider.region_code,
            changes={"status": [StatementStatus.DRAFT, StatementStatus.CONFIRMED]},
        )
    return locked


def export_statement(*, actor: Any, statement: Statement) -> bytes:
    """The statement as an Excel workbook (audited as an export)."""
    require(actor, Action.SETTLE_ORDERS)
    visible = scoped(actor, Statement.objects.select_related("provider")).filter(pk=statement.pk)
    found = visible.first()
    if found is None:
        raise Http404("记录不存在")
    rows: list[list[Any]] = [
        [f"{found.provider.name} {found.month:%Y年%m月} 服务结算单", found.get_status_display()],
        [
            "订单编号",
            "服务项目",
            "完成时间",
            "价格（元）",
            "补贴（元）",
            "自付（元）",
            "账本支付（元）",
        ],
    ]
    for line in found.lines.select_related("order__item"):
        completed = line.order.completed_at
        rows.append(
            [
                line.order.number,
                line.order.item.name,
                timezone.localtime(completed).strftime("%Y-%m-%d %H:%M") if completed else "",
                format_fen(line.price_fen),
                format_fen(line.subsidy_fen),
                format_fen(line.self_pay_fen),
                format_fen(line.ledger_fen),
            ]
        )
    rows.append(
        [
            "合计",
            f"{found.order_count} 单",
            "",
            format_fen(found.total_fen),
            format_fen(found.subsidy_fen),
            format_fen(found.self_pay_fen),
            format_fen(found.ledger_fen),
        ]
    )
    if not found.is_reconciled:
        rows.append(
            ["补贴合计与账本支付不一致（元）", format_fen(found.subsidy_fen - found.ledger_fen)]
        )
    buffer = BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = workbook.add_worksheet(f"{found.month:%Y-%m}")
    for number, row in enumerate(rows):
        sheet.write_row(number, 0, row)
    workbook.close()
    record(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=found,
        region_code=found.provider.region_code,
        detail={"month": f"{found.month:%Y-%m}", "lines": found.order_count},
    )
    return buffer.getvalue()


def _visible_provider(actor: Any, provider: Provider) -> Provider:
    found = scoped(actor, Provider.objects.filter(pk=provider.pk)).first()
    if found is None:
        raise Http404("记录不存在")
    return found
