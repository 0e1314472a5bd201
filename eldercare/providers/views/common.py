"""What the pages share: region choices and paging."""

from typing import Any

from django.db.models import Q
from django.http import HttpRequest

from eldercare.accounts.access import scoped_regions
from eldercare.regions.codes import Level, subtree_range
from eldercare.regions.models import Region

PAGE_SIZE = 50


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
