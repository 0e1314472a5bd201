"""The one place that decides what a user may see and do. Fails closed.

- Scope: a user sees the subtree of the region they are bound to (12-digit code range on the
  model's `scope_field`). A system administrator sees everything; a user with no binding or an
  unknown role sees nothing.
- Actions: each role has a fixed set of actions; views and API endpoints declare the action they
  need (`requires` / `ActionPermission`), never compare role strings themselves.
- A record outside the user's scope is a 404, exactly like one that does not exist.
"""

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext

from eldercare.accounts.models import Role
from eldercare.regions.codes import (
    RegionCodeError,
    ancestor_codes,
    is_within,
    normalize_code,
    subtree_range,
)
from eldercare.regions.models import Region


class Action(StrEnum):
    VIEW_REGISTRY = "view_registry"
    EDIT_REGISTRY = "edit_registry"
    IMPORT_REGISTRY = "import_registry"
    EXPORT_REGISTRY = "export_registry"
    VIEW_UNMASKED = "view_unmasked"
    MANAGE_REGIONS = "manage_regions"
    VIEW_AUDIT = "view_audit"
    VIEW_ASSESSMENTS = "view_assessments"
    PERFORM_ASSESSMENT = "perform_assessment"
    IMPORT_ASSESSMENTS = "import_assessments"
    REQUEST_REASSESSMENT = "request_reassessment"
    MANAGE_ASSESSMENT_POLICY = "manage_assessment_policy"
    VIEW_CATALOGUE = "view_catalogue"
    MANAGE_CATALOGUE = "manage_catalogue"
    VIEW_ENTITLEMENTS = "view_entitlements"
    MANAGE_ENTITLEMENT_POLICY = "manage_entitlement_policy"
    VIEW_ACCOUNTS = "view_accounts"
    MANAGE_FUNDS = "manage_funds"
    APPROVE_LEDGER_CORRECTION = "approve_ledger_correction"
    RUN_ENTITLEMENTS = "run_entitlements"
    APPLY_ON_BEHALF = "apply_on_behalf"
    REVIEW_APPLICATIONS = "review_applications"
    VIEW_GOVERNANCE = "view_governance"
    MANAGE_GOVERNANCE = "manage_governance"
    VIEW_DASHBOARD = "view_dashboard"
    VIEW_FUNDS = "view_funds"
    # Providers, facilities, staff (issue 5).
    VIEW_PROVIDERS = "view_providers"
    MANAGE_PROVIDERS = "manage_providers"
    MANAGE_OWN_PROVIDER = "manage_own_provider"
    BLACKLIST = "blacklist"
    # Orders, dispatch, visits, quality, settlement.
    PLACE_ORDERS = "place_orders"
    VIEW_ORDERS = "view_orders"
    DISPATCH_ORDERS = "dispatch_orders"
    PERFORM_SERVICE = "perform_service"
    SUPERVISE_SERVICES = "supervise_services"
    SETTLE_ORDERS = "settle_orders"
    # Emergency calls (issue 6).
    VIEW_ALARMS = "view_alarms"
    HANDLE_ALARMS = "handle_alarms"
    MANAGE_DEVICES = "manage_devices"
    # Care agreements and visits.
    VIEW_CARE_VISITS = "view_care_visits"
    LOG_CARE_VISITS = "log_care_visits"
    MANAGE_CARE_AGREEMENTS = "manage_care_agreements"


