"""The demo orders: guarded without the demo provider, every state, idempotent."""

from io import StringIO

from eldercare.orders.demo import load_demo_orders
from eldercare.orders.models import Assignment, Order
from tests.orders.conftest import Shop


def test_demo_needs_the_demo_provider(world: object) -> None:
    out = StringIO()
    load_demo_orders(out)
    assert "请先加载服务机构演示数据" in out.getvalue()
    assert not Order.objects.exists()


def test_demo_orders_in_every_state_once(shop: Shop) -> None:
    shop.manager.username = "provider"
    shop.manager.save()
    load_demo_orders(StringIO())
    states = set(Order.objects.values_list("status", flat=True))
    assert states == {
        "new",
        "accepted",
        "dispatched",
        "in_service",
        "completed",
        "rated",
        "cancelled",
        "refused",
    }
    count = Order.objects.count()
    assert count == 36
    assert (
        Assignment.objects.filter(is_active=True).count()
        == Order.objects.filter(
            status__in=["dispatched", "in_service", "completed", "rated"]
        ).count()
    )
    load_demo_orders(StringIO())
    assert Order.objects.count() == count
