from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from eldercare.accounts.access import Action
from eldercare.accounts.api_permissions import SIGNED_IN, ActionPermission
from tests.conftest import World

DECLARED = {"list": Action.VIEW_REGISTRY, "create": Action.EDIT_REGISTRY, "lookup": SIGNED_IN}


def allowed(user: Any, action: str | None, declared: dict[str, Any] | None = DECLARED) -> bool:
    request = Request(APIRequestFactory().get("/"))
    request.user = user
    view = SimpleNamespace(action=action)
    if declared is not None:
        view.required_actions = declared
    return ActionPermission().has_permission(request, view)


@pytest.mark.parametrize(
    ("role", "action", "expected"),
    [
        ("auditor", "list", True),
        ("auditor", "create", False),
        ("village_worker", "create", True),
        ("caregiver", "list", False),
        ("no_role", "list", False),
        ("caregiver", "lookup", True),
        ("no_role", "lookup", True),
    ],
)
def test_declared_actions(world: World, role: str, action: str, expected: bool) -> None:
    assert allowed(world.user(role), action) is expected


@pytest.mark.parametrize("action", ["destroy", "metadata", None])
def test_an_undeclared_action_is_refused_even_to_a_system_admin(
    world: World, action: str | None
) -> None:
    assert allowed(world.user("system_admin"), action) is False


def test_a_view_declaring_nothing_is_closed(world: World) -> None:
    assert allowed(world.user("system_admin"), "list", declared=None) is False


@pytest.mark.parametrize("action", ["list", "lookup"])
def test_anonymous_users_are_refused(action: str) -> None:
    assert allowed(AnonymousUser(), action) is False


@pytest.mark.parametrize("action", ["list", "lookup"])
def test_an_inactive_user_is_refused(world: World, action: str) -> None:
    user = world.user("system_admin")
    user.is_active = False
    assert allowed(user, action) is False
