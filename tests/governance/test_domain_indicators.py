"""Domain apps contribute computed indicators through settings.DOMAIN_INDICATORS."""

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from eldercare.governance.indicators import computed
from eldercare.governance.indicators.values import indicator_value
from eldercare.governance.rules.scoring import IndicatorValue


def _fund_execution(region_code: str, on: date) -> IndicatorValue:
    return IndicatorValue("fund_execution_rate", on, Decimal("0.5"), Decimal(1), Decimal(2), "test")


GOOD = {"fund_execution_rate": _fund_execution}
UNKNOWN = {"no_such_indicator": _fund_execution}
CLASH = {"registered_count": _fund_execution}


@pytest.fixture(autouse=True)
def fresh_registry() -> Iterator[None]:
    computed.domain_indicators.cache_clear()
    yield
    computed.domain_indicators.cache_clear()


@override_settings(DOMAIN_INDICATORS=["tests.governance.test_domain_indicators.GOOD"])
def test_a_registered_indicator_is_computed_not_entered(db) -> None:
    assert computed.is_computed("fund_execution_rate")
    value = indicator_value("fund_execution_rate", "431102000000", date(2026, 6, 30))
    assert value is not None and value.value == Decimal("0.5") and value.source == "test"


@override_settings(DOMAIN_INDICATORS=[])
def test_without_the_app_the_indicator_stays_manual(db) -> None:
    assert not computed.is_computed("fund_execution_rate")


@pytest.mark.parametrize(
    ("entry", "message"),
    [("UNKNOWN", "不在指标目录中"), ("CLASH", "已由其他模块计算")],
)
def test_a_bad_registration_is_refused_at_start(entry: str, message: str) -> None:
    path = f"tests.governance.test_domain_indicators.{entry}"
    with (
        override_settings(DOMAIN_INDICATORS=[path]),
        pytest.raises(ImproperlyConfigured, match=message),
    ):
        computed.domain_indicators()
