"""The demo funds load for each pilot locality present, are marked as examples, keep the books
consistent, give plausible execution figures, and a second run changes nothing."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest

from eldercare.accounts.models import Role
from eldercare.funds.demo import NOTE, load_demo_funds
from eldercare.funds.execution import lottery_share, progress
from eldercare.funds.models import Allocation, Expenditure, Source
from tests import factories
from tests.conftest import World
from tests.funds.conftest import assert_consistent

pytestmark = pytest.mark.django_db

CITY = "431100000000"


def test_demo_funds_for_a_pilot_city(world: World) -> None:
    factories.region("431121000000", "祁阳县")
    out = StringIO()
    load_demo_funds(out)
    assert "永州市 演示资金来源 3 笔" in out.getvalue()
    assert Source.objects.filter(region_code=CITY, note=NOTE).count() == 3
    assert set(Allocation.objects.values_list("region_code", flat=True)) == {
        world.county_a,
        world.county_b,
        "431121000000",
        CITY,
    }
    assert_consistent()
    end_2020 = progress(CITY, date(2020, 12, 31), ["central"]).rate
    end_2021 = progress(CITY, date(2021, 12, 31), ["central"]).rate
    assert end_2020 is not None and end_2021 is not None
    assert end_2020 < end_2021 <= 1
    assert lottery_share(CITY, date(2021, 12, 31)).value == Decimal("0.9000")

    counts = (Source.objects.count(), Allocation.objects.count(), Expenditure.objects.count())
    again = StringIO()
    load_demo_funds(again)
    assert "已有演示资金，未改动" in again.getvalue()
    assert counts == (
        Source.objects.count(),
        Allocation.objects.count(),
        Expenditure.objects.count(),
    )


def test_demo_funds_need_a_system_administrator(world: World) -> None:
    world.user(Role.SYSTEM_ADMIN).delete()
    out = StringIO()
    load_demo_funds(out)
    assert "跳过" in out.getvalue() and Source.objects.count() == 0
