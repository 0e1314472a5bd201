"""Pages: the list in effect, item and list pages, and the management flow with its scope
matrix (another county → 404, a role without MANAGE_CATALOGUE → 403, nothing changed)."""

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from eldercare.accounts.models import Role
from eldercare.catalogue.models import (
    ListKind,
    ListStatus,
    ServiceItem,
    ServiceList,
    ServiceListEntry,
)
from eldercare.core.models import AuditAction, AuditEvent
from tests.catalogue.builders import CITY, item, service_list
from tests.conftest import World


@pytest.fixture(autouse=True)
def fixed_today() -> Any:
    with time_machine.travel(datetime(2026, 5, 1, 12, tzinfo=UTC), tick=False):
        yield


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def state() -> tuple[list[Any], ...]:
    return (
        list(ServiceItem.objects.order_by("id").values()),
        list(ServiceList.objects.order_by("id").values()),
        list(ServiceListEntry.objects.order_by("id").values()),
        list(AuditEvent.objects.order_by("id").values()),
    )


@pytest.fixture
def catalogue(world: World) -> dict[str, Any]:
    meal = item("ZC-001", "助餐·集中就餐", category="meal", unit="meal")
    bath = item("ZY-001", "助浴·上门助浴", category="bath", unit="visit")
    alarm = item("JJ-001", "助急·紧急呼叫", category="emergency", unit="month", is_basic=True)
    subsidy = item(
        "JB-WZ-03", "高龄补贴", category="material_help", unit="month", standard_price_fen=None
    )
    national = service_list("", kind=ListKind.BASIC, entries=[(subsidy, None)])
    city = service_list(CITY, entries=[(meal, 1200), (bath, 8050), (alarm, 1500)])
    ServiceListEntry.objects.filter(service_list=city, item=alarm).update(is_basic=True)
    county_a = service_list(world.county_a, entries=[(meal, 1000)], name="零陵区清单")
    county_b = service_list(world.county_b, entries=[(meal, 900)], name="冷水滩区清单")
    draft_a = service_list(
        world.county_a,
        version=2,
        status=ListStatus.DRAFT,
        effective_from=None,
        entries=[(meal, 1000)],
    )
    draft_b = service_list(
        world.county_b,
        version=2,
        status=ListStatus.DRAFT,
        effective_from=None,
        entries=[(meal, 900)],
    )
    return {
        "national": national,
        "city": city,
        "county_a": county_a,
        "county_b": county_b,
        "draft_a": draft_a,
        "draft_b": draft_b,
    }


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- reading ------------------------------------------------------------------------------------


def test_the_list_in_effect_for_a_village_worker(world, catalogue) -> None:
    response = client_for(world.user(Role.VILLAGE_WORKER)).get(reverse("catalogue:home"))
    assert response.status_code == 200
    html = text(response)
    assert "多福社区居委会" in html
    # Grouped by category in the catalogue's order, prices in yuan, the county's price winning.
    groups = re.findall(r"<h2>(助餐|助浴|助急|物质帮助)</h2>", html)
    assert groups == ["助餐", "助浴", "助急", "物质帮助"]
    assert re.findall(r'data-testid="price">([^<]*)', html) == ["¥10.00", "¥80.50", "¥15.00", ""]
    assert "不定价" in html
    assert html.count('<span class="tag">基本</span>') == 1
    assert "冷水滩区清单" not in html


