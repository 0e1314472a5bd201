"""Reading the catalogue: what applies where and when, and what a user may see.

Lists and items are public policy, but pages and API still follow accounts.access: a user sees
the national list, the lists of the regions above their own (they apply to them) and everything
in their own subtree; drafts only in their subtree and only with MANAGE_CATALOGUE.
Other apps call `items_in_effect`, `entry_in_effect` and `item_by_code`.
"""

from collections.abc import Collection
from datetime import date
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from eldercare.accounts.access import Action, can, scope_code
from eldercare.catalogue.errors import CatalogueDataError, Problem
from eldercare.catalogue.models import (
    KIND_PRECEDENCE,
    ListStatus,
    ServiceCategory,
    ServiceItem,
    ServiceList,
    ServiceListEntry,
)
from eldercare.catalogue.resolution import Candidate, depth, resolve
from eldercare.regions.codes import RegionCodeError, ancestor_codes, normalize_code, subtree_range

_CATEGORY_ORDER = {value: index for index, value in enumerate(ServiceCategory.values)}
_KIND_RANK = {kind.value: rank for rank, kind in enumerate(KIND_PRECEDENCE)}


def category_order() -> Case:
    """An ORDER BY expression: categories in the catalogue's order (the "6" first), not a–z."""
    return Case(
        *[When(category=value, then=Value(index)) for value, index in _CATEGORY_ORDER.items()],
        default=Value(len(_CATEGORY_ORDER)),
        output_field=IntegerField(),
    )


def applicable_region_codes(region_code: str) -> list[str]:
    """ "" (national) and every region from the province down to `region_code` itself."""
    return ["", *ancestor_codes(region_code)] if region_code else [""]


def items_in_effect(
    region_code: str, on: date, *, kinds: Collection[str] | None = None
) -> list[ServiceListEntry]:
    """The entries that apply at `region_code` (usually a village) on day `on`.

    The national list plus the lists of every region up the tree that are published and in
    effect that day; for one item code the nearest region's entry wins (resolution.resolve).
    `kinds` restricts the list kinds considered (e.g. only the government purchase lists).
    One query; entries come with `item` and `service_list` loaded, ordered by category and code.
    """
    entries = ServiceListEntry.objects.filter(
        service_list__region_code__in=applicable_region_codes(region_code),
        service_list__status=ListStatus.PUBLISHED,
        service_list__effective_from__lte=on,
    ).filter(Q(service_list__effective_to__isnull=True) | Q(service_list__effective_to__gte=on))
    if kinds is not None:
        entries = entries.filter(service_list__kind__in=list(kinds))
    winners = resolve(
        Candidate(
            item_code=entry.item.code,
            region_code=entry.service_list.region_code,
            kind_rank=_KIND_RANK[entry.service_list.kind],
            value=entry,
        )
        for entry in entries.select_related("item", "service_list")
    )
    return sorted(winners.values(), key=_entry_order)


def _entry_order(entry: ServiceListEntry) -> tuple[int, str]:
    return _CATEGORY_ORDER.get(entry.item.category, len(_CATEGORY_ORDER)), entry.item.code


def entry_in_effect(
    region_code: str, item_code: str, on: date, *, kinds: Collection[str] | None = None
) -> ServiceListEntry | None:
    """The entry that applies to one item at a place on a day, or None if it is on no list."""
    return next(
        (e for e in items_in_effect(region_code, on, kinds=kinds) if e.item.code == item_code),
        None,
    )


def item_by_code(code: str) -> ServiceItem | None:
    """The item with this code (any region, active or not), or None."""
    return ServiceItem.objects.filter(code=code.strip().upper()).first()


def lists_in_effect(region_code: str, on: date) -> list[ServiceList]:
    """The published lists that apply at a place on a day, national first, nearest last."""
    lists = ServiceList.objects.filter(
        region_code__in=applicable_region_codes(region_code),
        status=ListStatus.PUBLISHED,
        effective_from__lte=on,
    ).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
    return sorted(lists, key=lambda s: (depth(s.region_code), _KIND_RANK[s.kind]))


