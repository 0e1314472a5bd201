"""The dashboard's service figure: exact counts per category and status, and every bar equal to
the order list it opens (region, category, status and days), from a village up to the country;
the list's new region and category filters refuse bad values with a clear message."""

from datetime import date

import pytest
from django.test import Client

from eldercare.accounts.models import Role
from eldercare.dashboards.figures.base import FigureContext
from eldercare.orders import services
from eldercare.orders.errors import OrderDataError
from eldercare.orders.figures import FIGURES, build_services
from eldercare.orders.queries import orders_for
from tests import factories
from tests.dashboards.conftest import path_of, query_of
from tests.orders.conftest import Shop, at

TODAY = date(2026, 11, 20)  # the figure's day: orders served 10-22 .. 11-20 count


@pytest.fixture
def served(shop: Shop) -> Shop:
    neighbour = factories.resident(shop.world.village_a2, name="刘爷爷", sex="M")
    rated = shop.advance(shop.place(), "rated")
    assert rated.status == "rated"
    services.cancel_order(
        actor=shop.worker, order=shop.place(starts_at=at(18, 9), ends_at=at(18, 10)), reason="住院"
    )
    shop.place(
        actor=shop.operator,
        resident=neighbour,
        item=shop.meal,
        starts_at=at(19, 11),
        ends_at=at(19, 12),
    )
    shop.place(starts_at=at(25, 9), ends_at=at(25, 10))  # after the figure's day: not counted
    return shop


def test_counts_per_category_and_status(served: Shop) -> None:
    w = served.world
    data = build_services(FigureContext(w.county_a, None, TODAY))
    assert data.categories == ("助餐", "助洁")
    assert {s.name: [p.value for p in s.points] for s in data.series} == {
        "待接单": [1, 0],
        "已评价": [0, 1],
        "已取消": [0, 1],
    }
    assert "共 3 单" in data.note
    village = build_services(FigureContext(w.village_a2, None, TODAY))
    assert village.categories == ("助餐",)
    empty = build_services(FigureContext(w.county_b, None, TODAY))
    assert empty.categories == () and empty.series == () and empty.empty_text


def test_every_bar_equals_the_order_list_it_opens(served: Shop) -> None:
    w = served.world
    admin = w.user(Role.SYSTEM_ADMIN)
    checked = 0
    for region in ("", "431100000000", w.county_a, w.township_a, w.village_a, w.village_a2):
        for series in build_services(FigureContext(region, None, TODAY)).series:
            for point in series.points:
                assert path_of(point.url) == "/orders/"
                assert point.value == orders_for(admin, query_of(point.url)).count(), point.url
                checked += 1
    assert checked > 10


def test_the_list_page_opens_filtered_from_a_bar(served: Shop) -> None:
    client = Client()
    client.force_login(served.world.user(Role.COUNTY_ADMIN))
    data = build_services(FigureContext(served.world.village_a2, None, TODAY))
    (series,) = data.series
    response = client.get(series.points[0].url)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('href="/orders/') >= 1 and "上门送餐" in body and "居家保洁" not in body
    assert 'data-testid="region-filter"' in body


@pytest.mark.parametrize(
    ("params", "field"),
    [({"region": "零陵区"}, "region"), ({"category": "massage"}, "category")],
)
def test_bad_list_filters_are_clear_errors(served: Shop, params: dict, field: str) -> None:
    admin = served.world.user(Role.SYSTEM_ADMIN)
    with pytest.raises(OrderDataError) as caught:
        orders_for(admin, params)
    assert caught.value.problems[0].field == field
    client = Client()
    client.force_login(admin)
    response = client.get("/orders/", params)
    assert response.status_code == 200
    assert "没有符合条件的订单" in response.content.decode()


def test_the_figure_is_registered_in_its_slot() -> None:
    from eldercare.dashboards.figures.base import open_slots, registered_figures

    assert FIGURES[0] in registered_figures()
    assert "services_delivered" not in [slot.key for slot in open_slots()]
