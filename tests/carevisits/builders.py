"""Builders of the care-visits tests: key residents, agreements signed through the service, and
contacts written directly for weeks in the past (the service refuses entries older than 14 days)."""

from datetime import date, datetime
from typing import Any

from eldercare.accounts.models import Role, User
from eldercare.carevisits import services
from eldercare.carevisits.models import CareAgreement, CareContact
from eldercare.carevisits.rules.compliance import TZ
from eldercare.registry.models import Resident
from tests import factories
from tests.conftest import World


def key_resident(region_code: str, name: str = "李奶奶", **extra: Any) -> Resident:
    """Living alone and 86 years old: a key resident under the default rule."""
    values: dict[str, Any] = {"living_arrangement": "alone", "birth": date(1940, 5, 1)}
    values.update(extra)
    return factories.resident(region_code, name=name, **values)


def at(text: str) -> datetime:
    """A Beijing-time instant from "2026-11-23 09:00"."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def sign(
    world: World,
    resident: Resident,
    *,
    starts_on: date | None = None,
    ends_on: date | None = None,
    worker: User | None = None,
    extra_visitors: list[dict[str, Any]] | None = None,
    actor: User | None = None,
) -> CareAgreement:
    worker = worker or world.user(Role.VILLAGE_WORKER)
    return services.sign_agreement(
        actor=actor or world.user(Role.TOWNSHIP_WORKER),
        resident=resident,
        visitors=[{"kind": "village_worker", "user": worker.pk}, *(extra_visitors or [])],
        starts_on=starts_on,
        ends_on=ends_on,
    )


def contact(
    resident: Resident, when: datetime, kind: str = "phone_call", by: User | None = None
) -> CareContact:
    """A contact row as stored (no checks), for weeks before the 14-day entry window."""
    logged_by = by or User.objects.get(username=Role.VILLAGE_WORKER)
    return CareContact.objects.create(
        resident=resident,
        kind=kind,
        occurred_at=when,
        visitor_name=logged_by.display_name,
        logged_by=logged_by,
        idempotency_key=f"t-{CareContact.objects.count()}-{when.timestamp()}",
    )
