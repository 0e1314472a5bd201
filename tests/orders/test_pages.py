"""The pages: thin views over the services, scoped, and usable by each role."""

from datetime import timedelta

import pytest
from django.test import Client

from eldercare.orders import services
from eldercare.orders.models import Order, Statement
from eldercare.orders.views import WHY_NOT_PAGE
from tests.orders.conftest import HOME, Shop, staff


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_worker_places_an_order_through_the_form(shop: Shop) -> None:
    client = _client(shop.worker)
    url = f"/orders/new/?resident={shop.resident.pk}"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "provider": shop.provider.pk,
            "item": shop.cleaning.code,
            "starts_at": "2026-11-17T09:00",
            "ends_at": "2026-11-17T11:00",
            "address": "多福社区 3 栋",
            "latitude": str(HOME[0]),
            "longitude": str(HOME[1]),
            "requested_by": "resident",
        },
    )
    order = Order.objects.get()
    assert response.status_code == 302 and response.url == f"/orders/{order.pk}/"
    assert order.price_fen == 5_000
    page = client.get(response.url).content.decode()
    assert order.number in page and "待接单" in page


def test_bad_form_input_shows_the_problem_and_writes_nothing(shop: Shop) -> None:
    client = _client(shop.worker)
    response = client.post(
        f"/orders/new/?resident={shop.resident.pk}",
        {
            "provider": shop.provider.pk,
            "item": shop.cleaning.code,
            "starts_at": "明天",
            "ends_at": "",
            "address": "",
        },
    )
    assert response.status_code == 400
    assert "开始时间" in response.content.decode()
    assert not Order.objects.exists()


def test_manager_accepts_and_dispatches_from_the_pages(shop: Shop) -> None:
    order = shop.place()
    client = _client(shop.manager)
    assert client.post(f"/orders/{order.pk}/accept/").status_code == 302
    page = client.get(f"/orders/{order.pk}/dispatch/").content.decode()
    assert "李护理" in page and "赵送餐 没有“居家保洁”的服务技能" in page
    client.post(f"/orders/{order.pk}/dispatch/", {"caregiver": shop.near.pk})
    order.refresh_from_db()
    assert order.status == "dispatched" and order.caregiver == shop.near


def test_the_dispatch_page_explains_a_page_of_staff_and_finds_anyone_by_name(shop: Shop) -> None:
    for n in range(WHY_NOT_PAGE):
        # Latin names sort before Chinese ones under any collation: these fill the first page.
        staff(shop.provider, f"A{n:02d}", region_code=shop.world.county_a, items=(shop.meal,))
    order = services.accept_order(actor=shop.manager, order=shop.place())
    client = _client(shop.manager)
    page = client.get(f"/orders/{order.pk}/dispatch/").content.decode()
    total = WHY_NOT_PAGE + 4  # the shop's three caregivers and its manager
    assert f"共 {total} 人，已核对按姓名排序的前 {WHY_NOT_PAGE} 人" in page
    assert "A00 没有“居家保洁”的服务技能" in page
    assert "赵送餐" not in page  # sorted after the first page of names
    found = client.get(f"/orders/{order.pk}/dispatch/", {"name": "赵"}).content.decode()
    assert "赵送餐 没有“居家保洁”的服务技能" in found and "A00" not in found
    assert 'data-testid="why-not-limit"' not in found
    nobody = client.get(f"/orders/{order.pk}/dispatch/", {"name": "李"}).content.decode()
    assert "已核对的人员都符合派单条件" in nobody


def test_illegal_step_from_a_page_is_a_message_not_a_crash(shop: Shop) -> None:
    order = shop.place()
    client = _client(shop.worker)
    response = client.post(f"/orders/{order.pk}/rate/", {"rating": "5"}, follow=True)
    assert "不能评价" in response.content.decode()
    order.refresh_from_db()
    assert order.status == "new"


def test_caregiver_today_page_checks_in_and_out(shop: Shop) -> None:
    order = shop.advance(shop.place(), "dispatched")
    shop.clock.move_to(order.starts_at + timedelta(minutes=2))
    client = _client(shop.caregiver)
    page = client.get("/orders/today/").content.decode()
    assert order.number in page and "到达签到" in page
    client.post(
        f"/orders/{order.pk}/check_in/", {"latitude": str(HOME[0]), "longitude": str(HOME[1])}
    )
    shop.clock.move_to(order.starts_at + timedelta(minutes=100))
    client.post(
        f"/orders/{order.pk}/check_out/", {"work_done": "拖地", "latitude": "", "longitude": ""}
    )
    order.refresh_from_db()
    assert order.status == "completed" and order.check_in_distance_m == 0


@pytest.mark.parametrize(
    ("role", "url", "code"),
    [
        ("caregiver", "/orders/supervision/", 403),
        ("provider_manager", "/orders/statements/", 403),
        ("village_worker", "/orders/today/", 403),
        ("township_worker", "/orders/supervision/", 200),
        ("county_admin", "/orders/statements/", 200),
        ("auditor", "/orders/", 200),
    ],
)
def test_pages_need_their_action(shop: Shop, role: str, url: str, code: int) -> None:
    assert _client(shop.world.user(role)).get(url).status_code == code


def test_scope_hides_other_orders(shop: Shop) -> None:
    order = shop.place()
    assert _client(shop.world.user("county_b_admin")).get(f"/orders/{order.pk}/").status_code == 404
    assert (
        order.number
        not in _client(shop.world.user("county_b_admin")).get("/orders/").content.decode()
    )


def test_statement_pages_and_export(shop: Shop) -> None:
    shop.advance(shop.place(), "completed")
    client = _client(shop.world.user("county_admin"))
    response = client.post(
        "/orders/statements/", {"provider": shop.provider.pk, "month": "2026-11"}
    )
    statement = Statement.objects.get()
    assert response.url == f"/orders/statements/{statement.pk}/"
    assert "补贴合计与账本支付一致" in client.get(response.url).content.decode()
    export = client.get(f"/orders/statements/{statement.pk}/export/")
    assert export.status_code == 200 and export.content[:2] == b"PK"
    client.post(response.url)
    statement.refresh_from_db()
    assert statement.status == "confirmed"


def test_order_form_for_a_resident_out_of_scope_is_404(shop: Shop) -> None:
    from tests import factories

    stranger = factories.resident(shop.world.village_b, name="外区老人")
    response = _client(shop.worker).get(f"/orders/new/?resident={stranger.pk}")
    assert response.status_code == 404


def test_resident_panel_lists_orders_and_links_to_booking(shop: Shop) -> None:
    from django.test import RequestFactory

    from eldercare.orders.views import resident_panel

    order = shop.place()
    request = RequestFactory().get("/")
    request.user = shop.worker
    html = resident_panel(request, shop.resident)
    assert order.number in html and f"/orders/new/?resident={shop.resident.pk}" in html
    request.user = shop.world.user("assessor")
    assert resident_panel(request, shop.resident) == ""
