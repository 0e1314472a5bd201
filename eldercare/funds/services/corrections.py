"""Corrections: nothing is edited or deleted. A correction writes a reversal of the original
(negated amount, same business date, `reverses` it) and, unless it only cancels, a new entry
that `corrects` it, both carrying the reason.

Correcting an allocation moves its live expenditures along (each reversed on the old allocation
and re-entered on the new one, linked); correcting a source moves its live allocations the same
way. Cancelling outright is refused while anything still hangs on the entry.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from django.db import transaction
from django.db.models import QuerySet

from eldercare.core.money import format_fen
from eldercare.funds import rules
from eldercare.funds.errors import FundsStateError
from eldercare.funds.models import Allocation, Expenditure, Source
from eldercare.funds.services.common import (
    add_to_total,
    audit_entry,
    check_live,
    check_region,
    raise_problems,
    require_manage,
    today_local,
)
from eldercare.funds.services.entries import insert_allocation, insert_expenditure, insert_source
from eldercare.funds.services.vouchers import (
    attach_vouchers,
    check_vouchers,
    files_removed_on_error,
)

EntryT = TypeVar("EntryT", Source, Allocation, Expenditure)


@dataclass(frozen=True)
class Correction(Generic[EntryT]):
    reversal: EntryT
    replacement: EntryT | None


def live(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Entries that count on their own: not reversals and not reversed."""
    return queryset.filter(reverses__isnull=True, reversal__isnull=True)


def correct_expenditure(
    *,
    actor: Any,
    expenditure: Expenditure,
    reason: str,
    replacement: rules.ExpenditureInput | None,
    allocation: Allocation | None = None,
    vouchers: Sequence[Any] = (),
) -> Correction[Expenditure]:
    """Reverse an expenditure and, with `replacement`, enter the corrected one (on `allocation`,
    by default the same)."""
    raise_problems(rules.check_reason(reason))
    reason = rules.single_line(reason)
    if replacement is not None:
        replacement = rules.tidy(replacement)
        raise_problems(rules.check_expenditure(replacement, today_local()))
    target = allocation or expenditure.allocation
    require_manage(actor, expenditure.region_code)
    require_manage(actor, target.region_code)
    checked = check_vouchers(vouchers)
    with files_removed_on_error() as saved, transaction.atomic():
        locked = {
            row.pk: row
            for row in Allocation.objects.select_for_update(of=("self",))
            .select_related("source")
            .filter(pk__in=sorted({expenditure.allocation_id, target.pk}))
            .order_by("pk")
        }
        original = Expenditure.objects.select_for_update().get(pk=expenditure.pk)
        check_live(original, "更正或冲销")
        reversal = _reverse_expenditure(actor, original, locked[original.allocation_id], reason)
        new = None
        if replacement is not None:
            check_live(locked[target.pk], "支出")
            new = insert_expenditure(
                actor, locked[target.pk], replacement, corrects=original, reason=reason
            )
            attach_vouchers(actor, new, checked, saved)
            audit_entry(actor, new, new.region_code, corrects=original.pk, reason=reason)
    return Correction(reversal, new)


def correct_allocation(
    *,
    actor: Any,
    allocation: Allocation,
    reason: str,
    replacement: rules.AllocationInput | None,
) -> Correction[Allocation]:
    """Reverse an allocation and, with `replacement`, enter the corrected one; its expenditures
    move to the corrected allocation (cancelling is refused while it has any)."""
    raise_problems(rules.check_reason(reason))
    reason = rules.single_line(reason)
    if replacement is not None:
        replacement = rules.tidy(replacement)
        raise_problems(rules.check_allocation(replacement, today_local()))
        check_region(actor, replacement.region_code)
    require_manage(actor, allocation.region_code)
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=allocation.source_id)
        original = Allocation.objects.select_for_update().get(pk=allocation.pk)
        check_live(original, "更正或撤销")
        moving = list(live(original.expenditures.all()).order_by("spent_on", "id"))
        if replacement is None and moving:
            total = sum(row.amount_fen for row in moving)
            raise FundsStateError(
                f"该笔下达已有 {len(moving)} 笔支出，共 {format_fen(total, grouped=True)} 元：请先冲销"
                "这些支出，或更正（而非撤销）这笔下达，支出将随之转入更正后的下达",
                code="has_expenditures",
            )
        reversal = _withdraw_allocation(actor, original, source, moving, reason)
        new = None
        if replacement is not None:
            new = insert_allocation(actor, source, replacement, corrects=original, reason=reason)
            audit_entry(actor, new, new.region_code, corrects=original.pk, reason=reason)
            _repost_expenditures(actor, new, moving, reason)
    return Correction(reversal, new)


