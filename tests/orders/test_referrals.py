"""Orders placed for other apps: an alarm's on-site visit becomes a 助急 order when a provider
serving the village has a price for such an item; otherwise nothing is placed."""

from datetime import date

from eldercare.catalogue.models import ServiceItem
from eldercare.orders.models import Channel, Order, OrderStatus
from eldercare.orders.services.referrals import place_referral_order
from eldercare.providers.models import ProviderPrice, ProviderStatus
from tests.orders.conftest import Shop


def _emergency_item(shop: Shop) -> ServiceItem:
    item = ServiceItem.objects.create(
        code="ZJ-990", name="紧急上门探视", category="emergency", unit="visit"
    )
    ProviderPrice.objects.create(
        provider=shop.provider, item=item, price_fen=5000, effective_from=date(2026, 1, 1)
    )
    return item


def test_an_urgent_visit_is_placed_with_the_serving_provider(shop: Shop) -> None:
    item = _emergency_item(shop)
    shop.resident.residence_address = "零陵区多福社区 3 栋 201"
    shop.resident.save()
    order = place_referral_order(
        actor=shop.operator,
        resident=shop.resident,
        category="emergency",
        reason="一键呼救后无人接听，请上门查看",
        channel=Channel.HOTLINE,
        requester_phone="报警 7",
    )
    assert order is not None
    assert (order.provider, order.item, order.status) == (shop.provider, item, OrderStatus.NEW)
    assert order.price_fen == 5000 and order.notes.startswith("一键呼救")
    assert order.ends_at > order.starts_at


def test_without_a_priced_item_or_an_active_provider_nothing_is_placed(shop: Shop) -> None:
    shop.resident.residence_address = "零陵区多福社区 3 栋 201"
    shop.resident.save()
    assert (
        place_referral_order(
            actor=shop.operator, resident=shop.resident, category="emergency", reason="上门"
        )
        is None
    )
    _emergency_item(shop)
    shop.provider.status = ProviderStatus.SUSPENDED
    shop.provider.save()
    assert (
        place_referral_order(
            actor=shop.operator, resident=shop.resident, category="emergency", reason="上门"
        )
        is None
    )
    assert Order.objects.count() == 0
