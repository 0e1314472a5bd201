"""New entries: projects, sources, allocations of a source, expenditures of an allocation.

An allocation or expenditure locks the row it draws on (the source, the allocation), checks what
is left and writes the entry and the maintained total in one transaction; a second writer waits
for the lock and then sees the first one's total.
"""

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from eldercare.funds import rules
from eldercare.funds.errors import FundsDataError, Problem
from eldercare.funds.models import Allocation, Expenditure, Project, Source
from eldercare.funds.services.common import (
    add_to_total,
    audit_entry,
    check_fits,
    check_live,
    check_region,
    lock_allocation,
    lock_source,
    raise_problems,
    require_manage,
    today_local,
)
from eldercare.funds.services.vouchers import (
    attach_vouchers,
    check_vouchers,
    files_removed_on_error,
)
from eldercare.regions.codes import is_within


def create_project(*, actor: Any, data: rules.ProjectInput) -> Project:
    data = rules.tidy(data)
    raise_problems(rules.check_project(data))
    check_region(actor, data.region_code)
    with transaction.atomic():
        if Project.objects.filter(region_code=data.region_code, name=data.name).exists():
            raise FundsDataError([Problem("name", "duplicate", f"本区划已有项目“{data.name}”")])
        project = Project.objects.create(
            region_code=data.region_code,
            name=data.name,
            category=data.category,
            description=data.description,
            created_by=actor,
        )
        audit_entry(actor, project, project.region_code, category=project.category)
    return project


def create_source(
    *, actor: Any, data: rules.SourceInput, corrects: Source | None = None, reason: str = ""
) -> Source:
    data = rules.tidy(data)
    raise_problems(rules.check_source(data, today_local()))
    check_region(actor, data.region_code)
    with transaction.atomic():
        source = insert_source(actor, data, corrects=corrects, reason=reason)
        audit_entry(
            actor,
            source,
            source.region_code,
            kind=source.kind,
            amount_fen=source.amount_fen,
            corrects=corrects.pk if corrects else None,
            reason=reason,
        )
    return source


def insert_source(
    actor: Any, data: rules.SourceInput, *, corrects: Source | None, reason: str
) -> Source:
    return Source.objects.create(
        region_code=data.region_code,
        kind=data.kind,
        year=data.year,
        name=data.name,
        amount_fen=data.amount_fen,
        net_fen=data.amount_fen,
        received_on=data.received_on,
        document_no=data.document_no,
        note=data.note,
        corrects=corrects,
        reason=reason,
        created_by=actor,
    )


def allocate(
    *,
    actor: Any,
    source: Source,
    data: rules.AllocationInput,
    corrects: Allocation | None = None,
    reason: str = "",
) -> Allocation:
    """Place part of a source with a region at or below the source's; within what is left."""
    data = rules.tidy(data)
    raise_problems(rules.check_allocation(data, today_local()))
    require_manage(actor, source.region_code)
    check_region(actor, data.region_code)
    with transaction.atomic():
        source = lock_source(source)
        check_live(source, "下达资金")
        allocation = insert_allocation(actor, source, data, corrects=corrects, reason=reason)
        audit_entry(
            actor,
            allocation,
            allocation.region_code,
            source=source.pk,
            amount_fen=allocation.amount_fen,
            corrects=corrects.pk if corrects else None,
            reason=reason,
        )
    return allocation


def insert_allocation(
    actor: Any,
    source: Source,
    data: rules.AllocationInput,
    *,
    corrects: Allocation | None,
    reason: str,
) -> Allocation:
    """Write one allocation of a locked, live source (shared with the corrections)."""
    problems = []
    if not is_within(data.region_code, source.region_code):
        problems.append(
            Problem("region_code", "outside_source", "只能下达到资金所属区划本级或下级")
        )
    if data.allocated_on < source.received_on:
        problems.append(
            Problem(
                "allocated_on",
                "before_source",
                f"不能早于资金到位日期（{source.received_on:%Y-%m-%d}）",
            )
        )
    project = None
    if data.project_id is not None:
        project = Project.objects.filter(pk=data.project_id).first()
        if project is None or not is_within(project.region_code, data.region_code):
            problems.append(Problem("project", "outside_region", "项目不存在或不在下达区划内"))
    raise_problems(problems)
    check_fits(source.unallocated_fen, data.amount_fen, f"资金“{source.name}”未安排部分")
    allocation = Allocation.objects.create(
        source=source,
        region_code=data.region_code,
        project=project,
        use=data.use,
        amount_fen=data.amount_fen,
        net_fen=data.amount_fen,
        allocated_on=data.allocated_on,
        document_no=data.document_no,
        note=data.note,
        corrects=corrects,
        reason=reason,
        created_by=actor,
    )
    add_to_total(source, "allocated_fen", data.amount_fen)
    return allocation


def spend(
    *,
    actor: Any,
    allocation: Allocation,
    data: rules.ExpenditureInput,
    vouchers: Sequence[Any] = (),
    corrects: Expenditure | None = None,
    reason: str = "",
) -> Expenditure:
    """Record a payment out of an allocation, within what it has left, with its voucher files."""
    data = rules.tidy(data)
    raise_problems(rules.check_expenditure(data, today_local()))
    require_manage(actor, allocation.region_code)
    checked = check_vouchers(vouchers)
    with files_removed_on_error() as saved, transaction.atomic():
        allocation = lock_allocation(allocation)
        check_live(allocation, "支出")
        expenditure = insert_expenditure(actor, allocation, data, corrects=corrects, reason=reason)
        attach_vouchers(actor, expenditure, checked, saved)
        audit_entry(
            actor,
            expenditure,
            expenditure.region_code,
            allocation=allocation.pk,
            amount_fen=expenditure.amount_fen,
            voucher_no=expenditure.voucher_no,
            vouchers=len(checked),
            corrects=corrects.pk if corrects else None,
            reason=reason,
        )
    return expenditure


def insert_expenditure(
    actor: Any,
    allocation: Allocation,
    data: rules.ExpenditureInput,
    *,
    corrects: Expenditure | None,
    reason: str,
) -> Expenditure:
    """Write one expenditure of a locked, live allocation (shared with the corrections)."""
    if data.spent_on < allocation.allocated_on:
        raise FundsDataError(
            [
                Problem(
                    "spent_on",
                    "before_allocation",
                    f"不能早于资金下达日期（{allocation.allocated_on:%Y-%m-%d}）",
                )
            ]
        )
    check_fits(allocation.unspent_fen, data.amount_fen, "该笔下达资金")
    expenditure = Expenditure.objects.create(
        allocation=allocation,
        region_code=allocation.region_code,
        amount_fen=data.amount_fen,
        spent_on=data.spent_on,
        payee=data.payee,
        purpose=data.purpose,
        voucher_no=data.voucher_no,
        corrects=corrects,
        reason=reason,
        created_by=actor,
    )
    add_to_total(allocation, "spent_fen", data.amount_fen)
    return expenditure
