"""What every order use case shares: visibility through accounts.access, the row lock, the state
check against rules.TRANSITIONS, and the history + audit of a transition."""

from typing import Any

from django.http import Http404
from django.utils import timezone

from eldercare.accounts.access import Action, require, scoped
from eldercare.core.audit import record
from eldercare.core.models import AuditAction
from eldercare.orders import rules
from eldercare.orders.errors import OrderStateError
from eldercare.orders.models import Order, OrderEvent

MAX_TEXT = 500


def single_line(value: object, limit: int = MAX_TEXT) -> str:
    return " ".join(str(value or "").split())[:limit]


def actor_name(actor: Any) -> str:
    return str(getattr(actor, "display_name", "") or getattr(actor, "username", "") or "system")


def lock_visible(actor: Any, action: Action, order: Order) -> Order:
    """The order row-locked, if `actor` may do `action` and see it (else 403 / 404)."""
    require(actor, action)
    queryset = scoped(actor, Order.objects.filter(pk=order.pk))
    try:
        return (
            queryset.select_for_update(of=("self",))
            .select_related("resident", "provider", "item", "caregiver")
            .get()
        )
    except Order.DoesNotExist as error:
        raise Http404("记录不存在") from error


def enter(order: Order, transition: str, verb: str) -> tuple[str, str]:
    """(before, after) of `transition`, or the OrderStateError that names the current state."""
    target = rules.target_of(transition, order.status)
    if target is None:
        raise OrderStateError(
            f"订单 {order.number} 当前状态为“{order.get_status_display()}”，不能{verb}",
            code=f"cannot_{transition}",
        )
    return order.status, target


def finish(
    actor: Any,
    order: Order,
    transition: str,
    before: str,
    *,
    comment: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    """Save the order, add the history row and the audit record of one transition."""
    order.save()
    OrderEvent.objects.create(
        order=order,
        kind=transition,
        from_status=before,
        to_status=order.status,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=actor_name(actor),
        comment=comment[:MAX_TEXT],
    )
    record(
        actor=actor,
        action=AuditAction.CREATE if transition == "place" else AuditAction.UPDATE,
        obj=order,
        region_code=order.region_code,
        changes={"status": [before, order.status]} if before != order.status else None,
        detail={"transition": transition, "comment": comment, **(detail or {})},
    )


def now() -> Any:
    return timezone.now()
