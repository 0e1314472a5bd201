import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from eldercare.accounts.access import (
    ROLE_ACTIONS,
    Action,
    can,
    get_scoped_or_404,
    in_scope,
    require,
    scope_code,
    scoped,
)
from eldercare.accounts.models import Role
from eldercare.core.models import AuditEvent
from eldercare.registry.models import Resident, ResidentPhone
from tests import factories


def test_every_role_has_a_declared_action_set() -> None:
    assert set(ROLE_ACTIONS) == set(Role.values)


def test_township_user_sees_only_their_subtree(world) -> None:
    mine = factories.resident(world.village_a, name="张三")
    factories.resident(world.village_a_other, name="李四")
    factories.resident(world.village_b, name="王五")
    user = world.user(Role.TOWNSHIP_WORKER)
    assert list(scoped(user, Resident.objects.all())) == [mine]
    assert list(scoped(user, ResidentPhone.objects.all())) == []


def test_city_admin_sees_both_counties_and_system_admin_everything(world) -> None:
    factories.resident(world.village_a)
    factories.resident(world.village_b)
    factories.resident("320700001001")
    assert scoped(world.user(Role.CITY_ADMIN), Resident.objects.all()).count() == 2
    assert scoped(world.user(Role.SYSTEM_ADMIN), Resident.objects.all()).count() == 3


@pytest.mark.parametrize("who", ["unbound", "no_role"])
def test_unbound_or_roleless_users_see_nothing(world, who: str) -> None:
    factories.resident(world.village_a)
    user = world.users[who]
    assert scoped(user, Resident.objects.all()).count() == 0
    assert not in_scope(user, world.village_a)
    assert not can(user, Action.VIEW_REGISTRY) or scope_code(user) is None


def test_inactive_and_anonymous_users_get_nothing(world) -> None:
    from django.contrib.auth.models import AnonymousUser

    user = world.user(Role.COUNTY_ADMIN)
    user.is_active = False
    assert scope_code(user) is None
    assert not can(user, Action.VIEW_REGISTRY)
    assert scope_code(AnonymousUser()) is None


def test_malformed_binding_fails_closed(world) -> None:
    user = world.user(Role.COUNTY_ADMIN)
    user.region_code = "43110"
    assert scoped(user, Resident.objects.all()).count() == 0


def test_out_of_scope_object_is_indistinguishable_from_missing(world) -> None:
    other = factories.resident(world.village_b)
    user = world.user(Role.TOWNSHIP_WORKER)
    with pytest.raises(Http404):
        get_scoped_or_404(user, Resident.objects.all(), pk=other.pk)
    with pytest.raises(Http404):
        get_scoped_or_404(user, Resident.objects.all(), pk=999999)


def test_a_model_without_scope_field_cannot_be_scoped(world) -> None:
    with pytest.raises(TypeError):
        scoped(world.user(Role.CITY_ADMIN), AuditEvent.objects.all())


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    [
        (Role.AUDITOR, Action.EDIT_REGISTRY, False),
        (Role.AUDITOR, Action.EXPORT_REGISTRY, True),
        (Role.AUDITOR, Action.VIEW_UNMASKED, False),
        (Role.CAREGIVER, Action.VIEW_REGISTRY, False),
        (Role.PROVIDER_MANAGER, Action.VIEW_REGISTRY, False),
        (Role.VILLAGE_WORKER, Action.IMPORT_REGISTRY, False),
        (Role.ASSESSOR, Action.VIEW_UNMASKED, True),
        (Role.TOWNSHIP_WORKER, Action.IMPORT_REGISTRY, True),
        (Role.COUNTY_ADMIN, Action.MANAGE_REGIONS, True),
    ],
)
def test_role_actions(world, role: str, action: Action, allowed: bool) -> None:
    user = world.user(role)
    assert can(user, action) is allowed
    if not allowed:
        with pytest.raises(PermissionDenied):
            require(user, action)
