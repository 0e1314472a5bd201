"""The dashboard's fund figure: received, spent and rate per fund kind as the execution page
computes them, and every bar opening that page for the same region, kind and day."""

import re
from datetime import date

import pytest
from django.test import Client

from eldercare.accounts.models import Role
from eldercare.dashboards.figures.base import FigureContext, open_slots
from eldercare.funds import services
from eldercare.funds.figures import build_execution
from tests.dashboards.conftest import path_of, query_of
from tests.funds.conftest import Books, source_input

pytestmark = pytest.mark.django_db

ON = date(2020, 12, 31)


@pytest.fixture
def two_kinds(books: Books) -> Books:
    """County A: 10,000 central (1,000 spent by township A), 3,000 provincial unspent."""
    books.spend(100_000)
    services.create_source(
        actor=books.admin, data=source_input(books.world.county_a, 300_000, kind="provincial")
    )
    return books


def columns(data):  # type: ignore[no-untyped-def]
    return {s.name: [p.display for p in s.points] for s in data.series}


def test_received_spent_and_rate_per_kind(two_kinds: Books) -> None:
    w = two_kinds.world
    data = build_execution(FigureContext(w.county_a, None, ON))
    assert data.categories == ("中央财政补助资金", "省级财政资金")
    assert columns(data) == {
        "到位资金（元）": ["10,000.00", "3,000.00"],
        "累计支出（元）": ["1,000.00", "0.00"],
        "执行进度": ["10.0%", "0.0%"],
    }
    assert "到位 13,000.00 元" in data.note and "7.7%" in data.note
    # The township received 4,000 from the county and spent 1,000 of it.
    township = build_execution(FigureContext(w.township_a, None, ON))
    assert columns(township)["执行进度"] == ["25.0%"]
    before = build_execution(FigureContext(w.county_a, None, date(2020, 1, 1)))
    assert before.categories == () and before.empty_text
    assert "fund_execution" not in [slot.key for slot in open_slots()]


def test_every_bar_opens_the_execution_page_showing_the_same_amounts(two_kinds: Books) -> None:
    w = two_kinds.world
    client = Client()
    client.force_login(w.user(Role.COUNTY_ADMIN))
    data = build_execution(FigureContext(w.county_a, None, ON))
    received, spent, _rates = data.series
    for got, paid in zip(received.points, spent.points, strict=True):
        assert path_of(got.url) == "/funds/" and query_of(got.url)["on"] == ON.isoformat()
        body = client.get(got.url).content.decode()
        shown = dict(re.findall(r'data-testid="(received|spent)">¥([^<]+)<', body))
        assert shown == {"received": got.display, "spent": paid.display}, got.url
