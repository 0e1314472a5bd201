"""The provider's answer (accept / refuse), cancelling, and the resident's rating."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from eldercare.accounts.access import Action, staff_member_of
from eldercare.orders.errors import data_error
from eldercare.orders.models import Order, Requester
from eldercare.orders.services.common import enter, finish, lock_visible, now, single_line


def _reason(value: object) -> str:
    reason = single_line(value, 200)
    if not reason:
        raise data_error("reason", "required", "须写明原因")
    return reason


def accept_order(*, actor: Any, order: Order) -> Order:
    with transaction.atomic():
        locked = lock_visible(actor, Action.DISPATCH_ORDERS, order)
        before, locked.status = enter(locked, "accept", "接单")
        locked.accepted_at = now()
        finish(actor, locked, "accept", before)
    return locked


def refuse_order(*, actor: Any, order: Order, reason: str) -> Order:
    reason = _reason(reason)
    with transaction.atomic():
        locked = lock_visible(actor, Action.DISPATCH_ORDERS, order)
        before, locked.status = enter(locked, "refuse", "拒单")
        locked.status_reason = reason
        locked.closed_at = now()
        finish(actor, locked, "refuse", before, comment=reason)
    return locked


def cancel_order(*, actor: Any, order: Order, reason: str) -> Order:
    """Cancelled by whoever may place orders (for the resident or the provider) before the visit
    starts; a caregiver's assignment is released."""
    reason = _reason(reason)
    with transaction.atomic():
        locked = lock_visible(actor, Action.PLACE_ORDERS, order)
        before, locked.status = enter(locked, "cancel", "取消")
        locked.assignments.filter(is_active=True).update(is_active=False)
        locked.status_reason = reason
        locked.closed_at = now()
        finish(actor, locked, "cancel", before, comment=reason)
    return locked


def rate_order(
    *, actor: Any, order: Order, rating: Any, comment: str = "", rated_by: str = Requester.RESIDENT
) -> Order:
    """The resident's or family's rating, entered by a worker / operator or through the API."""
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise data_error("rating", "invalid", "评分应为 1 到 5 的整数")
    if rated_by not in Requester.values:
        raise data_error("rated_by", "invalid", f"无法识别的评价人：{rated_by}")
    comment = single_line(comment)
    if staff_member_of(actor) is not None:
        # The provider would be rating its own work.
        raise PermissionDenied("服务机构人员不能代老人评价本机构的服务")
    with transaction.atomic():
        locked = lock_visible(actor, Action.PLACE_ORDERS, order)
        before, locked.status = enter(locked, "rate", "评价")
        locked.rating, locked.rating_comment, locked.rated_by = rating, comment, rated_by
        locked.closed_at = now()
        finish(actor, locked, "rate", before, comment=comment, detail={"rating": rating})
    return locked