# --- what a user may see ------------------------------------------------------------------------


def _visible_region_filter(actor: Any, *, field: str = "region_code") -> Q | None:
    """National + the regions above the actor's + the actor's subtree; None = everything."""
    code = scope_code(actor)
    if code is None or not can(actor, Action.VIEW_CATALOGUE):
        return Q(pk__in=[])
    if code == "":
        return None
    low, high = subtree_range(code)
    return Q(**{f"{field}__in": ["", *ancestor_codes(code)[:-1]]}) | Q(
        **{f"{field}__gte": low, f"{field}__lte": high}
    )


def _subtree_filter(actor: Any, *, field: str = "region_code") -> Q:
    code = scope_code(actor)
    if code is None:
        return Q(pk__in=[])
    if code == "":
        return Q()
    low, high = subtree_range(code)
    return Q(**{f"{field}__gte": low, f"{field}__lte": high})


def visible_lists(actor: Any) -> QuerySet[ServiceList]:
    lists = ServiceList.objects.all()
    region_filter = _visible_region_filter(actor)
    if region_filter is not None:
        lists = lists.filter(region_filter)
    drafts_visible = _subtree_filter(actor) if can(actor, Action.MANAGE_CATALOGUE) else None
    if drafts_visible is None:
        return lists.filter(status=ListStatus.PUBLISHED)
    return lists.filter(
        Q(status=ListStatus.PUBLISHED) | (Q(status=ListStatus.DRAFT) & drafts_visible)
    )


def visible_items(actor: Any) -> QuerySet[ServiceItem]:
    items = ServiceItem.objects.all()
    region_filter = _visible_region_filter(actor)
    return items if region_filter is None else items.filter(region_filter)


def get_visible_list_or_404(actor: Any, pk: Any) -> ServiceList:
    try:
        return visible_lists(actor).get(pk=pk)
    except (ServiceList.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("记录不存在") from error


def get_visible_item_or_404(actor: Any, code: str) -> ServiceItem:
    try:
        return visible_items(actor).get(code=str(code).strip().upper())
    except ServiceItem.DoesNotExist as error:
        raise Http404("记录不存在") from error


def is_region_visible(actor: Any, region_code: str) -> bool:
    """May the actor look at what applies at `region_code` (their subtree or above it)?"""
    code = scope_code(actor)
    if code is None or not can(actor, Action.VIEW_CATALOGUE):
        return False
    if code == "" or region_code == "":
        return True
    try:
        low, high = subtree_range(code)
        return low <= region_code <= high or region_code in ancestor_codes(code)
    except ValueError:
        return False


def visible_region_or_404(actor: Any, requested: str | None) -> str:
    """The region a page or API call is about: the requested one if visible, else the actor's.

    A malformed code is a CatalogueDataError; a region the actor may not look at is a 404.
    """
    if requested is None or not requested.strip():
        code = scope_code(actor)
        if code is None:
            raise Http404("区划不存在")
        return code
    try:
        region_code = normalize_code(requested)
    except RegionCodeError as error:
        raise CatalogueDataError([Problem("region", "region_invalid", str(error))]) from error
    if not is_region_visible(actor, region_code):
        raise Http404("区划不存在")
    return region_code


def lists_with_item(actor: Any, item: ServiceItem) -> list[ServiceList]:
    """The visible list versions that carry the item, newest first."""
    return list(
        visible_lists(actor)
        .filter(entries__item=item)
        .order_by("region_code", "kind", "-version")
        .distinct()
    )


def items_for_list(service_list: ServiceList) -> QuerySet[ServiceItem]:
    """Items that may be put on the list: active, common or of its region or one above it, and
    not on it yet."""
    return (
        ServiceItem.objects.filter(
            is_active=True, region_code__in=applicable_region_codes(service_list.region_code)
        )
        .exclude(entries__service_list=service_list)
        .order_by(category_order(), "code")
    )
