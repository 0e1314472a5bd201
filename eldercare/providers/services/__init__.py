"""Use cases of providers, facilities and staff. Pages, API and commands all call these; each
checks the actor's permission and scope, validates every field (a ProviderDataError lists each
problem and nothing is written), checks the state for a status change (ProviderStateError) and
writes the audit trail, in one transaction."""

from eldercare.providers.services.common import today_local
from eldercare.providers.services.facilities import register_facility, update_facility
from eldercare.providers.services.organisations import (
    add_licence,
    blacklist_provider,
    exit_provider,
    lift_provider,
    register_provider,
    remove_licence,
    set_price,
    suspend_provider,
    update_provider,
)
from eldercare.providers.services.staff import (
    add_training,
    blacklist_staff,
    lift_staff,
    link_login,
    register_staff,
    reveal_staff,
    set_availability,
    set_skills,
    staff_leaves,
    update_staff,
)

__all__ = [
    "add_licence",
    "add_training",
    "blacklist_provider",
    "blacklist_staff",
    "exit_provider",
    "lift_provider",
    "lift_staff",
    "link_login",
    "register_facility",
    "register_provider",
    "register_staff",
    "remove_licence",
    "reveal_staff",
    "set_availability",
    "set_price",
    "set_skills",
    "staff_leaves",
    "suspend_provider",
    "today_local",
    "update_facility",
    "update_provider",
    "update_staff",
]
