"""Plain dicts of the app's records for the API (names only; phones masked)."""

from typing import Any

from eldercare.carevisits.models import AgreementVisitor, CareAgreement, CareContact, FollowUp
from eldercare.carevisits.rules.compliance import WeekResult
from eldercare.core.masking import mask_phone


def visitor_data(visitor: AgreementVisitor) -> dict[str, Any]:
    return {
        "id": visitor.pk,
        "kind": visitor.kind,
        "user": visitor.user_id,
        "name": visitor.name,
        "phone": mask_phone(visitor.phone) if visitor.phone else "",
        "removed_at": visitor.removed_at.isoformat() if visitor.removed_at else None,
    }


def agreement_data(agreement: CareAgreement) -> dict[str, Any]:
    return {
        "id": agreement.pk,
        "resident": agreement.resident_id,
        "resident_name": agreement.resident.name,
        "region_code": agreement.resident.region_code,
        "status": agreement.status,
        "starts_on": agreement.starts_on.isoformat(),
        "ends_on": agreement.ends_on.isoformat() if agreement.ends_on else None,
        "min_contacts": agreement.min_contacts,
        "min_visits": agreement.min_visits,
        "version": agreement.version,
        "signed_at": agreement.signed_at.isoformat(),
        "end_reason": agreement.end_reason,
    }


def week_data(result: WeekResult) -> dict[str, Any]:
    return {
        "week": result.week.label,
        "monday": result.week.monday.isoformat(),
        "status": result.status,
        "contact_days": result.contact_days,
        "visits": result.visits,
        "missing_contacts": result.missing_contacts,
        "missing_visits": result.missing_visits,
    }


def follow_up_data(follow_up: FollowUp) -> dict[str, Any]:
    return {
        "id": follow_up.pk,
        "kind": follow_up.kind,
        "department": follow_up.department,
        "note": follow_up.note,
        "status": follow_up.status,
        "target_ref": follow_up.target_ref,
        "outcome": follow_up.outcome,
    }


def contact_data(contact: CareContact) -> dict[str, Any]:
    return {
        "id": contact.pk,
        "resident": contact.resident_id,
        "agreement": contact.agreement_id,
        "kind": contact.kind,
        "occurred_at": contact.occurred_at.isoformat(),
        "visitor": contact.visitor_id,
        "visitor_name": contact.visitor_name,
        "health": contact.health,
        "living_conditions": contact.living_conditions,
        "needs": contact.needs,
        "findings": contact.findings,
        "follow_ups": [follow_up_data(f) for f in contact.follow_ups.all()],
    }
