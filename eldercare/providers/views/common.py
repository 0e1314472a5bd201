"""What the pages share: showing service errors, region choices, paging."""

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest

from eldercare.accounts.access import scoped_regions
from eldercare.providers.errors import ProviderDataError
from eldercare.regions.codes import Level, subtree_range
from eldercare.regions.models import Region

PAGE_SIZE = 50


def show_problems(request: HttpRequest, error: ProviderDataError) -> None:
    for problem in error.problems:
        messages.error(request, str(problem))


def show_form_errors(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else str(error))


def _choices(regions: Any) -> list[tuple[str, str]]:
    return [
        (r.code, f"{'　' * (r.level - 3)}{r.name}（{r.code}）") for r in regions.order_by("code")
    ]


def area_choices(user: Any) -> list[tuple[str, str]]:
    """Counties and townships the user may register providers in and assign as areas."""
    regions = scoped_regions(user).filter(level__in=[Level.COUNTY, Level.TOWNSHIP])
    return _choices(regions)


def village_choices(user: Any) -> list[tuple[str, str]]:
    return _choices(scoped_regions(user).filter(level=Level.VILLAGE))


def within_areas(areas: list[str]) -> list[tuple[str, str]]:
    """Townships and villages inside a provider's areas (a staff member's working area)."""
    if not areas:
        return []
    condition = Q()
    for code in areas:
        low, high = subtree_range(code)
        condition |= Q(code__gte=low, code__lte=high)
    regions = Region.objects.current().filter(condition, level__gte=Level.COUNTY)
    return _choices(regions)


def page_of(request: HttpRequest, rows: Any) -> dict[str, Any]:
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    window = list(rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "rows": window[:PAGE_SIZE],
        "page": page,
        "has_next": len(window) > PAGE_SIZE,
        "query": query.urlencode(),
    }
