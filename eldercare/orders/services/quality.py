"""Quality supervision: complaints and their handling, callback sampling (回访), and the
per-provider figures of the supervision page."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Avg, Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from eldercare.accounts.access import Action, can, in_scope, require, scoped, staff_member_of
from eldercare.core.audit import record
from eldercare.core.models import AuditAction
from eldercare.orders import rules
from eldercare.orders.errors import OrderDataError, OrderStateError, Problem, data_error
from eldercare.orders.models import (
    Callback,
    CallbackOutcome,
    CallbackSample,
    Complaint,
    ComplaintStatus,
    Order,
    Requester,
    VisitFlag,
)
from eldercare.orders.services.common import MAX_TEXT, now, single_line
from eldercare.regions.codes import subtree_range

COMPLAINT_DAYS = 15  # working deadline for handling a complaint, in calendar days
DONE = (rules.COMPLETED, rules.RATED)
# complaint transition → (states it may start from, state it leads to)
COMPLAINT_STEPS: dict[str, tuple[tuple[str, ...], str]] = {
    "handle": ((ComplaintStatus.RECEIVED,), ComplaintStatus.HANDLING),
    "resolve": ((ComplaintStatus.RECEIVED, ComplaintStatus.HANDLING), ComplaintStatus.RESOLVED),
    "reject": ((ComplaintStatus.RECEIVED, ComplaintStatus.HANDLING), ComplaintStatus.REJECTED),
}


def file_complaint(
    *, actor: Any, order: Order, content: str, complainant: str = Requester.RESIDENT
) -> Complaint:
    """A complaint about an order, received by a worker / operator (PLACE_ORDERS) or a
    supervisor; the provider cannot file complaints about itself through this."""
    if not can(actor, Action.PLACE_ORDERS):
        require(actor, Action.SUPERVISE_SERVICES)
    if staff_member_of(actor) is not None:
        raise PermissionDenied("服务机构人员不能代为登记对本机构的投诉")
    content = str(content or "").strip()[:2000]
    if not content:
        raise data_error("content", "required", "不能为空")
    if complainant not in Requester.values:
        raise data_error("complainant", "invalid", f"无法识别的投诉人：{complainant}")
    visible = scoped(actor, Order.objects.filter(pk=order.pk)).first()
    if visible is None:
        raise Http404("记录不存在")
    with transaction.atomic():
        complaint = Complaint.objects.create(
            order=visible,
            complainant=complainant,
            content=content,
            due_on=timezone.localdate() + timedelta(days=COMPLAINT_DAYS),
            received_by=actor,
        )
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=complaint,
            region_code=visible.region_code,
            detail={"order": visible.number},
        )
    return complaint


def advance_complaint(*, actor: Any, complaint: Complaint, step: str, note: str = "") -> Complaint:
    """handle / resolve / reject, by a supervisor; closing needs the result in words."""
    require(actor, Action.SUPERVISE_SERVICES)
    if step not in COMPLAINT_STEPS:
        raise data_error("step", "invalid", f"无法识别的处理步骤：{step}")
    note = str(note or "").strip()[:2000]
    sources, target = COMPLAINT_STEPS[step]
    if target != ComplaintStatus.HANDLING and not note:
        raise data_error("result", "required", "办结或不予受理须写明处理结果")
    with transaction.atomic():
        locked = (
            scoped(actor, Complaint.objects.select_for_update(of=("self",)))
            .select_related("order")
            .filter(pk=complaint.pk)
            .first()
        )
        if locked is None:
            raise Http404("记录不存在")
        if locked.status not in sources:
            raise OrderStateError(
                f"投诉当前状态为“{locked.get_status_display()}”，不能{ComplaintStatus(target).label}",
                code=f"cannot_{step}",
            )
        before, locked.status = locked.status, target
        if target == ComplaintStatus.HANDLING:
            locked.handler_note = note
        else:
            locked.result, locked.closed_at = note, now()
        locked.save()
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            region_code=locked.order.region_code,
            changes={"status": [before, target]},
            detail={"step": step, "note": note},
        )
    return locked


def _local_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def completed_between(actor: Any, start: date, end: date) -> QuerySet[Order]:
    low, high = _local_bounds(start, end)
    return scoped(actor, Order.objects.all()).filter(
        status__in=DONE, completed_at__gte=low, completed_at__lt=high
    )


def draw_callback_sample(
    *, actor: Any, region_code: str, start: date, end: date, size: int, seed: str = ""
) -> CallbackSample:
    """Draw `size` completed orders of the period in `region_code` for callbacks; the seed is
    stored, so anyone can redraw the same sample from the same orders."""
    require(actor, Action.SUPERVISE_SERVICES)
    if not in_scope(actor, region_code):
        raise Http404("记录不存在")
    problems = []
    if end < start:
        problems.append(Problem("period", "reversed", "截止日期早于起始日期"))
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 500:
        problems.append(Problem("size", "invalid", "抽样数应为 1 到 500 的整数"))
    if problems:
        raise OrderDataError(problems)
    seed = single_line(seed, 40) or f"{region_code}-{start:%Y%m%d}-{end:%Y%m%d}-{now():%H%M%S}"
    population = completed_between(actor, start, end)
    if region_code:  # "" is the whole country (a system administrator)
        low, high = subtree_range(region_code)
        population = population.filter(region_code__gte=low, region_code__lte=high)
    ids = rules.draw_sample(list(population.values_list("pk", flat=True)), size, seed)
    if not ids:
        raise data_error("period", "empty", "该期间没有已完成的订单")
    with transaction.atomic():
        sample = CallbackSample.objects.create(
            region_code=region_code,
            period_start=start,
            period_end=end,
            size=len(ids),
            seed=seed,
            drawn_by=actor,
        )
        Callback.objects.bulk_create(Callback(sample=sample, order_id=pk) for pk in ids)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=sample,
            region_code=region_code,
            detail={"seed": seed, "orders": ids, "population": population.count()},
        )
    return sample


def record_callback(*, actor: Any, callback: Callback, outcome: str, note: str = "") -> Callback:
    require(actor, Action.SUPERVISE_SERVICES)
    if outcome not in CallbackOutcome.values or not outcome:
        raise data_error("outcome", "invalid", f"无法识别的回访结果：{outcome}")
    note = single_line(note, MAX_TEXT)
    with transaction.atomic():
        locked = (
            scoped(actor, Callback.objects.select_for_update(of=("self",)))
            .filter(pk=callback.pk)
            .select_related("order")
            .first()
        )
        if locked is None:
            raise Http404("记录不存在")
        before = locked.outcome
        locked.outcome, locked.note = outcome, note
        locked.called_by, locked.called_at = actor, now()
        locked.save()
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            region_code=locked.order.region_code,
            changes={"outcome": [before, outcome]},
            detail={"order": locked.order.number, "note": note},
        )
    return locked


@dataclass(frozen=True)
class ProviderFigures:
    provider_id: int
    provider_name: str
    orders: int
    completed: int
    on_time: int
    rated: int
    average_rating: float | None
    complaints: int
    flags: int

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.orders if self.orders else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.completed if self.completed else None


def provider_figures(actor: Any, start: date, end: date) -> list[ProviderFigures]:
    """Per provider, the orders booked in the period except those cancelled before the visit:
    completed, checked in within the booked window (on time), ratings, complaints, flags."""
    require(actor, Action.SUPERVISE_SERVICES)
    low, high = _local_bounds(start, end)
    orders = (
        scoped(actor, Order.objects.all())
        .filter(starts_at__gte=low, starts_at__lt=high)
        .exclude(status=rules.CANCELLED)
    )
    rows = (
        orders.values("provider_id", "provider__name")
        .annotate(
            orders=Count("pk"),
            completed=Count("pk", filter=Q(status__in=DONE)),
            on_time=Count(
                "pk",
                filter=Q(
                    status__in=DONE,
                    check_in_at__gte=F("starts_at"),
                    check_in_at__lte=F("ends_at"),
                ),
            ),
            rated=Count("pk", filter=Q(rating__isnull=False)),
            average=Avg("rating"),
        )
        .order_by("provider__name")
    )
    complaints = _count_by_provider(Complaint.objects.filter(order__in=orders))
    flags = _count_by_provider(VisitFlag.objects.filter(order__in=orders))
    return [
        ProviderFigures(
            provider_id=row["provider_id"],
            provider_name=row["provider__name"],
            orders=row["orders"],
            completed=row["completed"],
            on_time=row["on_time"],
            rated=row["rated"],
            average_rating=round(float(row["average"]), 2) if row["average"] is not None else None,
            complaints=complaints.get(row["provider_id"], 0),
            flags=flags.get(row["provider_id"], 0),
        )
        for row in rows
    ]


def _count_by_provider(queryset: QuerySet[Any]) -> dict[int, int]:
    return dict(
        queryset.order_by()
        .values("order__provider_id")
        .annotate(n=Count("pk"))
        .values_list("order__provider_id", "n")
    )
