"""Monthly statements: totals, reconciliation against the ledger, freezing, Excel export."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from eldercare.core.models import AuditEvent
from eldercare.entitlements import ledger
from eldercare.entitlements.models import Transfer
from eldercare.orders import services
from eldercare.orders.errors import OrderDataError, OrderStateError
from eldercare.orders.services.payment import payment_reference
from tests.orders.conftest import Shop, at

NOVEMBER = date(2026, 11, 1)


def _month_of_orders(shop: Shop) -> list[object]:
    shop.fund_resident(7_000, items=["cleaning"])
    first = shop.advance(shop.place(), "completed")  # 5000: all subsidy
    second = shop.advance(
        shop.place(starts_at=at(18, 9), ends_at=at(18, 11)), "rated"
    )  # 2000 + 3000
    shop.place(starts_at=at(19, 9), ends_at=at(19, 10))  # not completed: not in the statement
    return [first, second]


def test_statement_totals_and_reconciliation(shop: Shop) -> None:
    _month_of_orders(shop)
    admin = shop.world.user("county_admin")
    statement = services.prepare_statement(actor=admin, provider=shop.provider, month=NOVEMBER)
    assert (statement.order_count, statement.total_fen) == (2, 10_000)
    assert (statement.subsidy_fen, statement.self_pay_fen, statement.ledger_fen) == (
        7_000,
        3_000,
        7_000,
    )
    assert statement.is_reconciled
    statement = services.confirm_statement(actor=admin, statement=statement)
    assert statement.status == "confirmed"
    with pytest.raises(OrderStateError, match="已确认"):
        services.prepare_statement(actor=admin, provider=shop.provider, month=NOVEMBER)
    with pytest.raises(OrderStateError):
        services.confirm_statement(actor=admin, statement=statement)


def test_a_ledger_mismatch_is_shown_and_blocks_confirmation(shop: Shop) -> None:
    first, _second = _month_of_orders(shop)
    admin = shop.world.user("county_admin")
    payment = Transfer.objects.get(reference=payment_reference(first))
    ledger.refund_payment(
        actor=admin, payment=payment, amount_fen=1_000, reference="refund:1", reason="少做一项"
    )
    statement = services.prepare_statement(actor=admin, provider=shop.provider, month=NOVEMBER)
    assert (statement.subsidy_fen, statement.ledger_fen) == (7_000, 6_000)
    assert not statement.is_reconciled
    line = statement.lines.get(order=first)
    assert (line.subsidy_fen, line.ledger_fen) == (5_000, 4_000)
    with pytest.raises(OrderStateError, match="不一致"):
        services.confirm_statement(actor=admin, statement=statement)


def test_export_is_audited(shop: Shop) -> None:
    _month_of_orders(shop)
    admin = shop.world.user("county_admin")
    statement = services.prepare_statement(actor=admin, provider=shop.provider, month=NOVEMBER)
    content = services.export_statement(actor=admin, statement=statement)
    assert content[:2] == b"PK"
    assert AuditEvent.objects.filter(action="export", object_type="orders.statement").count() == 1


def test_who_may_settle(shop: Shop) -> None:
    _month_of_orders(shop)
    with pytest.raises(PermissionDenied):
        services.prepare_statement(
            actor=shop.world.user("township_worker"), provider=shop.provider, month=NOVEMBER
        )
    with pytest.raises(OrderDataError):
        services.prepare_statement(
            actor=shop.world.user("county_admin"), provider=shop.provider, month=date(2027, 1, 1)
        )
