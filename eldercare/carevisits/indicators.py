"""Governance indicators computed from this app's records (settings.DOMAIN_INDICATORS).

- care_visit_compliance on day D: agreements of the region's residents judged for the last
  complete ISO week before D (the week ending on the Sunday before D's week; partial weeks of
  starting or ending agreements are not judged), share that met their weekly requirement.
- three_ones_visit_rate on day D: rural scattered destitute elderly on the register on D, share
  with "三个一" over the 4 complete weeks before D (rules/compliance.ThreeOnesRule).
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from eldercare.carevisits.rules.compliance import DEFAULT_THREE_ONES, last_complete_week
from eldercare.carevisits.services.statistics import (
    Figure,
    three_ones_coverage,
    weekly_compliance,
)
from eldercare.governance.rules.scoring import IndicatorValue


def _value(code: str, on: date, figure: Figure, evidence: str) -> IndicatorValue:
    return IndicatorValue(
        code,
        on,
        figure.value,
        Decimal(figure.numerator),
        Decimal(figure.denominator),
        "carevisits",
        evidence,
    )


def care_visit_compliance(region_code: str, on: date) -> IndicatorValue:
    week = last_complete_week(on)
    return _value(
        "care_visit_compliance", on, weekly_compliance(region_code, on), f"周 {week.label}"
    )


def three_ones_visit_rate(region_code: str, on: date) -> IndicatorValue:
    last = last_complete_week(on)
    first = last.shifted(1 - DEFAULT_THREE_ONES.weeks)
    return _value(
        "three_ones_visit_rate",
        on,
        three_ones_coverage(region_code, on),
        f"{first.monday:%Y-%m-%d}—{last.sunday:%Y-%m-%d}",
    )


INDICATORS: dict[str, Callable[[str, date], IndicatorValue]] = {
    "care_visit_compliance": care_visit_compliance,
    "three_ones_visit_rate": three_ones_visit_rate,
}
