"""items_in_effect: the national list plus the lists up the tree, the nearest region winning."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from eldercare.catalogue.models import ListKind, ListStatus
from eldercare.catalogue.queries import (
    entry_in_effect,
    item_by_code,
    items_in_effect,
    lists_in_effect,
)
from eldercare.regions.codes import RegionCodeError
from tests.catalogue.builders import CITY, item, service_list

pytestmark = pytest.mark.django_db

COUNTY_A, COUNTY_B = "431102000000", "431103000000"
VILLAGE_A, VILLAGE_B = "431102001001", "431103001001"
DAY = date(2025, 3, 1)


@pytest.fixture
def lists():
    meal, bath, clean, alarm, basic = (
        item("ZC-001", category="meal"),
        item("ZY-001", category="bath"),
        item("ZJ-001", category="cleaning"),
        item("JJ-001", category="emergency"),
        item("JB-01", category="visiting", standard_price_fen=0),
    )
    county_item = item("LL-X-001", category="other", region_code=COUNTY_A)
    return {
        "national": service_list("", kind=ListKind.BASIC, entries=[(basic, 0), (alarm, 1500)]),
        "city": service_list(CITY, entries=[(meal, 1200), (bath, 8000), (clean, 3500)]),
        "city_purchase": service_list(CITY, kind=ListKind.PURCHASE, entries=[(bath, 7000)]),
        "county_a": service_list(
            COUNTY_A, entries=[(meal, 1000), (county_item, 500), (alarm, 1000)]
        ),
    }


def prices(entries) -> dict[str, tuple[int | None, str]]:
    return {e.item.code: (e.local_price_fen, e.service_list.region_code) for e in entries}


def test_a_village_gets_national_city_and_county_with_the_county_winning(lists) -> None:
    assert prices(items_in_effect(VILLAGE_A, DAY)) == {
        "ZC-001": (1000, COUNTY_A),  # county overrides city
        "ZY-001": (7000, CITY),  # purchase list over 6+X list of the same region
        "ZJ-001": (3500, CITY),
        "JJ-001": (1000, COUNTY_A),  # county overrides national
        "JB-01": (0, ""),
        "LL-X-001": (500, COUNTY_A),
    }


def test_a_village_of_another_county_does_not_get_county_a(lists) -> None:
    assert prices(items_in_effect(VILLAGE_B, DAY)) == {
        "ZC-001": (1200, CITY),
        "ZY-001": (7000, CITY),
        "ZJ-001": (3500, CITY),
        "JJ-001": (1500, ""),
        "JB-01": (0, ""),
    }


def test_the_national_code_gets_only_the_national_list(lists) -> None:
    assert prices(items_in_effect("", DAY)) == {"JJ-001": (1500, ""), "JB-01": (0, "")}


def test_entries_are_ordered_by_category_then_code(lists) -> None:
    codes = [e.item.code for e in items_in_effect(VILLAGE_A, DAY)]
    assert codes == ["ZC-001", "ZY-001", "ZJ-001", "JJ-001", "JB-01", "LL-X-001"]


def test_kinds_restrict_the_lists_considered(lists) -> None:
    assert prices(items_in_effect(VILLAGE_A, DAY, kinds=[ListKind.PURCHASE])) == {
        "ZY-001": (7000, CITY)
    }
    assert set(prices(items_in_effect(VILLAGE_A, DAY, kinds=[ListKind.BASIC]))) == {
        "JJ-001",
        "JB-01",
    }


def test_one_query_whatever_the_number_of_entries(lists) -> None:
    with CaptureQueriesContext(connection) as queries:
        entries = items_in_effect(VILLAGE_A, DAY)
        for entry in entries:
            assert entry.item.name and entry.service_list.name
    assert len(queries) == 1


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 12, 31), (1200, "v1")),  # the day before v2 starts: v1
        (date(2025, 1, 1), (900, "v2")),  # v2's first day
        (date(2025, 6, 30), (900, "v2")),  # v2's last day
        (date(2025, 7, 1), None),  # after v2 nothing of the county (city's item absent)
    ],
)
def test_versions_apply_on_their_days_only(day: date, expected) -> None:
    meal = item("ZC-001")
    service_list(
        COUNTY_A, version=1, effective_to=date(2024, 12, 31), entries=[(meal, 1200)], name="v1"
    )
    service_list(
        COUNTY_A,
        version=2,
        effective_from=date(2025, 1, 1),
        effective_to=date(2025, 6, 30),
        entries=[(meal, 900)],
        name="v2",
    )
    entry = entry_in_effect(VILLAGE_A, "ZC-001", day)
    got = None if entry is None else (entry.local_price_fen, entry.service_list.name)
    assert got == expected


def test_a_list_before_its_first_day_and_drafts_never_apply() -> None:
    meal = item("ZC-001")
    service_list(COUNTY_A, effective_from=DAY + timedelta(days=1), entries=[(meal, 1)])
    service_list(
        COUNTY_A,
        kind=ListKind.PURCHASE,
        status=ListStatus.DRAFT,
        effective_from=date(2020, 1, 1),
        entries=[(meal, 2)],
    )
    assert items_in_effect(VILLAGE_A, DAY) == []


def test_lists_in_effect_are_national_first_nearest_last(lists) -> None:
    found = lists_in_effect(VILLAGE_A, DAY)
    assert [(s.region_code, s.kind) for s in found] == [
        ("", ListKind.BASIC),
        (CITY, ListKind.SIX_PLUS_X),
        (CITY, ListKind.PURCHASE),
        (COUNTY_A, ListKind.SIX_PLUS_X),
    ]


def test_item_by_code() -> None:
    meal = item("ZC-001")
    assert item_by_code("ZC-001") == meal
    assert item_by_code(" zc-001 ") == meal
    assert item_by_code("ZC-999") is None


def test_a_malformed_region_code_is_refused() -> None:
    with pytest.raises(RegionCodeError):
        items_in_effect("4311", DAY)
