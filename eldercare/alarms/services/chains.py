"""A resident's call chain: their edited chain, or the default built from their contacts, the
provider serving their village and the village's workers (rules/chain.py decides the order)."""

from typing import Any

from django.db import transaction

from eldercare.accounts.access import Action, require
from eldercare.accounts.models import Role, User
from eldercare.alarms.errors import AlarmDataError, Problem
from eldercare.alarms.models import CallChainStep
from eldercare.alarms.rules.chain import Contact, Step, check_chain, default_chain
from eldercare.core import audit
from eldercare.core.models import AuditAction
from eldercare.providers.models import ProviderArea, ProviderStatus
from eldercare.regions.codes import RegionCodeError, ancestor_codes
from eldercare.registry.models import Resident


def serving_provider(village_code: str) -> tuple[str, str] | None:
    """(name, hotline) of the active provider whose service area is nearest to the village."""
    try:
        codes = ancestor_codes(village_code)
    except RegionCodeError:
        return None
    areas = (
        ProviderArea.objects.filter(region_code__in=codes, provider__status=ProviderStatus.ACTIVE)
        .exclude(provider__hotline="")
        .select_related("provider")
        .order_by("-region_code", "provider_id")
    )
    area = areas.first()
    return (area.provider.name, area.provider.hotline) if area else None


def default_chain_for(resident: Resident) -> list[Step]:
    provider = serving_provider(resident.region_code)
    contacts = [Contact(c.name, c.relation, c.phone, c.call_order) for c in resident.contacts.all()]
    workers = [
        (user.display_name, user.phone)
        for user in User.objects.filter(
            role=Role.VILLAGE_WORKER, region_code=resident.region_code, is_active=True
        ).order_by("pk")
    ]
    return default_chain([provider] if provider else [], contacts, workers)


def edited_chain(resident: Resident) -> list[Step]:
    return [
        Step(row.kind, row.name, row.phone, row.timeout_seconds)
        for row in CallChainStep.objects.filter(resident=resident).order_by("position")
    ]


def chain_for(resident: Resident) -> list[Step]:
    return edited_chain(resident) or default_chain_for(resident)


def save_chain(*, actor: Any, resident: Resident, steps: list[Step]) -> list[Step]:
    """Replace the resident's chain (an empty list returns them to the default chain).
    Running alarms keep the chain they started with."""
    require(actor, Action.HANDLE_ALARMS)
    problems = check_chain(steps) if steps else []
    if problems:
        raise AlarmDataError([Problem("chain", "invalid", message) for message in problems])
    with transaction.atomic():
        before = [step.as_dict() for step in edited_chain(resident)]
        CallChainStep.objects.filter(resident=resident).delete()
        CallChainStep.objects.bulk_create(
            CallChainStep(
                resident=resident,
                position=position,
                kind=step.kind,
                name=step.name.strip(),
                phone=step.phone.strip(),
                timeout_seconds=step.timeout_seconds,
            )
            for position, step in enumerate(steps, start=1)
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="alarms.callchain",
            object_id=str(resident.pk),
            object_repr=f"{resident.name} 呼叫链",
            region_code=resident.region_code,
            changes={"chain": [before, [step.as_dict() for step in steps]]},
        )
    return chain_for(resident)
