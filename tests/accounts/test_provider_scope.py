"""Provider-side users (provider managers, caregivers) see only their own provider's records."""

from datetime import date

import pytest

from eldercare.accounts.access import Action, can, scoped, staff_member_of
from eldercare.accounts.models import Role
from eldercare.providers.models import (
    Provider,
    ProviderKind,
    ProviderStatus,
    StaffKind,
    StaffMember,
    StaffStatus,
)
from eldercare.registry.models import Resident
from tests import factories


def _provider(world, name: str, credit_code: str) -> Provider:
    return Provider.objects.create(
        region_code=world.county_a,
        name=name,
        credit_code=credit_code,
        kind=ProviderKind.ENTERPRISE,
    )


def _staff(provider: Provider, name: str, id_number: str, user=None) -> StaffMember:
    return StaffMember.objects.create(
        provider=provider,
        user=user,
        name=name,
        id_number=id_number,
        kind=StaffKind.CAREGIVER,
        # Staff work in a township of the provider's county (the caregiver login is bound there).
        region_code=user.region_code if user else provider.region_code,
    )


@pytest.fixture
def two_providers(world):
    mine = _provider(world, "福寿居家养老", "91431102MA4L000001")
    other = _provider(world, "康乐养老服务", "91431102MA4L000002")
    manager = _staff(mine, "管理员", "431102198001010011", world.user(Role.PROVIDER_MANAGER))
    carer = _staff(mine, "护理员甲", "431102198001010022", world.user(Role.CAREGIVER))
    colleague = _staff(mine, "护理员乙", "431102198001010033")
    stranger = _staff(other, "护理员丙", "431102198001010044")
    return mine, other, manager, carer, colleague, stranger


def test_a_provider_manager_sees_their_provider_and_its_staff_only(world, two_providers) -> None:
    mine, _, manager, carer, colleague, _ = two_providers
    user = world.user(Role.PROVIDER_MANAGER)
    assert list(scoped(user, Provider.objects.all())) == [mine]
    assert set(scoped(user, StaffMember.objects.all())) == {manager, carer, colleague}


def test_a_caregiver_sees_only_their_own_staff_record(world, two_providers) -> None:
    _, _, _, carer, _, _ = two_providers
    user = world.user(Role.CAREGIVER)
    assert list(scoped(user, StaffMember.objects.all())) == [carer]


def test_models_without_a_provider_field_are_invisible_to_provider_side_users(
    world, two_providers
) -> None:
    factories.resident(world.village_a)
    assert scoped(world.user(Role.PROVIDER_MANAGER), Resident.objects.all()).count() == 0
    assert not can(world.user(Role.PROVIDER_MANAGER), Action.VIEW_REGISTRY)


@pytest.mark.parametrize(
    "status", [StaffStatus.SUSPENDED, StaffStatus.BLACKLISTED, StaffStatus.LEFT]
)
def test_a_login_whose_staff_record_is_not_active_sees_nothing(
    world, two_providers, status
) -> None:
    _, _, manager, _, _, _ = two_providers
    manager.status = status
    manager.status_date = date(2026, 11, 1)
    manager.save()
    user = world.user(Role.PROVIDER_MANAGER)
    user.refresh_from_db()
    assert staff_member_of(user) is None
    assert scoped(user, Provider.objects.all()).count() == 0


@pytest.mark.parametrize(
    ("status", "keeps_access"),
    [
        (ProviderStatus.SUSPENDED, True),
        (ProviderStatus.BLACKLISTED, False),
        (ProviderStatus.EXITED, False),
    ],
)
def test_staff_of_a_provider_that_left_the_market_see_nothing(
    world, two_providers, status, keeps_access
) -> None:
    mine, _, manager, carer, _, _ = two_providers
    Provider.objects.filter(pk=mine.pk).update(status=status)
    for role, member in ((Role.PROVIDER_MANAGER, manager), (Role.CAREGIVER, carer)):
        user = world.user(role)
        user.refresh_from_db()
        assert staff_member_of(user) == (member if keeps_access else None)
        assert scoped(user, StaffMember.objects.all()).exists() is keeps_access
        assert can(user, Action.VIEW_ORDERS)  # the role's actions stay; the records are gone


def test_a_provider_side_login_without_a_staff_record_sees_nothing(world) -> None:
    _provider(world, "福寿居家养老", "91431102MA4L000001")
    assert scoped(world.user(Role.PROVIDER_MANAGER), Provider.objects.all()).count() == 0


def test_civil_affairs_users_see_every_provider_in_their_region(world, two_providers) -> None:
    assert scoped(world.user(Role.COUNTY_ADMIN), Provider.objects.all()).count() == 2
    assert scoped(world.users["county_b_admin"], Provider.objects.all()).count() == 0


def test_provider_work_is_done_by_providers_not_by_civil_affairs(world) -> None:
    for role in (Role.COUNTY_ADMIN, Role.CITY_ADMIN, Role.TOWNSHIP_WORKER):
        assert not can(world.user(role), Action.DISPATCH_ORDERS)
        assert not can(world.user(role), Action.PERFORM_SERVICE)
    assert can(world.user(Role.PROVIDER_MANAGER), Action.DISPATCH_ORDERS)
    assert can(world.user(Role.CAREGIVER), Action.PERFORM_SERVICE)
    assert not can(world.user(Role.CAREGIVER), Action.DISPATCH_ORDERS)
