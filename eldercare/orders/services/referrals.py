"""Orders other apps place for a resident: an on-site visit an alarm operator asks for, a service
a care visitor found needed. No one picks a provider or an item there, so this chooses: an active
provider serving the village with a price, today, for an item of the wanted category (nearest to
"first by name" — the dispatcher of that provider then chooses the caregiver as usual). When none
qualifies, nothing is placed and the caller records the request for a person to arrange."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from eldercare.orders.errors import OrderDataError
from eldercare.orders.models import Channel, Order, Requester
from eldercare.orders.services.placing import place_order
from eldercare.providers.models import ProviderPrice, ProviderStatus
from eldercare.regions.codes import ancestor_codes
from eldercare.registry.models import Resident

# The visit window asked for: from now, this long (within the day).
REFERRAL_WINDOW = timedelta(hours=2)


def _offer(resident: Resident, category: str) -> ProviderPrice | None:
    today = timezone.localdate()
    return (
        ProviderPrice.objects.filter(
            provider__status=ProviderStatus.ACTIVE,
            provider__areas__region_code__in=ancestor_codes(resident.region_code),
            item__category=category,
            item__is_active=True,
            effective_from__lte=today,
        )
        .select_related("provider", "item")
        .order_by("provider__name", "item__code", "-effective_from")
        .first()
    )


def place_referral_order(
    *,
    actor: Any,
    resident: Resident,
    category: str,
    reason: str,
    channel: str = Channel.WORKER,
    requester_phone: str = "",
) -> Order | None:
    """Place an order for `resident` from now on, or None when no provider can take it."""
    offer = _offer(resident, category)
    address = resident.residence_address or resident.household_address
    if offer is None or not address:
        return None
    starts = timezone.localtime()
    end_of_day = starts.replace(hour=23, minute=59, second=0, microsecond=0)
    data = {
        "starts_at": starts,
        "ends_at": min(starts + REFERRAL_WINDOW, end_of_day),
        "address": address,
        "channel": channel,
        "requested_by": Requester.WORKER,
        "requester_phone": requester_phone,
        "notes": reason,
    }
    try:
        return place_order(
            actor=actor, resident=resident, provider=offer.provider, item=offer.item, data=data
        )
    except OrderDataError:
        # A window too late in the day, a price that changed: a person arranges it instead.
        return None
