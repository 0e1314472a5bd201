"""The API side of access.py: each viewset declares the Action every one of its actions needs."""

from collections.abc import Mapping
from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from eldercare.accounts.access import Action, can

# Declares an action open to every signed-in user; what they get is still limited by their scope
# (no binding or no role → nothing). Meant for public reference data such as region names.
SIGNED_IN = None


class ActionPermission(BasePermission):
    """Allows a viewset action only if `required_actions` declares it and the role may do it.

    An action missing from `required_actions` (a new @action, OPTIONS → "metadata") is refused,
    so forgetting a declaration closes an endpoint instead of opening it.
    """

    message = "当前角色无权执行此操作"

    def has_permission(self, request: Request, view: Any) -> bool:
        declared: Mapping[str, Action | None] = getattr(view, "required_actions", {})
        name = getattr(view, "action", None)
        if name is None or name not in declared:
            return False
        action = declared[name]
        if action is SIGNED_IN:
            return bool(request.user.is_authenticated and request.user.is_active)
        return can(request.user, action)
