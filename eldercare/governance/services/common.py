"""What the services share: today's date, access checks that name what is wrong."""

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from eldercare.accounts.access import Action, in_scope, require, scope_code
from eldercare.governance.errors import GovernanceError
from eldercare.regions.codes import RegionCodeError, is_within, normalize_code


def today_local() -> date:
    return timezone.localdate()


def require_manage(actor: Any) -> None:
    require(actor, Action.MANAGE_GOVERNANCE)


def clean_region(actor: Any, value: str, *, field: str = "region_code") -> str:
    """A 12-digit code in the actor's scope; anything else is refused with the field named."""
    try:
        code = normalize_code(str(value or ""))
    except RegionCodeError as error:
        raise GovernanceError(
            field, "region_invalid", _("区划代码：%(error)s") % {"error": error}
        ) from error
    if not in_scope(actor, code):
        raise GovernanceError(
            field, "region_out_of_scope", _("区划 %(code)s 不在您的管辖范围内") % {"code": code}
        )
    return code


def within(code: str, region: str) -> bool:
    """`code` lies in `region`'s subtree; the national region "" contains everything."""
    if region == "":
        return True
    try:
        return is_within(code, region)
    except RegionCodeError:
        return False


def actor_region(actor: Any) -> str:
    return scope_code(actor) or ""
