"""The review chain of a region (county or city setting, nearest up the tree, else the default)
and the planning of steps with their deadlines in working days."""

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from eldercare.accounts.access import Action, in_scope, require
from eldercare.applications.chain import (
    DEFAULT_CHAIN,
    ChainError,
    ChainStep,
    parse_chain,
    reviewing_code,
)
from eldercare.applications.errors import ApplicationDataError, ApplicationStateError, Problem
from eldercare.applications.models import Application, ApplicationStatus, ReviewChain, ReviewStep
from eldercare.core.audit import record
from eldercare.core.holidays import calendar_around
from eldercare.core.models import AuditAction
from eldercare.core.workdays import add_working_days, unknown_years
from eldercare.regions.codes import Level, RegionCodeError, ancestor_codes, level_of

logger = logging.getLogger(__name__)


def chain_for(region_code: str) -> tuple[ChainStep, ...]:
    """The chain of the nearest region up the tree that set one, else the default."""
    ancestors = ancestor_codes(region_code)
    chains = {
        chain.region_code: chain for chain in ReviewChain.objects.filter(region_code__in=ancestors)
    }
    for code in reversed(ancestors):
        if code in chains:
            return parse_chain(chains[code].steps)
    return DEFAULT_CHAIN


def set_review_chain(
    *, actor: Any, region_code: str, steps: Sequence[Mapping[str, Any]]
) -> ReviewChain:
    """A county's or city's own chain, used by applications submitted from then on."""
    require(actor, Action.MANAGE_ENTITLEMENT_POLICY)
    _check_chain_region(actor, region_code)
    try:
        chain = parse_chain(steps)
    except ChainError as error:
        raise ApplicationDataError([Problem("steps", error.code, str(error))]) from error
    data = [step.as_dict() for step in chain]
    with transaction.atomic():
        existing = ReviewChain.objects.select_for_update().filter(region_code=region_code).first()
        before = existing.steps if existing else None
        if existing is None:
            existing = ReviewChain(region_code=region_code)
        existing.steps = data
        existing.updated_by = actor
        existing.save()
        record(
            actor=actor,
            action=AuditAction.UPDATE if before is not None else AuditAction.CREATE,
            obj=existing,
            region_code=region_code,
            changes={"steps": [before, data]},
        )
    return existing


def remove_review_chain(*, actor: Any, region_code: str) -> None:
    """Drop a region's own chain: the one up the tree (or the default) applies again."""
    require(actor, Action.MANAGE_ENTITLEMENT_POLICY)
    _check_chain_region(actor, region_code)
    with transaction.atomic():
        existing = ReviewChain.objects.select_for_update().filter(region_code=region_code).first()
        if existing is None:
            return
        record(
            actor=actor,
            action=AuditAction.DELETE,
            obj=existing,
            region_code=region_code,
            changes={"steps": [existing.steps, None]},
        )
        existing.delete()


def _check_chain_region(actor: Any, region_code: str) -> None:
    if not in_scope(actor, region_code):
        raise Http404("区划不存在")
    try:
        level = level_of(region_code)
    except RegionCodeError as error:
        raise ApplicationDataError([Problem("region_code", "invalid", str(error))]) from error
    if level not in (Level.COUNTY, Level.CITY):
        raise ApplicationDataError(
            [Problem("region_code", "level", "审核流程只能由县级或市级设置")]
        )


def plan_round(application: Application, now: datetime) -> ReviewStep:
    """Freeze the resident's chain on the application and plan its first step."""
    region = application.resident.region_code
    chain = [step for step in chain_for(region) if reviewing_code(region, step.level) is not None]
    if not chain:
        raise ApplicationStateError("该老人所在区划没有可办理的审核步骤", code="no_chain")
    application.chain = [step.as_dict() for step in chain]
    application.status = ApplicationStatus.SUBMITTED
    return plan_step(application, 1, now)


def plan_step(application: Application, position: int, now: datetime) -> ReviewStep:
    """The unsaved step at `position`, with its deadline; the application points at it."""
    planned = application.chain[position - 1]
    level, days = planned["level"], int(planned["working_days"])
    started_on = timezone.localdate(now)
    calendar = calendar_around(started_on)
    due_on = add_working_days(started_on, days, calendar)
    is_provisional = bool(unknown_years(started_on, due_on, calendar))
    if is_provisional:
        logger.warning(
            "申请 %s 的截止日期 %s 仅按周末推算：节假日安排未录入", application.number, due_on
        )
    application.current_step = position
    application.current_level = level
    application.current_due_on = due_on
    code = reviewing_code(application.resident.region_code, level)
    assert code is not None  # plan_round keeps only the steps that have a reviewing region
    return ReviewStep(
        application=application if application.pk else None,
        round=application.round,
        position=position,
        level=level,
        region_code=code,
        working_days=days,
        started_at=now,
        due_on=due_on,
        is_due_provisional=is_provisional,
    )
