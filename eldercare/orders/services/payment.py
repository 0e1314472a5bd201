"""Paying a completed order: the resident's subsidy credit first (restricted to the item), the rest
self-pay. One function; the ledger reference is the order number, so a retry never pays twice."""

from eldercare.entitlements.ledger import SYSTEM, open_provider_account
from eldercare.entitlements.ledger.orders import pay_order_from_credit
from eldercare.entitlements.models import LedgerAccount
from eldercare.orders import rules
from eldercare.orders.models import Order
from eldercare.providers.models import Provider


def payment_reference(order: Order) -> str:
    return f"order:{order.number}"


def provider_account(provider: Provider) -> LedgerAccount:
    """The provider's settlement account in the ledger (opened on its first paid order)."""
    return open_provider_account(
        actor=SYSTEM,
        owner_reference=f"provider:{provider.pk}",
        region_code=provider.region_code,
        name=provider.name,
    )


def pay_order(order: Order) -> None:
    """Set the order's subsidy and self-pay parts, paying the subsidy part through the ledger."""
    reference = payment_reference(order)
    transfer = pay_order_from_credit(
        resident=order.resident,
        price_fen=order.price_fen,
        item_code=order.item.code,
        item_category=order.item.category,
        payee_account=provider_account(order.provider),
        reference=reference,
    )
    paid = transfer.amount_fen if transfer is not None else 0
    order.subsidy_fen, order.self_pay_fen = rules.split_payment(order.price_fen, paid)
    order.payment_reference = reference if transfer is not None else ""