def test_the_in_effect_page_costs_the_same_number_of_queries_for_more_items(
    world, catalogue
) -> None:
    client = client_for(world.user(Role.VILLAGE_WORKER))
    client.get(reverse("catalogue:home"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("catalogue:home"))
    extra = [item(f"X-{n:03d}") for n in range(20)]
    ServiceListEntry.objects.bulk_create(
        ServiceListEntry(service_list=catalogue["city"], item=i, local_price_fen=100) for i in extra
    )
    with CaptureQueriesContext(connection) as many:
        assert "X-019" in client.get(reverse("catalogue:home")).content.decode()
    assert len(many) == len(few)


def test_a_region_and_a_date_can_be_chosen(world, catalogue) -> None:
    client = client_for(world.user(Role.COUNTY_ADMIN))
    html = text(
        client.get(reverse("catalogue:home"), {"region": world.village_a, "on": "2026-05-01"})
    )
    assert "¥10.00" in html
    html = text(client.get(reverse("catalogue:home"), {"on": "2023-12-31"}))
    assert "该日期没有生效的清单" in html
    # The city above is visible; the other county is not.
    assert client.get(reverse("catalogue:home"), {"region": CITY}).status_code == 200
    assert client.get(reverse("catalogue:home"), {"region": world.village_b}).status_code == 404
    assert client.get(reverse("catalogue:home"), {"region": "43x"}).status_code == 302


def test_item_and_list_pages(world, catalogue) -> None:
    client = client_for(world.user(Role.VILLAGE_WORKER))
    html = text(client.get(reverse("catalogue:item", args=["zc-001"])))
    assert "助餐·集中就餐" in html and '<dd data-testid="price">¥10.00' in html
    assert "零陵区清单" in html and "冷水滩区清单" not in html
    html = text(client.get(reverse("catalogue:lists")))
    assert "零陵区清单" in html and "冷水滩区清单" not in html
    assert "草稿" not in html  # drafts are for managers
    assert client.get(reverse("catalogue:list", args=[catalogue["city"].pk])).status_code == 200
    assert client.get(reverse("catalogue:list", args=[catalogue["county_b"].pk])).status_code == 404
    assert client.get(reverse("catalogue:list", args=[catalogue["draft_a"].pk])).status_code == 404


def test_a_county_admin_sees_its_drafts_and_edit_controls(world, catalogue) -> None:
    client = client_for(world.user(Role.COUNTY_ADMIN))
    html = text(client.get(reverse("catalogue:list", args=[catalogue["draft_a"].pk])))
    assert reverse("catalogue:list_publish", args=[catalogue["draft_a"].pk]) in html
    html = text(client.get(reverse("catalogue:list", args=[catalogue["city"].pk])))
    assert "catalogue:list_publish" not in html and "/publish/" not in html
    assert client.get(reverse("catalogue:list", args=[catalogue["draft_b"].pk])).status_code == 404


def test_the_nav_link_shows_for_every_role(world) -> None:
    for role in (Role.CAREGIVER, Role.AUDITOR, Role.COUNTY_ADMIN):
        html = client_for(world.user(role)).get(reverse("catalogue:lists")).content.decode()
        assert f'href="{reverse("catalogue:home")}"' in html


def test_anonymous_and_unbound_users_get_nothing(world, catalogue, client) -> None:
    assert client.get(reverse("catalogue:home")).status_code == 302
    assert client_for(world.user("no_role")).get(reverse("catalogue:home")).status_code == 403
    assert client_for(world.user("unbound")).get(reverse("catalogue:home")).status_code == 404


# --- managing -----------------------------------------------------------------------------------


def test_the_management_flow(world, catalogue) -> None:
    client = client_for(world.user(Role.COUNTY_ADMIN))
    ServiceList.objects.filter(pk=catalogue["draft_a"].pk).delete()
    response = client.post(
        reverse("catalogue:list_create"), {"region_code": world.county_a, "kind": "six_plus_x"}
    )
    draft = ServiceList.objects.get(region_code=world.county_a, status=ListStatus.DRAFT)
    assert response["Location"] == reverse("catalogue:list", args=[draft.pk])
    assert draft.version == 2 and draft.based_on == catalogue["county_a"]

    add_page = text(client.get(reverse("catalogue:entry_add", args=[draft.pk])))
    assert 'value="ZY-001"' in add_page and 'value="ZC-001"' not in add_page  # already on it
    response = client.post(
        reverse("catalogue:entry_add", args=[draft.pk]),
        {
            "item_code": "ZY-001",
            "local_price": "75.5",
            "is_basic": "true",
            "eligibility": "失能老年人",
        },
    )
    assert response.status_code == 302
    entry = draft.entries.get(item__code="ZY-001")
    assert (entry.local_price_fen, entry.is_basic) == (7550, True)

    response = client.post(
        reverse("catalogue:entry_edit", args=[draft.pk, entry.pk]),
        {"local_price": "70", "is_basic": "false", "is_price_example": "true"},
    )
    entry.refresh_from_db()
    assert (entry.local_price_fen, entry.is_basic, entry.is_price_example) == (7000, False, True)

    client.post(
        reverse("catalogue:list_edit", args=[draft.pk]),
        {"name": "零陵区清单（2026）", "effective_from": "2026-06-01"},
    )
    client.post(reverse("catalogue:list_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert (draft.status, draft.effective_from) == (ListStatus.PUBLISHED, date(2026, 6, 1))
    catalogue["county_a"].refresh_from_db()
    assert catalogue["county_a"].effective_to == date(2026, 5, 31)

    kinds = [
        (e.object_type, e.action)
        for e in AuditEvent.objects.filter(region_code=world.county_a).order_by("id")
    ]
    assert kinds == [
        ("catalogue.servicelist", AuditAction.CREATE),
        ("catalogue.servicelistentry", AuditAction.CREATE),
        ("catalogue.servicelistentry", AuditAction.UPDATE),
        ("catalogue.servicelist", AuditAction.UPDATE),  # name and date
        ("catalogue.servicelist", AuditAction.UPDATE),  # v1 closed
        ("catalogue.servicelist", AuditAction.UPDATE),  # v2 published
    ]


def test_a_refused_change_is_shown_and_changes_nothing(world, catalogue) -> None:
    client = client_for(world.user(Role.COUNTY_ADMIN))
    before = state()
    response = client.post(
        reverse("catalogue:list_publish", args=[catalogue["draft_a"].pk]), follow=True
    )
    assert "发布前须填写生效日期" in response.content.decode()
    response = client.post(
        reverse("catalogue:entry_add", args=[catalogue["draft_a"].pk]),
        {"item_code": "ZY-001", "local_price": "abc"},
    )
    assert response.status_code == 200 and "金额格式不正确" in response.content.decode()
    response = client.post(
        reverse("catalogue:list_create"),
        {"region_code": world.county_a, "kind": "six_plus_x"},
        follow=True,
    )
    assert "已有未发布的草稿" in response.content.decode()
    assert state() == before


def test_a_county_admin_creates_and_edits_a_local_item(world, catalogue) -> None:
    client = client_for(world.user(Role.COUNTY_ADMIN))
    response = client.post(
        reverse("catalogue:item_create"),
        {
            "region_code": world.county_a,
            "code": "LL-X-001",
            "name": "理发",
            "category": "other",
            "unit": "visit",
            "standard_price": "15",
            "is_price_example": "true",
            "is_basic": "false",
            "is_active": "true",
        },
    )
    assert response["Location"] == reverse("catalogue:item", args=["LL-X-001"])
    response = client.post(
        reverse("catalogue:item_edit", args=["LL-X-001"]),
        {
            "name": "理发修面",
            "category": "other",
            "unit": "visit",
            "standard_price": "18.00",
            "is_price_example": "true",
            "is_basic": "false",
            "is_active": "true",
            "reason": "调价",
        },
    )
    assert response.status_code == 302
    created = ServiceItem.objects.get(code="LL-X-001")
    assert (created.name, created.standard_price_fen, created.region_code) == (
        "理发修面",
        1800,
        world.county_a,
    )
    assert client.get(reverse("catalogue:item_edit", args=["ZC-001"])).status_code == 404


def manage_routes(catalogue, target: str) -> list[tuple[str, str, list[Any], dict[str, Any]]]:
    draft = catalogue[target]
    entry = draft.entries.first()
    return [
        ("get", "catalogue:entry_add", [draft.pk], {}),
        ("post", "catalogue:entry_add", [draft.pk], {"item_code": "ZY-001"}),
        ("get", "catalogue:entry_edit", [draft.pk, entry.pk], {}),
        ("post", "catalogue:entry_edit", [draft.pk, entry.pk], {"local_price": "1"}),
        ("post", "catalogue:entry_remove", [draft.pk, entry.pk], {}),
        ("post", "catalogue:list_edit", [draft.pk], {"name": "改", "effective_from": "2026-06-01"}),
        ("post", "catalogue:list_publish", [draft.pk], {}),
        ("post", "catalogue:list_discard", [draft.pk], {}),
        ("post", "catalogue:list_withdraw", [draft.pk], {}),
    ]


def test_another_countys_admin_gets_404_and_nothing_changes(world, catalogue) -> None:
    client = client_for(world.user("county_b_admin"))
    before = state()
    for method, route, args, data in manage_routes(catalogue, "draft_a"):
        response = getattr(client, method)(reverse(route, args=args), data)
        assert response.status_code == 404, route
    response = client.post(
        reverse("catalogue:list_create"),
        {"region_code": world.county_a, "kind": "purchase"},
        follow=True,
    )
    assert "不在您的管辖范围内" in response.content.decode()
    ServiceItem.objects.filter(code="ZC-001").update(region_code=world.county_a)
    before = state()
    assert client.get(reverse("catalogue:item_edit", args=["ZC-001"])).status_code == 404
    assert state() == before


def test_the_national_and_city_lists_are_404_for_a_county_admin(world, catalogue) -> None:
    client = client_for(world.user(Role.COUNTY_ADMIN))
    before = state()
    for target in ("national", "city"):
        pk = catalogue[target].pk
        for route in (
            "catalogue:list_publish",
            "catalogue:list_discard",
            "catalogue:list_withdraw",
        ):
            assert client.post(reverse(route, args=[pk])).status_code == 404
    assert state() == before


@pytest.mark.parametrize(
    "role", [Role.TOWNSHIP_WORKER, Role.VILLAGE_WORKER, Role.ASSESSOR, Role.CAREGIVER, Role.AUDITOR]
)
def test_roles_without_manage_catalogue_get_403_and_nothing_changes(world, catalogue, role) -> None:
    client = client_for(world.user(role))
    before = state()
    for method, route, args, data in manage_routes(catalogue, "draft_a"):
        response = getattr(client, method)(reverse(route, args=args), data)
        assert response.status_code == 403, route
    assert client.post(reverse("catalogue:list_create"), {"kind": "purchase"}).status_code == 403
    assert client.get(reverse("catalogue:item_create")).status_code == 403
    assert client.get(reverse("catalogue:item_edit", args=["ZC-001"])).status_code == 403
    assert state() == before