# Settings, money and the national structure are decided at county level or above.
_COUNTY_ONLY = frozenset(
    {
        Action.MANAGE_REGIONS,
        Action.MANAGE_ASSESSMENT_POLICY,
        Action.MANAGE_CATALOGUE,
        Action.MANAGE_ENTITLEMENT_POLICY,
        Action.MANAGE_FUNDS,
        Action.APPROVE_LEDGER_CORRECTION,
        Action.RUN_ENTITLEMENTS,
        Action.MANAGE_PROVIDERS,
        Action.BLACKLIST,
        Action.SETTLE_ORDERS,
    }
)
# Work done inside a provider: a civil-affairs office supervises it but does not do it.
_PROVIDER_WORK = frozenset(
    {Action.MANAGE_OWN_PROVIDER, Action.DISPATCH_ORDERS, Action.PERFORM_SERVICE}
)
ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.SYSTEM_ADMIN: frozenset(Action),
    Role.CITY_ADMIN: frozenset(Action) - _PROVIDER_WORK,
    Role.COUNTY_ADMIN: frozenset(Action) - _PROVIDER_WORK,
    # Assessing is for qualified assessors; importing paper results is a county task.
    Role.TOWNSHIP_WORKER: frozenset(Action)
    - _COUNTY_ONLY
    - _PROVIDER_WORK
    - {Action.VIEW_AUDIT, Action.PERFORM_ASSESSMENT, Action.IMPORT_ASSESSMENTS},
    Role.VILLAGE_WORKER: frozenset(
        {
            Action.VIEW_REGISTRY,
            Action.EDIT_REGISTRY,
            Action.VIEW_UNMASKED,
            Action.VIEW_ASSESSMENTS,
            Action.REQUEST_REASSESSMENT,
            Action.VIEW_CATALOGUE,
            Action.VIEW_ENTITLEMENTS,
            Action.APPLY_ON_BEHALF,
            Action.REVIEW_APPLICATIONS,
            Action.VIEW_GOVERNANCE,
            Action.VIEW_PROVIDERS,
            Action.PLACE_ORDERS,
            Action.VIEW_ORDERS,
            Action.VIEW_ALARMS,
            Action.HANDLE_ALARMS,
            Action.VIEW_CARE_VISITS,
            Action.LOG_CARE_VISITS,
        }
    ),
    Role.ASSESSOR: frozenset(
        {
            Action.VIEW_REGISTRY,
            Action.VIEW_UNMASKED,
            Action.VIEW_ASSESSMENTS,
            Action.PERFORM_ASSESSMENT,
            Action.REQUEST_REASSESSMENT,
            Action.VIEW_CATALOGUE,
        }
    ),
    # Providers and caregivers reach residents through their orders, never the registry, and see
    # only their own provider's records (see `scoped`).
    Role.PROVIDER_MANAGER: frozenset(
        {
            Action.VIEW_CATALOGUE,
            Action.VIEW_PROVIDERS,
            Action.MANAGE_OWN_PROVIDER,
            Action.VIEW_ORDERS,
            Action.PLACE_ORDERS,
            Action.DISPATCH_ORDERS,
        }
    ),
    Role.CAREGIVER: frozenset({Action.VIEW_CATALOGUE, Action.VIEW_ORDERS, Action.PERFORM_SERVICE}),
    # The hotline / alarm centre: takes calls, handles alarms, places orders for callers.
    Role.CALL_OPERATOR: frozenset(
        {
            Action.VIEW_REGISTRY,
            Action.VIEW_UNMASKED,
            Action.VIEW_CATALOGUE,
            Action.VIEW_PROVIDERS,
            Action.PLACE_ORDERS,
            Action.VIEW_ORDERS,
            Action.VIEW_ALARMS,
            Action.HANDLE_ALARMS,
            Action.VIEW_CARE_VISITS,
        }
    ),
    Role.AUDITOR: frozenset(
        {
            Action.VIEW_REGISTRY,
            Action.EXPORT_REGISTRY,
            Action.VIEW_AUDIT,
            Action.VIEW_ASSESSMENTS,
            Action.VIEW_CATALOGUE,
            Action.VIEW_ENTITLEMENTS,
            Action.VIEW_ACCOUNTS,
            Action.VIEW_GOVERNANCE,
            Action.VIEW_DASHBOARD,
            Action.VIEW_FUNDS,
            Action.VIEW_PROVIDERS,
            Action.VIEW_ORDERS,
            Action.VIEW_ALARMS,
            Action.VIEW_CARE_VISITS,
        }
    ),
}
# Users who work for a provider see only that provider's records, on top of their region.
PROVIDER_SIDE_ROLES = frozenset({Role.PROVIDER_MANAGER, Role.CAREGIVER})

ModelT = TypeVar("ModelT", bound=models.Model)


def _is_active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can(user: Any, action: Action) -> bool:
    if not _is_active(user):
        return False
    return action in ROLE_ACTIONS.get(user.role, frozenset())


def require(user: Any, action: Action) -> None:
    if not can(user, action):
        raise PermissionDenied(f"当前角色无权执行此操作：{action}")


