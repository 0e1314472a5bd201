"""Shared by the API tests: clients per user and a snapshot of everything a request could change."""

from typing import Any

from rest_framework.test import APIClient

from eldercare.core.models import AuditEvent
from eldercare.registry.models import Resident, ResidentContact, ResidentPhone, ScreeningRecord


def client_for(user: Any) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def db_state() -> tuple[list[Any], ...]:
    """Every registry row and audit event: compared before and after a refused request."""
    return (
        list(Resident.objects.order_by("id").values()),
        list(ResidentPhone.objects.order_by("id").values()),
        list(ResidentContact.objects.order_by("id").values()),
        list(ScreeningRecord.objects.order_by("id").values()),
        list(AuditEvent.objects.order_by("id").values()),
    )
