"""Application test data: request bodies, uploads, the official calendar, a clock, snapshots."""

import importlib.util
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from eldercare.applications.models import (
    Application,
    ApplicationEvent,
    Attachment,
    ReviewChain,
    ReviewStep,
)
from eldercare.core.models import AuditEvent

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Friday 26 September 2025, before the National Day week: the village step is due on Friday
# 10 October (Sunday 28 September is a working day; 1–8 October are off).
BEFORE_NATIONAL_DAY = datetime(2025, 9, 26, 10, 0, tzinfo=SHANGHAI)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def benefit(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "benefit",
        "benefit_kind": "care_subsidy",
        "amount_fen": 20000,
        "applicant_kind": "resident",
        "reason": "重度失能，申请护理补贴",
        **overrides,
    }


def family_benefit(**overrides: Any) -> dict[str, Any]:
    return benefit(
        applicant_kind="family",
        applicant_name="李明",
        applicant_relation="child",
        applicant_phone="13800001111",
        **overrides,
    )


def upload(name: str = "证明.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def grant_service_available() -> bool:
    if importlib.util.find_spec("eldercare.entitlements.services") is None:
        return False
    module = importlib.import_module("eldercare.entitlements.services")
    return hasattr(module, "grant_entitlement")


GRANT_MISSING = (
    "eldercare.entitlements.services.grant_entitlement is not there yet (built in parallel); "
    "the approval is recorded with is_grant_pending=True instead"
)


def db_state() -> tuple[list[Any], ...]:
    """Every application row and audit event: compared before and after a refused request."""
    return (
        list(Application.objects.order_by("id").values()),
        list(ReviewStep.objects.order_by("id").values()),
        list(ApplicationEvent.objects.order_by("id").values()),
        list(Attachment.objects.order_by("id").values()),
        list(ReviewChain.objects.order_by("id").values()),
        list(AuditEvent.objects.order_by("id").values()),
    )
