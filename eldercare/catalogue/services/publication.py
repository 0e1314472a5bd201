"""Publishing a version, and withdrawing one that has not taken effect yet.

Two published versions of one region and kind never overlap. Publishing closes the open-ended
version that started before the new one (its last day becomes the day before); any other overlap
is refused, naming the version in the way. The database trigger of migration 0001 refuses an
overlap again for any write that bypasses these functions.
"""

from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from eldercare.accounts.access import Action, get_scoped_or_404, require
from eldercare.catalogue.errors import CatalogueDataError, CatalogueStateError, Problem
from eldercare.catalogue.models import ListStatus, ServiceList
from eldercare.catalogue.services.common import list_snapshot, lock_family, today_local
from eldercare.core.audit import record_change


def _overlaps(other: ServiceList, start: date, end: date | None) -> bool:
    assert other.effective_from is not None
    return other.effective_from <= (end or date.max) and start <= (other.effective_to or date.max)


def _range_text(service_list: ServiceList) -> str:
    end = service_list.effective_to.isoformat() if service_list.effective_to else "长期"
    return f"{service_list.effective_from} 至 {end}"


def publish_version(
    *, actor: Any, service_list: ServiceList, family: list[ServiceList], allow_backdating: bool
) -> ServiceList:
    """Publish a draft (or save a new, unsaved version as published) within its locked family.

    Internal to publish_list and the loader. The open-ended version that started before the new
    one ends the day before it; any other overlap with a published version is refused, naming
    that version. Closing happens first so that the database trigger never sees an overlap.
    """
    start, end = service_list.effective_from, service_list.effective_to
    if start is None:
        raise CatalogueDataError([Problem("effective_from", "required", "发布前须填写生效日期")])
    if not allow_backdating and start < today_local():
        raise CatalogueDataError(
            [Problem("effective_from", "date_past", "生效日期不能早于今天（已生效的时段不能改写）")]
        )
    to_close: list[ServiceList] = []
    problems: list[Problem] = []
    for other in family:
        if other.status != ListStatus.PUBLISHED or other.pk == service_list.pk:
            continue
        if not _overlaps(other, start, end):
            continue
        assert other.effective_from is not None
        if other.effective_to is None and other.effective_from < start:
            to_close.append(other)
            continue
        problems.append(
            Problem(
                "effective_from",
                "overlap",
                f"与已发布的第{other.version}版（{_range_text(other)}）适用期重叠",
            )
        )
    if problems:
        raise CatalogueDataError(problems)
    closed_before = {}
    for other in to_close:
        closed_before[other.pk] = list_snapshot(other)
        other.effective_to = start - timedelta(days=1)
        other.save(update_fields=["effective_to"])
    before = list_snapshot(service_list) if service_list.pk else None
    service_list.status = ListStatus.PUBLISHED
    service_list.published_at = timezone.now()
    service_list.published_by = actor if getattr(actor, "pk", None) else None
    try:
        with transaction.atomic():
            service_list.save()
    except IntegrityError as error:  # the database trigger or the start-date constraint
        raise CatalogueDataError(
            [Problem("effective_from", "overlap", "与另一已发布版本的适用期重叠")]
        ) from error
    for other in to_close:
        other.superseded_by = service_list
        other.save(update_fields=["superseded_by"])
        record_change(
            actor=actor,
            obj=other,
            region_code=other.region_code,
            before=closed_before[other.pk],
            after=list_snapshot(other),
            reason=f"被第{service_list.version}版取代",
        )
    if before is not None:
        record_change(
            actor=actor,
            obj=service_list,
            region_code=service_list.region_code,
            before=before,
            after=list_snapshot(service_list),
        )
    return service_list


@transaction.atomic
def publish_list(*, actor: Any, service_list: ServiceList) -> ServiceList:
    """Freeze a draft from its effective date (today or later)."""
    require(actor, Action.MANAGE_CATALOGUE)
    scoped_list = get_scoped_or_404(actor, ServiceList.objects.all(), pk=service_list.pk)
    family = lock_family(scoped_list.region_code, scoped_list.kind)
    locked = next(s for s in family if s.pk == scoped_list.pk)
    if locked.status != ListStatus.DRAFT:
        raise CatalogueStateError(f"{locked} 已发布", code="not_draft")
    return publish_version(actor=actor, service_list=locked, family=family, allow_backdating=False)


@transaction.atomic
def withdraw_list(*, actor: Any, service_list: ServiceList) -> ServiceList:
    """A published version that has not taken effect yet goes back to being a draft.

    The version it had closed gets its range back (up to where this one ended).
    """
    require(actor, Action.MANAGE_CATALOGUE)
    scoped_list = get_scoped_or_404(actor, ServiceList.objects.all(), pk=service_list.pk)
    family = lock_family(scoped_list.region_code, scoped_list.kind)
    locked = next(s for s in family if s.pk == scoped_list.pk)
    if locked.status != ListStatus.PUBLISHED:
        raise CatalogueStateError(f"{locked} 尚未发布", code="not_published")
    assert locked.effective_from is not None
    if locked.effective_from <= today_local():
        raise CatalogueStateError(
            f"{locked} 已于 {locked.effective_from} 生效，不能撤回；请新建版本",
            code="already_in_effect",
        )
    if any(s.status == ListStatus.DRAFT for s in family):
        raise CatalogueStateError("已有未发布的草稿，请先发布或删除它", code="draft_exists")
    before = list_snapshot(locked)
    original_end = locked.effective_to
    successor_id = locked.superseded_by_id
    if successor_id is not None:  # its end was set by the version after it
        locked.effective_to = None
    locked.status = ListStatus.DRAFT
    locked.published_at = None
    locked.published_by = None
    locked.superseded_by = None
    locked.save()
    # Only now, with this version out of the way, may the one it replaced cover its range again.
    for other in family:
        if other.superseded_by_id != locked.pk:
            continue
        other_before = list_snapshot(other)
        other.effective_to = original_end
        other.superseded_by_id = successor_id
        other.save(update_fields=["effective_to", "superseded_by"])
        record_change(
            actor=actor,
            obj=other,
            region_code=other.region_code,
            before=other_before,
            after=list_snapshot(other),
            reason=f"第{locked.version}版撤回",
        )
    record_change(
        actor=actor,
        obj=locked,
        region_code=locked.region_code,
        before=before,
        after=list_snapshot(locked),
        reason="撤回发布",
    )
    return locked
