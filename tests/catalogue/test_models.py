"""Database constraints of the catalogue, including the overlap trigger of migration 0001."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from eldercare.catalogue.models import (
    ListKind,
    ListPhase,
    ListStatus,
    ServiceCategory,
    ServiceItem,
    ServiceList,
    ServiceListEntry,
)
from eldercare.registry.choices import ServiceNeed
from tests.catalogue.builders import CITY, item, service_list

pytestmark = pytest.mark.django_db


def refused(**values) -> bool:
    try:
        with transaction.atomic():
            ServiceList.objects.create(**values)
    except IntegrityError:
        return True
    return False


def base_list(**overrides):
    values = {
        "region_code": CITY,
        "kind": ListKind.SIX_PLUS_X,
        "name": "清单",
        "version": 1,
        "status": ListStatus.PUBLISHED,
        "effective_from": date(2024, 1, 1),
    }
    values.update(overrides)
    return values


def test_registry_service_needs_are_catalogue_categories() -> None:
    # A screening need (助餐 …) and an entitlement's category restriction name catalogue items.
    assert set(ServiceNeed.values) <= set(ServiceCategory.values)


@pytest.mark.parametrize("code", ["zc-001", "ZC_001", "ZC 001", "-ZC", "ZC-", "助餐1"])
def test_item_code_format_is_enforced_by_the_database(code: str) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        item(code)
    assert not ServiceItem.objects.exists()


@pytest.mark.parametrize("region_code", ["4311", "43110000000X", "43110000000"])
def test_region_codes_are_national_or_twelve_digits(region_code: str) -> None:
    assert refused(**base_list(region_code=region_code))
    with pytest.raises(IntegrityError), transaction.atomic():
        item("ZC-001", region_code=region_code)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (base_list(), False),
        (base_list(region_code="", kind=ListKind.BASIC), False),
        (base_list(region_code="", kind=ListKind.SIX_PLUS_X), True),
        (base_list(region_code="", kind=ListKind.PURCHASE), True),
        (base_list(version=0), True),
        (base_list(effective_to=date(2023, 12, 31)), True),
        (base_list(effective_to=date(2024, 1, 1)), False),
        (base_list(effective_from=None), True),
        (base_list(effective_from=None, status=ListStatus.DRAFT), False),
    ],
)
def test_list_check_constraints(values, expected: bool) -> None:
    assert refused(**values) is expected


def test_versions_are_unique_per_region_and_kind() -> None:
    service_list(CITY, version=1)
    assert refused(**base_list(version=1, effective_from=date(2030, 1, 1)))
    assert not refused(**base_list(version=1, kind=ListKind.PURCHASE))
    assert not refused(**base_list(version=1, region_code="431102000000"))


def test_one_draft_per_region_and_kind() -> None:
    service_list(CITY, version=1, status=ListStatus.DRAFT, effective_from=None)
    assert refused(**base_list(version=2, status=ListStatus.DRAFT, effective_from=None))
    assert not refused(**base_list(version=2, kind=ListKind.PURCHASE, status=ListStatus.DRAFT))


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2024, 6, 30), None, True),  # open-ended over open-ended
        (date(2025, 1, 1), None, True),
        (date(2023, 1, 1), date(2024, 1, 1), True),  # ends on the first day of the other
        (date(2023, 1, 1), date(2023, 12, 31), False),  # ends the day before
        (date(2020, 1, 1), None, True),
    ],
)
def test_the_trigger_refuses_overlapping_published_versions(start, end, expected) -> None:
    service_list(CITY, version=1, effective_from=date(2024, 1, 1))
    assert refused(**base_list(version=2, effective_from=start, effective_to=end)) is expected


def test_the_trigger_checks_updates_and_ignores_drafts_and_other_kinds() -> None:
    first = service_list(CITY, version=1, effective_from=date(2024, 1, 1))
    draft = service_list(CITY, version=2, status=ListStatus.DRAFT, effective_from=date(2024, 6, 1))
    other_kind = service_list(CITY, kind=ListKind.PURCHASE, effective_from=date(2024, 6, 1))
    assert other_kind.pk
    draft.status = ListStatus.PUBLISHED
    with pytest.raises(IntegrityError), transaction.atomic():
        draft.save()
    assert ServiceList.objects.get(pk=draft.pk).status == ListStatus.DRAFT
    # Closing the first version makes room, exactly as publish_list does it.
    first.effective_to = date(2024, 5, 31)
    first.save()
    draft.save()
    assert ServiceList.objects.get(pk=draft.pk).status == ListStatus.PUBLISHED
    # Re-extending the first version over the second is refused too.
    first.effective_to = None
    with pytest.raises(IntegrityError), transaction.atomic():
        first.save()


def test_an_item_is_on_a_list_once() -> None:
    meal = item("ZC-001")
    lst = service_list(CITY, entries=[(meal, 800)])
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceListEntry.objects.create(service_list=lst, item=meal)


def test_an_item_on_a_list_cannot_be_deleted() -> None:
    meal = item("ZC-001")
    service_list(CITY, entries=[(meal, 800)])
    with pytest.raises(IntegrityError), transaction.atomic():
        meal.delete()


@pytest.mark.parametrize(
    ("status", "start", "end", "day", "phase"),
    [
        (ListStatus.DRAFT, None, None, date(2024, 1, 1), ListPhase.DRAFT),
        (ListStatus.PUBLISHED, date(2024, 1, 1), None, date(2023, 12, 31), ListPhase.SCHEDULED),
        (ListStatus.PUBLISHED, date(2024, 1, 1), None, date(2024, 1, 1), ListPhase.IN_EFFECT),
        (
            ListStatus.PUBLISHED,
            date(2024, 1, 1),
            date(2024, 6, 30),
            date(2024, 6, 30),
            ListPhase.IN_EFFECT,
        ),
        (
            ListStatus.PUBLISHED,
            date(2024, 1, 1),
            date(2024, 6, 30),
            date(2024, 7, 1),
            ListPhase.ENDED,
        ),
    ],
)
def test_phase_and_applies_on(status, start, end, day, phase) -> None:
    lst = ServiceList(status=status, effective_from=start, effective_to=end)
    assert lst.phase_on(day) == phase
    assert lst.applies_on(day) is (phase == ListPhase.IN_EFFECT)
