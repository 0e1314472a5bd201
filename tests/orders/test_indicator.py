"""purchased_service_coverage on a small world, with exact values."""

from datetime import date
from decimal import Decimal

from eldercare.entitlements.models import Entitlement
from eldercare.orders.indicators import INDICATORS, purchased_service_coverage
from tests import factories
from tests.orders.conftest import Shop

ON = date(2026, 11, 17)


def _grant(resident: object, first: date, last: date | None = None, **extra: object) -> None:
    Entitlement.objects.create(
        resident=resident,
        kind="monthly_service_credit",
        amount_fen=10_000,
        first_month=first,
        last_month=last,
        reason="测试",
        source_reference=f"grant:{resident.pk}:{first}",  # type: ignore[attr-defined]
        granted_by_username="admin",
        **extra,
    )


def test_coverage_counts_granted_residents_with_a_subsidised_completed_order(shop: Shop) -> None:
    _grant(shop.resident, date(2026, 10, 1))
    idle = factories.resident(shop.world.village_a, name="没下单")
    _grant(idle, date(2026, 11, 1))
    ended = factories.resident(shop.world.village_a, name="已到期")
    _grant(ended, date(2026, 1, 1), date(2026, 10, 1))
    future = factories.resident(shop.world.village_a, name="下月起")
    _grant(future, date(2026, 12, 1))
    factories.resident(shop.world.village_a, name="无资格")
    shop.fund_resident(10_000)
    shop.advance(shop.place(), "completed")

    value = purchased_service_coverage(shop.world.county_a, ON)
    assert (value.numerator, value.denominator, value.value) == (
        Decimal(1),
        Decimal(2),
        Decimal("0.5000"),
    )
    # The day before the visit nobody was served yet; county B has nobody eligible.
    assert purchased_service_coverage(shop.world.county_a, date(2026, 11, 16)).numerator == 0
    assert purchased_service_coverage(shop.world.county_b, ON).value is None
    assert INDICATORS["purchased_service_coverage"] is purchased_service_coverage


def test_a_self_paid_order_does_not_count(shop: Shop) -> None:
    _grant(shop.resident, date(2026, 10, 1))
    shop.advance(shop.place(), "completed")
    assert purchased_service_coverage(shop.world.county_a, ON).numerator == 0
