"""Use cases: versions, drafts, publication, withdrawal, items — with their audit rows and the
permission and scope checks (after every denial nothing changed)."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.http import Http404

from eldercare.accounts.models import Role
from eldercare.catalogue import services
from eldercare.catalogue.errors import CatalogueDataError, CatalogueStateError
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

TODAY = date(2026, 5, 1)


@pytest.fixture(autouse=True)
def fixed_today() -> Any:
    with time_machine.travel(datetime(2026, 5, 1, 12, tzinfo=UTC), tick=False):
        yield


def state() -> tuple[list[Any], ...]:
    return (
        list(ServiceItem.objects.order_by("id").values()),
        list(ServiceList.objects.order_by("id").values()),
        list(ServiceListEntry.objects.order_by("id").values()),
        list(AuditEvent.objects.order_by("id").values()),
    )


def audits(**filters) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(**filters).order_by("id"))


@pytest.fixture
def county_list(world: World) -> ServiceList:
    meal, bath = item("ZC-001"), item("ZY-001", category="bath", unit="visit")
    return service_list(
        world.county_a,
        effective_from=date(2025, 1, 1),
        entries=[(meal, 1000), (bath, 7000)],
        basis="县级文件",
    )


def admin(world: World):
    return world.user(Role.COUNTY_ADMIN)


# --- versions -----------------------------------------------------------------------------------


def test_a_new_version_copies_the_newest_published_one(world, county_list) -> None:
    draft = services.create_list_version(
        actor=admin(world), region_code=world.county_a, kind="six_plus_x"
    )
    assert (draft.version, draft.status, draft.based_on, draft.effective_from) == (
        2,
        ListStatus.DRAFT,
        county_list,
        None,
    )
    assert (draft.name, draft.basis) == (county_list.name, "县级文件")
    assert [(e.item.code, e.local_price_fen, e.position) for e in draft.entries.all()] == [
        ("ZC-001", 1000, 1),
        ("ZY-001", 7000, 2),
    ]
    [event] = audits(action=AuditAction.CREATE, object_type="catalogue.servicelist")
    assert (event.actor, event.region_code, event.detail) == (
        admin(world),
        world.county_a,
        {"based_on": 1, "entries": 2},
    )


def test_a_first_version_is_empty_and_named_after_the_region(world) -> None:
    draft = services.create_list_version(
        actor=admin(world), region_code="431102", kind="政府购买服务项目清单"
    )
    assert (draft.region_code, draft.kind, draft.version) == (
        world.county_a,
        ListKind.PURCHASE,
        1,
    )
    assert draft.name == "零陵区政府购买服务项目清单"
    assert not draft.entries.exists()


def test_only_one_draft_at_a_time(world, county_list) -> None:
    services.create_list_version(actor=admin(world), region_code=world.county_a, kind="six_plus_x")
    before = state()
    with pytest.raises(CatalogueStateError) as caught:
        services.create_list_version(
            actor=admin(world), region_code=world.county_a, kind="six_plus_x"
        )
    assert caught.value.code == "draft_exists"
    assert state() == before


@pytest.mark.parametrize(
    ("region_code", "kind", "code"),
    [
        ("431103000000", "six_plus_x", "region_unknown"),  # county B: not theirs
        ("", "basic", "region_unknown"),  # the national list: system admins only
        ("431102999000", "six_plus_x", "region_unknown"),  # not a region
        ("4311x", "six_plus_x", "region_invalid"),
        ("431102000000", "seven", "choice_unknown"),
    ],
)
def test_new_versions_outside_the_scope_or_malformed_are_refused(
    world, region_code, kind, code
) -> None:
    before = state()
    with pytest.raises(CatalogueDataError) as caught:
        services.create_list_version(actor=admin(world), region_code=region_code, kind=kind)
    assert [p.code for p in caught.value.problems] == [code]
    assert state() == before


def test_the_national_list_is_basic_and_for_system_admins(world) -> None:
    with pytest.raises(CatalogueDataError):
        services.create_list_version(
            actor=world.user(Role.SYSTEM_ADMIN), region_code="", kind="six_plus_x"
        )
    draft = services.create_list_version(
        actor=world.user(Role.SYSTEM_ADMIN), region_code="", kind="basic"
    )
    assert (draft.region_code, draft.name) == ("", "国家基本养老服务清单")


@pytest.mark.parametrize(
    "role", [Role.TOWNSHIP_WORKER, Role.VILLAGE_WORKER, Role.AUDITOR, Role.PROVIDER_MANAGER]
)
def test_roles_without_manage_catalogue_cannot_change_anything(world, county_list, role) -> None:
    user = world.user(role)
    draft = service_list(
        world.county_a, version=2, status=ListStatus.DRAFT, effective_from=date(2026, 6, 1)
    )
    entry = county_list.entries.first()
    calls = [
        lambda: services.create_list_version(
            actor=user, region_code=world.county_a, kind="purchase"
        ),
        lambda: services.update_list(actor=user, service_list=draft, data={"name": "x"}),
        lambda: services.add_entry(actor=user, service_list=draft, item_code="ZC-001", data={}),
        lambda: services.publish_list(actor=user, service_list=draft),
        lambda: services.discard_draft(actor=user, service_list=draft),
        lambda: services.update_entry(actor=user, entry=entry, data={"local_price": "1"}),
        lambda: services.remove_entry(actor=user, entry=entry),
        lambda: services.create_item(actor=user, region_code=world.county_a, data={}),
    ]
    before = state()
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert state() == before


def test_another_countys_admin_gets_404_for_every_change(world, county_list) -> None:
    other = world.user("county_b_admin")
    draft = service_list(
        world.county_a, version=2, status=ListStatus.DRAFT, effective_from=date(2026, 6, 1)
    )
    draft_entry = ServiceListEntry.objects.create(
        service_list=draft, item=ServiceItem.objects.get(code="ZC-001")
    )
    calls = [
        lambda: services.update_list(actor=other, service_list=draft, data={"name": "x"}),
        lambda: services.add_entry(actor=other, service_list=draft, item_code="ZY-001", data={}),
        lambda: services.update_entry(actor=other, entry=draft_entry, data={"local_price": "1"}),
        lambda: services.remove_entry(actor=other, entry=draft_entry),
        lambda: services.publish_list(actor=other, service_list=draft),
        lambda: services.discard_draft(actor=other, service_list=draft),
        lambda: services.withdraw_list(actor=other, service_list=county_list),
    ]
    before = state()
    for call in calls:
        with pytest.raises(Http404):
            call()
    assert state() == before


# --- drafts and their entries -------------------------------------------------------------------


@pytest.fixture
def draft(world, county_list) -> ServiceList:
    return services.create_list_version(
        actor=admin(world), region_code=world.county_a, kind="six_plus_x"
    )


def test_entries_of_a_draft_are_added_changed_and_removed_with_audit(world, draft) -> None:
    item("ZJ-001", category="cleaning", unit="hour", standard_price_fen=3500, is_basic=True)
    entry = services.add_entry(
        actor=admin(world),
        service_list=draft,
        item_code="zj-001",
        data={"eligibility": "60岁及以上老年人；独居优先", "funding": "个人付费"},
    )
    assert (entry.local_price_fen, entry.is_basic, entry.position) == (3500, True, 3)
    assert entry.eligibility == "60岁及以上老年人；独居优先"
    services.update_entry(
        actor=admin(world), entry=entry, data={"local_price": "30.5", "is_basic": "否"}
    )
    entry.refresh_from_db()
    assert (entry.local_price_fen, entry.is_basic) == (3050, False)
    services.remove_entry(actor=admin(world), entry=entry)
    assert not ServiceListEntry.objects.filter(pk=entry.pk).exists()
    events = audits(object_type="catalogue.servicelistentry")
    assert [(e.action, e.region_code) for e in events] == [
        (AuditAction.CREATE, draft.region_code),
        (AuditAction.UPDATE, draft.region_code),
        (AuditAction.DELETE, draft.region_code),
    ]
    assert events[0].changes["local_price_fen"] == "35.00"
    assert events[1].changes == {"local_price_fen": ["35.00", "30.50"], "is_basic": [True, False]}
    assert events[2].changes["item"] == "ZJ-001"


@pytest.mark.parametrize(
    ("item_code", "data", "codes"),
    [
        ("ZC-001", {}, ["item_duplicate"]),
        ("ZC-404", {}, ["item_unknown"]),
        ("ZJ-001", {"local_price": "1.234"}, ["price_decimals"]),
        ("ZJ-001", {"is_basic": "也许"}, ["boolean_invalid"]),
        ("OFF-001", {}, ["item_inactive"]),
        ("LS-X-001", {}, ["item_foreign"]),
    ],
)
def test_bad_entries_are_refused(world, draft, item_code, data, codes) -> None:
    item("ZJ-001")
    item("OFF-001", is_active=False)
    item("LS-X-001", region_code=world.county_b)
    before = state()
    with pytest.raises(CatalogueDataError) as caught:
        services.add_entry(actor=admin(world), service_list=draft, item_code=item_code, data=data)
    assert [p.code for p in caught.value.problems] == codes
    assert state() == before


def test_a_published_list_is_never_edited(world, county_list) -> None:
    entry = county_list.entries.first()
    before = state()
    for call in (
        lambda: services.update_list(
            actor=admin(world), service_list=county_list, data={"name": "改名"}
        ),
        lambda: services.add_entry(
            actor=admin(world), service_list=county_list, item_code="ZY-001", data={}
        ),
        lambda: services.update_entry(actor=admin(world), entry=entry, data={"local_price": "1"}),
        lambda: services.remove_entry(actor=admin(world), entry=entry),
        lambda: services.discard_draft(actor=admin(world), service_list=county_list),
        lambda: services.publish_list(actor=admin(world), service_list=county_list),
    ):
        with pytest.raises(CatalogueStateError):
            call()
    assert state() == before


def test_draft_header_dates_must_be_ordered(world, draft) -> None:
    services.update_list(
        actor=admin(world),
        service_list=draft,
        data={"effective_from": "2026-07-01", "name": "零陵区清单（2026）"},
    )
    before = state()
    with pytest.raises(CatalogueDataError) as caught:
        services.update_list(
            actor=admin(world), service_list=draft, data={"effective_to": "2026-06-30"}
        )
    assert [p.code for p in caught.value.problems] == ["dates_reversed"]
    assert state() == before
    [event] = audits(action=AuditAction.UPDATE, object_type="catalogue.servicelist")
    assert event.changes == {
        "effective_from": [None, "2026-07-01"],
        "name": [draft.name, "零陵区清单（2026）"],
    }


def test_discarding_a_draft_deletes_it_and_its_entries(world, draft) -> None:
    services.discard_draft(actor=admin(world), service_list=draft)
    assert not ServiceList.objects.filter(pk=draft.pk).exists()
    assert not ServiceListEntry.objects.filter(service_list_id=draft.pk).exists()
    [event] = audits(action=AuditAction.DELETE)
    assert event.detail == {"entries": 2}


# --- publication --------------------------------------------------------------------------------


def publish(world, draft: ServiceList, start: str, end: str | None = None) -> ServiceList:
    services.update_list(
        actor=admin(world),
        service_list=draft,
        data={"effective_from": start, "effective_to": end or ""},
    )
    return services.publish_list(actor=admin(world), service_list=draft)


def test_publishing_closes_the_open_version_it_replaces(world, county_list, draft) -> None:
    published = publish(world, draft, "2026-06-01")
    county_list.refresh_from_db()
    assert (published.status, published.published_by) == (ListStatus.PUBLISHED, admin(world))
    assert (county_list.effective_to, county_list.superseded_by) == (date(2026, 5, 31), published)
    events = audits(action=AuditAction.UPDATE, object_type="catalogue.servicelist")
    assert [(e.object_id, e.changes, e.detail) for e in events[-2:]] == [
        (
            str(county_list.pk),
            {"effective_to": [None, "2026-05-31"]},
            {"reason": "被第2版取代"},
        ),
        (str(published.pk), {"status": ["draft", "published"]}, {}),
    ]


def test_publishing_today_is_allowed_the_past_is_not(world, county_list, draft) -> None:
    services.update_list(
        actor=admin(world), service_list=draft, data={"effective_from": "2026-04-30"}
    )
    before = state()
    with pytest.raises(CatalogueDataError) as caught:
        services.publish_list(actor=admin(world), service_list=draft)
    assert [p.code for p in caught.value.problems] == ["date_past"]
    assert state() == before
    assert publish(world, draft, "2026-05-01").effective_from == TODAY


def test_publishing_without_a_date_is_refused(world, draft) -> None:
    with pytest.raises(CatalogueDataError) as caught:
        services.publish_list(actor=admin(world), service_list=draft)
    assert [p.code for p in caught.value.problems] == ["required"]


def test_publishing_over_a_fixed_term_version_is_refused(world) -> None:
    service_list(world.county_a, effective_from=date(2026, 1, 1), effective_to=date(2026, 12, 31))
    draft = services.create_list_version(
        actor=admin(world), region_code=world.county_a, kind="six_plus_x"
    )
    services.update_list(
        actor=admin(world), service_list=draft, data={"effective_from": "2026-07-01"}
    )
    before = state()
    with pytest.raises(CatalogueDataError) as caught:
        services.publish_list(actor=admin(world), service_list=draft)
    assert [(p.code, p.message) for p in caught.value.problems] == [
        ("overlap", "与已发布的第1版（2026-01-01 至 2026-12-31）适用期重叠")
    ]
    assert state() == before
    assert publish(world, draft, "2027-01-01").status == ListStatus.PUBLISHED


def test_an_open_ended_draft_before_a_scheduled_version_is_refused(
    world, county_list, draft
) -> None:
    publish(world, draft, "2026-09-01")  # v2 scheduled, v1 now ends 2026-08-31
    v3 = services.create_list_version(
        actor=admin(world), region_code=world.county_a, kind="six_plus_x"
    )
    services.update_list(actor=admin(world), service_list=v3, data={"effective_from": "2026-06-01"})
    with pytest.raises(CatalogueDataError) as caught:
        services.publish_list(actor=admin(world), service_list=v3)
    assert {p.code for p in caught.value.problems} == {"overlap"}
    assert len(caught.value.problems) == 2  # v1 (fixed end now) and v2 (scheduled)


def test_withdrawing_a_scheduled_version_gives_the_old_one_its_range_back(
    world, county_list, draft
) -> None:
    publish(world, draft, "2026-09-01")
    withdrawn = services.withdraw_list(actor=admin(world), service_list=draft)
    county_list.refresh_from_db()
    assert (withdrawn.status, withdrawn.effective_to, withdrawn.published_at) == (
        ListStatus.DRAFT,
        None,
        None,
    )
    assert (county_list.effective_to, county_list.superseded_by) == (None, None)
    assert audits(action=AuditAction.UPDATE)[-1].detail == {"reason": "撤回发布"}


def test_a_version_in_effect_cannot_be_withdrawn(world, county_list) -> None:
    before = state()
    with pytest.raises(CatalogueStateError) as caught:
        services.withdraw_list(actor=admin(world), service_list=county_list)
    assert caught.value.code == "already_in_effect"
    assert state() == before


def test_a_city_admin_manages_the_lists_of_its_counties(world, county_list) -> None:
    city_admin = world.user(Role.CITY_ADMIN)
    draft = services.create_list_version(
        actor=city_admin, region_code=world.county_a, kind="six_plus_x"
    )
    assert (
        services.publish_list(
            actor=city_admin,
            service_list=services.update_list(
                actor=city_admin, service_list=draft, data={"effective_from": "2026-05-02"}
            ),
        ).status
        == ListStatus.PUBLISHED
    )
    assert services.create_list_version(actor=city_admin, region_code=CITY, kind="purchase")


# --- items --------------------------------------------------------------------------------------


def test_a_county_creates_its_own_item_and_edits_it(world) -> None:
    created = services.create_item(
        actor=admin(world),
        region_code=world.county_a,
        data={
            "code": "ll-x-001",
            "name": "理发修面",
            "category": "其他",
            "unit": "次",
            "standard_price": "15",
            "is_price_example": "true",
            "minimum_minutes": "30",
        },
    )
    assert (created.code, created.category, created.unit, created.standard_price_fen) == (
        "LL-X-001",
        "other",
        "visit",
        1500,
    )
    services.update_item(
        actor=admin(world), item=created, data={"standard_price": "", "code": "X"}, reason="不定价"
    )
    created.refresh_from_db()
    assert (created.code, created.standard_price_fen) == ("LL-X-001", None)
    create, update = audits(object_type="catalogue.serviceitem")
    assert create.action == AuditAction.CREATE and create.changes["standard_price_fen"] == "15.00"
    assert update.changes == {"standard_price_fen": ["15.00", ""]}
    assert update.detail == {"reason": "不定价"}


@pytest.mark.parametrize(
    ("data", "codes"),
    [
        ({}, ["required", "required", "required", "required"]),
        (
            {"code": "ZC-001", "name": "重复", "category": "meal", "unit": "meal"},
            ["code_duplicate"],
        ),
        ({"code": "zc_1", "name": "x", "category": "meal", "unit": "meal"}, ["code_invalid"]),
        ({"code": "A-1", "name": "x", "category": "飞行", "unit": "meal"}, ["choice_unknown"]),
        ({"code": "A-1", "name": "x", "category": "meal", "unit": "年"}, ["choice_unknown"]),
        (
            {
                "code": "A-1",
                "name": "x",
                "category": "meal",
                "unit": "meal",
                "minimum_minutes": "-5",
            },
            ["minutes_invalid"],
        ),
    ],
)
def test_bad_items_are_refused(world, data, codes) -> None:
    item("ZC-001")
    before = state()
    with pytest.raises(CatalogueDataError) as caught:
        services.create_item(actor=admin(world), region_code=world.county_a, data=data)
    assert [p.code for p in caught.value.problems] == codes
    assert state() == before


def test_common_items_are_edited_by_system_admins_only(world) -> None:
    meal = item("ZC-001")
    with pytest.raises(Http404):
        services.update_item(actor=admin(world), item=meal, data={"name": "改名"})
    services.update_item(actor=world.user(Role.SYSTEM_ADMIN), item=meal, data={"name": "改名"})
    meal.refresh_from_db()
    assert meal.name == "改名"


def test_withdrawing_the_middle_of_three_versions_hands_its_range_to_the_first(
    world, county_list, draft
) -> None:
    v2 = publish(world, draft, "2026-07-01")
    v3 = services.create_list_version(
        actor=admin(world), region_code=world.county_a, kind="six_plus_x"
    )
    publish(world, v3, "2026-09-01")
    v2.refresh_from_db()
    assert (v2.effective_to, v2.superseded_by) == (date(2026, 8, 31), v3)
    services.withdraw_list(actor=admin(world), service_list=v2)
    county_list.refresh_from_db()
    v2.refresh_from_db()
    assert (county_list.effective_to, county_list.superseded_by) == (date(2026, 8, 31), v3)
    assert (v2.status, v2.effective_from, v2.effective_to) == (
        ListStatus.DRAFT,
        date(2026, 7, 1),
        None,
    )
