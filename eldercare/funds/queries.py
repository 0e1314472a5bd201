"""What the pages and the API list: entries in the user's scope, regions a manager may pick."""

from typing import Any

from django.db.models import QuerySet

from eldercare.accounts.access import scope_code, scoped, scoped_regions
from eldercare.funds.models import Allocation, Expenditure, Project, Source
from eldercare.regions.codes import Level
from eldercare.regions.models import Region


def sources_for(user: Any) -> QuerySet[Source]:
    return scoped(user, Source.objects.select_related("reversal"))


def allocations_for(user: Any) -> QuerySet[Allocation]:
    return scoped(user, Allocation.objects.select_related("source", "project", "reversal"))


def expenditures_for(user: Any) -> QuerySet[Expenditure]:
    return scoped(user, Expenditure.objects.select_related("allocation__source", "reversal"))


def projects_for(user: Any) -> QuerySet[Project]:
    return scoped(user, Project.objects.all())


def managed_regions(user: Any, within: str | None = None) -> QuerySet[Region]:
    """Cities, counties and townships in the user's scope (funds are not held by villages),
    optionally only those inside `within`."""
    regions = scoped_regions(user).filter(level__lte=Level.TOWNSHIP)
    if within:
        regions = regions & Region.objects.current().within(within)
    code = scope_code(user)
    if code:
        regions = regions & Region.objects.current().within(code)
    return regions.order_by("code")
