"""What the use cases share: the local day, the resident scope check, text cleaning."""

from datetime import date
from typing import Any

from django.http import Http404
from django.utils import timezone

from eldercare.accounts.access import in_scope
from eldercare.registry.models import Resident

MAX_REASON = 200


def today_local() -> date:
    return timezone.localdate()


def check_resident(actor: Any, resident: Resident) -> None:
    """A resident outside the actor's subtree does not exist for them."""
    if not in_scope(actor, resident.region_code):
        raise Http404("记录不存在")


def single_line(value: object, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


def actor_name(actor: Any) -> str:
    return str(getattr(actor, "display_name", "") or getattr(actor, "username", ""))[:30]