def correct_source(
    *,
    actor: Any,
    source: Source,
    reason: str,
    replacement: rules.SourceInput | None,
) -> Correction[Source]:
    """Reverse a source and, with `replacement`, enter the corrected one; its allocations (with
    their expenditures) move to it (cancelling is refused while it has any)."""
    raise_problems(rules.check_reason(reason))
    reason = rules.single_line(reason)
    if replacement is not None:
        replacement = rules.tidy(replacement)
        raise_problems(rules.check_source(replacement, today_local()))
        check_region(actor, replacement.region_code)
    require_manage(actor, source.region_code)
    with transaction.atomic():
        original = Source.objects.select_for_update().get(pk=source.pk)
        check_live(original, "更正或撤销")
        allocations = list(
            live(original.allocations.select_for_update(of=("self",))).order_by(
                "allocated_on", "id"
            )
        )
        if replacement is None and allocations:
            raise FundsStateError(
                f"该资金已下达 {len(allocations)} 笔：请先撤销这些下达，或更正（而非撤销）"
                "这笔资金，下达将随之转入更正后的资金",
                code="has_allocations",
            )
        moving = [
            (row, list(live(row.expenditures.all()).order_by("spent_on", "id")))
            for row in allocations
        ]
        for row, expenditures in moving:
            _withdraw_allocation(actor, row, original, expenditures, reason)
        reversal = _reversal_of(original, reason, actor)
        add_to_total(original, "net_fen", -original.net_fen)
        audit_entry(actor, reversal, reversal.region_code, reverses=original.pk, reason=reason)
        new = None
        if replacement is not None:
            new = insert_source(actor, replacement, corrects=original, reason=reason)
            audit_entry(actor, new, new.region_code, corrects=original.pk, reason=reason)
            for row, expenditures in moving:
                moved = insert_allocation(
                    actor, new, _allocation_input(row), corrects=row, reason=reason
                )
                audit_entry(actor, moved, moved.region_code, corrects=row.pk, reason=reason)
                _repost_expenditures(actor, moved, expenditures, reason)
    return Correction(reversal, new)


def _reversal_of(original: EntryT, reason: str, actor: Any) -> EntryT:
    """An unsaved-then-saved copy of the entry with the amount negated and links set."""
    fields = {
        field.attname: getattr(original, field.attname)
        for field in type(original)._meta.concrete_fields
        if not field.primary_key and field.attname not in ("created_at",)
    }
    fields.update(
        amount_fen=-original.amount_fen,
        reverses_id=original.pk,
        corrects_id=None,
        reason=reason,
        created_by_id=actor.pk,
    )
    for total in ("net_fen", "allocated_fen", "spent_fen"):
        if total in fields:
            fields[total] = 0
    return type(original)._default_manager.create(**fields)


def _reverse_expenditure(
    actor: Any, original: Expenditure, allocation: Allocation, reason: str
) -> Expenditure:
    reversal = _reversal_of(original, reason, actor)
    add_to_total(allocation, "spent_fen", -original.amount_fen)
    audit_entry(actor, reversal, reversal.region_code, reverses=original.pk, reason=reason)
    return reversal


def _withdraw_allocation(
    actor: Any,
    original: Allocation,
    source: Source,
    expenditures: list[Expenditure],
    reason: str,
) -> Allocation:
    """Reverse the allocation's live expenditures, then the allocation itself."""
    for expenditure in expenditures:
        _reverse_expenditure(actor, expenditure, original, reason)
    reversal = _reversal_of(original, reason, actor)
    add_to_total(original, "net_fen", -original.net_fen)
    add_to_total(source, "allocated_fen", -original.amount_fen)
    audit_entry(actor, reversal, reversal.region_code, reverses=original.pk, reason=reason)
    return reversal


def _repost_expenditures(
    actor: Any, allocation: Allocation, expenditures: list[Expenditure], reason: str
) -> None:
    for expenditure in expenditures:
        moved = insert_expenditure(
            actor,
            allocation,
            rules.ExpenditureInput(
                amount_fen=expenditure.amount_fen,
                spent_on=expenditure.spent_on,
                payee=expenditure.payee,
                purpose=expenditure.purpose,
                voucher_no=expenditure.voucher_no,
            ),
            corrects=expenditure,
            reason=reason,
        )
        audit_entry(actor, moved, moved.region_code, corrects=expenditure.pk, reason=reason)


def _allocation_input(row: Allocation) -> rules.AllocationInput:
    return rules.AllocationInput(
        region_code=row.region_code,
        amount_fen=row.amount_fen,
        allocated_on=row.allocated_on,
        project_id=row.project_id,
        use=row.use,
        document_no=row.document_no,
        note=row.note,
    )


def voucher_chain(expenditure: Expenditure) -> list[Expenditure]:
    """The expenditure and the entries it corrects, newest first: their vouchers stay valid."""
    chain: list[Expenditure] = []
    current: Expenditure | None = expenditure
    while current is not None:
        chain.append(current)
        current = cast(Expenditure | None, current.corrects)
    return chain
