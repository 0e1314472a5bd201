"""Read-side helpers shared by the pages and the API: the region a report is for."""

from typing import Any

from django.http import Http404

from eldercare.accounts.access import in_scope, scope_code
from eldercare.regions.codes import RegionCodeError, normalize_code
from eldercare.regions.models import Region


def report_region(user: Any, raw: str | None) -> Region | None:
    """The requested region (default: the user's own), 404 outside scope; None when a national
    user has not picked one yet."""
    code = (raw or "").strip() or scope_code(user)
    if code is None:
        raise Http404("区划不存在")
    if code == "":
        return None
    try:
        code = normalize_code(code)
    except RegionCodeError as error:
        raise Http404("区划不存在") from error
    region = Region.objects.current().filter(code=code).first()
    if region is None or not in_scope(user, code):
        raise Http404("区划不存在")
    return region
