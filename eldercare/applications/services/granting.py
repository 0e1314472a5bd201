"""Final approval of a benefit creates the entitlement through entitlements.services
(`grant_entitlement`, idempotent by "application:<pk>"). While that service does not exist the
application is approved with the grant pending; `grant_pending_entitlements` catches up."""

import importlib
import importlib.util
import logging
from typing import Any

from django.db import transaction

from eldercare.applications.errors import ApplicationDataError, ApplicationStateError
from eldercare.applications.models import (
    Application,
    ApplicationStatus,
    BenefitKind,
    Decision,
    EventKind,
)
from eldercare.applications.services.common import record_event
from eldercare.core.audit import record
from eldercare.core.models import AuditAction

logger = logging.getLogger(__name__)

GRANT_SERVICE = "eldercare.entitlements.services"


def grant_service() -> Any:
    """entitlements.services.grant_entitlement, or None while that service does not exist."""
    if importlib.util.find_spec(GRANT_SERVICE) is None:
        return None
    return getattr(importlib.import_module(GRANT_SERVICE), "grant_entitlement", None)


def grant_entitlement_for(actor: Any, application: Application) -> None:
    """Create the entitlement of an approved benefit application (same transaction)."""
    grant = grant_service()
    if grant is None:
        application.is_grant_pending = True
        application.save(update_fields=["is_grant_pending", "updated_at"])
        logger.warning("申请 %s 已批准，待遇服务尚不可用：待遇待生成", application.number)
        return
    first_month = application.approved_first_month
    assert first_month is not None and application.approved_amount_fen is not None
    try:
        entitlement = grant(
            actor=actor,
            resident=application.resident,
            kind=application.benefit_kind,
            amount_fen=application.approved_amount_fen,
            items=None,
            first_month=first_month,
            last_month=first_month
            if application.benefit_kind == BenefitKind.ONE_OFF_SUBSIDY
            else None,
            reason=f"在线申请 {application.number}：{application.reason}"[:200],
            source_reference=f"application:{application.pk}",
        )
    except (ApplicationDataError, ApplicationStateError):
        raise
    except ValueError as error:
        raise ApplicationStateError(f"批准后生成待遇失败：{error}", code="grant_failed") from error
    application.entitlement_id = entitlement.pk
    application.is_grant_pending = False
    application.save(update_fields=["entitlement_id", "is_grant_pending", "updated_at"])
    record_event(
        application, actor, EventKind.GRANTED, step=None, comment=f"待遇编号 {entitlement.pk}"
    )


def grant_pending_entitlements(*, actor: Any) -> int:
    """Grant the entitlements of benefit applications approved while the entitlements service
    was not available (idempotent: the service is keyed by "application:<pk>")."""
    if grant_service() is None:
        return 0
    count = 0
    pending = Application.objects.filter(
        status=ApplicationStatus.APPROVED, is_grant_pending=True
    ).values_list("pk", flat=True)
    for pk in list(pending):
        with transaction.atomic():
            locked = (
                Application.objects.select_for_update(of=("self",))
                .select_related("resident")
                .get(pk=pk)
            )
            if not locked.is_grant_pending:
                continue
            final = locked.steps.filter(decision=Decision.APPROVE).order_by("-round", "-position")
            approver = getattr(final.first(), "reviewer", None) or actor
            grant_entitlement_for(approver, locked)
            record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=locked,
                region_code=locked.resident.region_code,
                detail={"transition": "grant", "entitlement": locked.entitlement_id},
            )
            count += 1
    return count
