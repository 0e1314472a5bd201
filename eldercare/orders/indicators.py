"""Governance indicators computed from this app's records (settings.DOMAIN_INDICATORS).

purchased_service_coverage (政府购买服务覆盖率), as of a day `on`:
- eligible: residents on the register that day, living in the region, with an individual subsidy
  grant (Entitlement) in effect that day: its first month has begun (first_month ≤ on), its last
  month (if any) is not over (last_month ≥ the first of on's month), and it was not ended by then
  (still active, or ended only after that day);
- numerator: those of them with at least one completed (or rated) order with a subsidy part > 0,
  completed in the 90 days ending on `on` (local days on-89 … on, inclusive).
"""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from eldercare.entitlements.models import Entitlement, EntitlementStatus
from eldercare.governance.indicators.computed import in_region, on_register, share
from eldercare.governance.rules.scoring import IndicatorValue
from eldercare.orders import rules
from eldercare.orders.models import Order
from eldercare.registry.models import Resident

COVERAGE_DAYS = 90


def _grant_in_effect(on: date) -> Q:
    tz = timezone.get_current_timezone()
    end_of_day = datetime.combine(on + timedelta(days=1), time.min, tzinfo=tz)
    grants = Entitlement.objects.filter(
        Q(last_month__isnull=True) | Q(last_month__gte=on.replace(day=1)),
        Q(status=EntitlementStatus.ACTIVE) | Q(ended_at__gte=end_of_day),
        resident=OuterRef("pk"),
        first_month__lte=on,
    )
    return Q(Exists(grants))


def _subsidised_order(on: date) -> Q:
    tz = timezone.get_current_timezone()
    low = datetime.combine(on - timedelta(days=COVERAGE_DAYS - 1), time.min, tzinfo=tz)
    high = datetime.combine(on + timedelta(days=1), time.min, tzinfo=tz)
    orders = Order.objects.filter(
        resident=OuterRef("pk"),
        status__in=(rules.COMPLETED, rules.RATED),
        subsidy_fen__gt=0,
        completed_at__gte=low,
        completed_at__lt=high,
    )
    return Q(Exists(orders))


def purchased_service_coverage(region_code: str, on: date) -> IndicatorValue:
    eligible = Resident.objects.filter(
        in_region("region_code", region_code), on_register(on), _grant_in_effect(on)
    )
    total = eligible.count()
    hits = eligible.filter(_subsidised_order(on)).count()
    return IndicatorValue(
        "purchased_service_coverage",
        on,
        share(hits, total),
        Decimal(hits),
        Decimal(total),
        "orders",
        f"近 {COVERAGE_DAYS} 天内有补贴支付的已完成订单",
    )


INDICATORS: dict[str, Callable[[str, date], IndicatorValue]] = {
    "purchased_service_coverage": purchased_service_coverage,
}