def scope_code(user: Any) -> str | None:
    """ "" for the whole country, a 12-digit code for a subtree, None for nothing at all."""
    if not _is_active(user) or user.role not in ROLE_ACTIONS:
        return None
    if user.role == Role.SYSTEM_ADMIN:
        return ""
    code = user.region_code or ""
    try:
        subtree_range(code)
    except RegionCodeError:
        return None
    return code


def chosen_region(user: Any, raw: str | None) -> str:
    """A page's ?region= (default: the user's own region): a current region inside the user's
    scope, normalised to 12 digits; anything else — malformed, outside, retired — is a 404."""
    own = scope_code(user)
    if own is None:
        raise Http404(gettext("区划不存在"))
    text = (raw or "").strip()
    if not text:
        return own
    try:
        code = normalize_code(text)
    except RegionCodeError as error:
        raise Http404(gettext("区划不存在")) from error
    if not in_scope(user, code) or not Region.objects.current().filter(code=code).exists():
        raise Http404(gettext("区划不存在"))
    return code


def in_scope(user: Any, region_code: str) -> bool:
    code = scope_code(user)
    if code is None:
        return False
    if code == "":
        return True
    try:
        return is_within(region_code, code)
    except RegionCodeError:
        return False


# Provider statuses (providers.ProviderStatus) whose staff no longer work under the provider: it
# has left the market. A suspended provider's staff keep their access — suspension is temporary,
# visits in progress must be finished and handed over, and new work is refused by the order
# services (accepting, dispatching), not by hiding the provider's records.
_PROVIDER_GONE = frozenset({"blacklisted", "exited"})


def staff_member_of(user: Any) -> Any | None:
    """The active staff record a provider-side login works under, or None (also when the
    provider has been blacklisted or has exited)."""
    if not _is_active(user):
        return None
    member = getattr(user, "staff_member", None)
    if member is None or member.status != "active" or member.provider.status in _PROVIDER_GONE:
        return None
    return member


def _provider_side(user: Any, queryset: models.QuerySet[ModelT]) -> models.QuerySet[ModelT]:
    """A provider's manager sees the provider's records; a caregiver only their own work.

    Models opt in with `provider_field` (and `caregiver_field` for per-caregiver rows); a model
    without it is invisible to provider-side users.
    """
    provider_field = getattr(queryset.model, "provider_field", None)
    member = staff_member_of(user)
    if provider_field is None or member is None:
        return queryset.none()
    queryset = queryset.filter(**{provider_field: member.provider_id})
    caregiver_field = getattr(queryset.model, "caregiver_field", None)
    if user.role == Role.CAREGIVER and caregiver_field is not None:
        queryset = queryset.filter(**{caregiver_field: member.pk})
    return queryset


def scoped(user: Any, queryset: models.QuerySet[ModelT]) -> models.QuerySet[ModelT]:
    """The queryset restricted to the user's subtree through the model's `scope_field`."""
    field = getattr(queryset.model, "scope_field", None)
    if field is None:
        raise TypeError(f"{queryset.model.__name__} declares no scope_field; it cannot be scoped")
    code = scope_code(user)
    if code is None:
        return queryset.none()
    if user.role in PROVIDER_SIDE_ROLES:
        queryset = _provider_side(user, queryset)
    if code == "":
        return queryset
    low, high = subtree_range(code)
    return queryset.filter(**{f"{field}__gte": low, f"{field}__lte": high})


def scoped_regions(user: Any) -> QuerySet[Region]:
    """Current regions inside the user's scope, plus the ancestors that lead to their region."""
    code = scope_code(user)
    current = Region.objects.current()
    if code is None:
        return current.none()
    if code == "":
        return current
    return current.within(code) | current.filter(code__in=ancestor_codes(code))


def get_scoped_or_404(user: Any, queryset: models.QuerySet[ModelT], **lookup: Any) -> ModelT:
    try:
        return scoped(user, queryset).get(**lookup)
    except (ObjectDoesNotExist, ValueError) as error:
        raise Http404("记录不存在") from error


ViewFunc = Callable[..., HttpResponseBase]


def requires(action: Action) -> Callable[[ViewFunc], ViewFunc]:
    """Page decorator: a login, then the role's permission for `action` (403 otherwise)."""

    def decorate(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            require(request.user, action)
            return view(request, *args, **kwargs)

        wrapper.required_action = action  # type: ignore[attr-defined]
        return login_required(wrapper)

    return decorate
