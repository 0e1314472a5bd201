"""Indicator values for a region and day, whatever their source, and the targets that apply.

A computed indicator is computed (indicators/computed.py). A manual one is the latest value
entered for exactly that region with a statistics date not after the day; manual values are not
rolled up from sub-regions (a county's fund execution is not the sum of its townships' rates).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from eldercare.governance.indicators.computed import computed_value, is_computed
from eldercare.governance.models import IndicatorTarget, ManualIndicatorValue
from eldercare.governance.rules.indicator_catalogue import CATALOGUE, IndicatorDefinition
from eldercare.governance.rules.scoring import IndicatorKey, IndicatorValue
from eldercare.regions.codes import RegionCodeError, ancestor_codes


def manual_value(code: str, region_code: str, on: date) -> IndicatorValue | None:
    entry = (
        ManualIndicatorValue.objects.filter(code=code, region_code=region_code, as_of__lte=on)
        .order_by("-as_of", "-id")
        .first()
    )
    if entry is None:
        return None
    return IndicatorValue(
        code=code,
        as_of=entry.as_of,
        value=entry.value,
        numerator=entry.numerator,
        denominator=entry.denominator,
        source="manual",
        evidence=entry.evidence,
    )


def indicator_value(code: str, region_code: str, on: date) -> IndicatorValue | None:
    if is_computed(code):
        return computed_value(code, region_code, on)
    return manual_value(code, region_code, on)


def indicator_values(
    needs: Iterable[IndicatorKey], region_code: str
) -> dict[IndicatorKey, IndicatorValue]:
    found = {}
    for code, on in needs:
        value = indicator_value(code, region_code, on)
        if value is not None:
            found[(code, on)] = value
    return found


def applicable_targets(code: str, region_code: str) -> list[IndicatorTarget]:
    """Targets set for the region itself, for the regions above it, or nationally."""
    try:
        regions = ["", *ancestor_codes(region_code)] if region_code else [""]
    except RegionCodeError:
        regions = [""]
    return list(
        IndicatorTarget.objects.filter(code=code, region_code__in=regions).order_by(
            "due_on", "value", "id"
        )
    )


@dataclass(frozen=True)
class TargetGap:
    target: IndicatorTarget
    gap: Decimal | None  # value − target (for an upper bound, target − value); None without a value

    @property
    def is_met(self) -> bool | None:
        return None if self.gap is None else self.gap >= 0


@dataclass(frozen=True)
class IndicatorRow:
    definition: IndicatorDefinition
    value: IndicatorValue | None
    targets: list[TargetGap]


def indicator_row(code: str, region_code: str, on: date) -> IndicatorRow:
    value = indicator_value(code, region_code, on)
    gaps = []
    for target in applicable_targets(code, region_code):
        gap = None
        if value is not None and value.value is not None:
            gap = (
                target.value - value.value if target.is_upper_bound else value.value - target.value
            )
        gaps.append(TargetGap(target, gap))
    return IndicatorRow(CATALOGUE[code], value, gaps)
