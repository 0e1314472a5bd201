"""What the governance pages share: the region and day a page is about, region names, errors."""

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from eldercare.accounts.access import in_scope, scope_code
from eldercare.governance.errors import GovernanceError
from eldercare.governance.forms import RegionDayForm
from eldercare.governance.services.common import today_local
from eldercare.regions.codes import RegionCodeError, normalize_code
from eldercare.regions.services import region_names


def region_and_day(request: HttpRequest) -> tuple[str, date, RegionDayForm]:
    """?region= (default: the user's own region) and ?on= (default: today); a region outside the
    user's scope is a 404 like everything else out of sight."""
    form = RegionDayForm(request.GET)
    today = today_local()
    if not form.is_valid():
        messages.error(request, _("日期格式不对，已显示今天"))
        form = RegionDayForm()
        raw, day = "", today
    else:
        raw, day = form.cleaned_data["region"] or "", form.cleaned_data["on"] or today
    own = scope_code(request.user)
    if own is None:
        raise Http404("记录不存在")
    if not raw:
        return own, day, form
    try:
        code = normalize_code(raw)
    except RegionCodeError as error:
        raise Http404("记录不存在") from error
    if not in_scope(request.user, code):
        raise Http404("记录不存在")
    return code, day, form


def region_label(code: str) -> str:
    if code == "":
        return _("全国")
    return region_names([code]).get(code, code)


def form_error(form: Any, error: GovernanceError) -> None:
    """Attach a service error to its field (or to the form) so the page shows it in place."""
    field = error.field if error.field in getattr(form, "fields", {}) else None
    form.add_error(field, str(error))
