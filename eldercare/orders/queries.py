"""Read-side helpers shared by pages and API: filtered order lists, today's work of a caregiver."""

from collections.abc import Mapping
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from eldercare.accounts.access import in_scope, scoped, staff_member_of
from eldercare.catalogue.models import ServiceCategory, ServiceItem
from eldercare.orders.errors import OrderDataError, Problem
from eldercare.orders.models import Order, OrderStatus
from eldercare.orders.parsing import day
from eldercare.providers.models import Provider, ProviderStatus
from eldercare.regions.codes import RegionCodeError, ancestor_codes, normalize_code, subtree_range
from eldercare.registry.models import Resident


def orders_for(user: Any, params: Mapping[str, Any]) -> QuerySet[Order]:
    """The user's visible orders filtered by status, provider, region (the resident's village
    within a subtree), service category, service date range and number."""
    orders = scoped(user, Order.objects.select_related("resident", "provider", "item", "caregiver"))
    status = str(params.get("status") or "")
    if status:
        if status not in OrderStatus.values:
            raise OrderDataError([Problem("status", "invalid", f"无法识别的状态：{status}")])
        orders = orders.filter(status=status)
    region = str(params.get("region") or "")
    if region:
        try:
            low, high = subtree_range(normalize_code(region))
        except RegionCodeError as error:
            problem = Problem("region", "invalid", f"应为12位区划代码：{region}")
            raise OrderDataError([problem]) from error
        orders = orders.filter(region_code__gte=low, region_code__lte=high)
    category = str(params.get("category") or "")
    if category:
        if category not in ServiceCategory.values:
            raise OrderDataError(
                [Problem("category", "invalid", f"无法识别的服务类别：{category}")]
            )
        orders = orders.filter(item__category=category)
    provider = str(params.get("provider") or "")
    if provider.isdigit():
        orders = orders.filter(provider_id=int(provider))
    tz = timezone.get_current_timezone()
    if params.get("date_from"):
        start = day(params.get("date_from"), "date_from")
        orders = orders.filter(starts_at__gte=datetime.combine(start, time.min, tzinfo=tz))
    if params.get("date_to"):
        end = day(params.get("date_to"), "date_to") + timedelta(days=1)
        orders = orders.filter(starts_at__lt=datetime.combine(end, time.min, tzinfo=tz))
    number = str(params.get("number") or "").strip()
    if number:
        orders = orders.filter(number=number)
    return orders.order_by("-starts_at", "-id")


def resident_for_order(user: Any, pk: object) -> Resident | None:
    """The resident an order may be placed for: any resident in the user's region (provider
    staff included: they take orders for residents of the areas they serve, but never browse
    the registry); None when there is no such resident, Http404 when out of scope."""
    resident = (
        Resident.objects.filter(pk=str(pk or "0")).first() if str(pk or "").isdigit() else None
    )
    if resident is not None and not in_scope(user, resident.region_code):
        raise Http404("记录不存在")
    return resident


def orderable_item(code: object) -> ServiceItem | None:
    """An active catalogue item by code (the catalogue is public reference data)."""
    return ServiceItem.objects.filter(code=str(code or ""), is_active=True).first()


def orderable_items() -> QuerySet[ServiceItem]:
    return ServiceItem.objects.filter(is_active=True).order_by("category", "code")


def providers_serving(user: Any, region_code: str) -> QuerySet[Provider]:
    """Providers an order for a resident of `region_code` may go to: active, serving the
    village; a provider's own staff can only order from their provider. (Which providers serve
    where is public directory information, not limited by the user's region.)"""
    providers = Provider.objects.filter(
        status=ProviderStatus.ACTIVE, areas__region_code__in=ancestor_codes(region_code)
    ).distinct()
    member = staff_member_of(user)
    if member is not None:
        providers = providers.filter(pk=member.provider_id)
    return providers.order_by("name")


def work_today(user: Any) -> QuerySet[Order]:
    """The caregiver's own orders of today (local), earliest first, plus any still in service."""
    member = staff_member_of(user)
    if member is None:
        return Order.objects.none()
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    low = datetime.combine(today, time.min, tzinfo=tz)
    high = low + timedelta(days=1)
    mine = scoped(user, Order.objects.select_related("resident", "item")).filter(caregiver=member)
    return (
        mine.filter(
            starts_at__gte=low,
            starts_at__lt=high,
            status__in=("dispatched", "in_service", "completed", "rated"),
        )
        | mine.filter(status="in_service")
    ).order_by("starts_at")
