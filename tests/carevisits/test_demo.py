"""The demo loader signs agreements for the demo village's key elderly, logs two weeks of
contacts with met and unmet weeks, and a second run adds nothing."""

import io
from datetime import date

import pytest
import time_machine

from eldercare.accounts.models import Role
from eldercare.carevisits.demo import load_demo_care_visits
from eldercare.carevisits.models import CareAgreement, CareContact
from eldercare.carevisits.services.statistics import weekly_compliance
from tests import factories
from tests.carevisits.builders import key_resident
from tests.conftest import World


@pytest.mark.django_db
def test_demo_is_idempotent_and_mixed(world: World) -> None:
    factories.user("village", Role.VILLAGE_WORKER, world.village_a)
    factories.user("township", Role.TOWNSHIP_WORKER, world.township_a)
    for number in range(4):
        key_resident(world.village_a, f"演示{number}")
    with time_machine.travel("2026-12-05 20:00 +08:00", tick=False):  # Saturday of W49
        out = io.StringIO()
        load_demo_care_visits(out)
        assert "新签协议 4 份" in out.getvalue()
        contacts = CareContact.objects.count()
        assert CareAgreement.objects.count() == 4 and contacts > 0
        load_demo_care_visits(out := io.StringIO())
        assert "新签协议 0 份，新增探访记录 0 条" in out.getvalue()
        assert CareContact.objects.count() == contacts
        figure = weekly_compliance(world.village_a, date(2026, 12, 5))
    assert figure.denominator == 4 and 0 < figure.numerator < 4
