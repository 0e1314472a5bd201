"""`allowed` in every template: the action names the signed-in user's role may perform, so
menus show only what the user can open (the views check again: this only hides links)."""

from typing import Any

from django.http import HttpRequest

from eldercare.accounts.access import Action, can


def allowed_actions(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"allowed": frozenset(a.value for a in Action if can(user, a))}
