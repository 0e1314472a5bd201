"""Governance is tested on its own: indicators the domain apps compute are entered by hand here
(each app tests its own indicators, and test_domain_indicators tests the registration)."""

from collections.abc import Iterator
from typing import Any

import pytest

from eldercare.governance.indicators import computed


@pytest.fixture(autouse=True)
def governance_alone(settings: Any) -> Iterator[None]:
    settings.DOMAIN_INDICATORS = []
    computed.domain_indicators.cache_clear()
    yield
    computed.domain_indicators.cache_clear()
