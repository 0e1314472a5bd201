"""Governance indicators computed from this app's records (settings.DOMAIN_INDICATORS)."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.db.models import Count

from eldercare.alarms.statistics import covered_q, key_elderly
from eldercare.governance.indicators.computed import share
from eldercare.governance.rules.scoring import IndicatorValue


def emergency_help_coverage(region_code: str, on: date) -> IndicatorValue:
    """重点老年人应急救助服务覆盖率: key elderly (see statistics.py: living alone, or empty-nest
    with another special difficulty, on the register on `on`) with an active emergency-help
    device bound to them and installed on or before `on`, over all key elderly of the subtree."""
    counts = key_elderly(region_code, on).aggregate(
        total=Count("pk"), covered=Count("pk", filter=covered_q(on))
    )
    return IndicatorValue(
        "emergency_help_coverage",
        on,
        share(counts["covered"], counts["total"]),
        Decimal(counts["covered"]),
        Decimal(counts["total"]),
        "alarms",
    )


INDICATORS: dict[str, Callable[[str, date], IndicatorValue]] = {
    "emergency_help_coverage": emergency_help_coverage,
}
