"""Governance indicators computed from this app's records (settings.DOMAIN_INDICATORS)."""

from collections.abc import Callable
from datetime import date

from eldercare.governance.rules.scoring import IndicatorValue

INDICATORS: dict[str, Callable[[str, date], IndicatorValue]] = {}
