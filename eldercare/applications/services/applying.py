"""The applicant side: submit, add documents, correct and resubmit, withdraw; and downloading a
document (audited)."""

import secrets
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from eldercare.accounts.access import Action, require
from eldercare.applications.attachments import CheckedUpload
from eldercare.applications.errors import ApplicationDataError, ApplicationStateError, Problem
from eldercare.applications.models import (
    OPEN_STATUSES,
    Application,
    ApplicationStatus,
    Attachment,
    Decision,
    EventKind,
)
from eldercare.applications.services.chains import plan_round
from eldercare.applications.services.common import (
    MAX_COMMENT,
    audit_transition,
    check_resident,
    clear_current,
    close_step,
    lock_application,
    record_event,
    single_line,
    state_error,
    today_local,
)
from eldercare.applications.services.validation import (
    application_values,
    check_uploads,
    clean_application,
)
from eldercare.core.audit import record
from eldercare.core.models import AuditAction
from eldercare.registry.choices import ResidentStatus
from eldercare.registry.models import Resident


def submit_application(
    *,
    actor: Any,
    resident: Resident,
    data: Mapping[str, Any],
    attachments: Sequence[Any] = (),
) -> Application:
    """A new application for `resident`, entered by `actor` for the resident, a family member
    or themselves as village worker; review starts at step 1 of the resident's chain."""
    require(actor, Action.APPLY_ON_BEHALF)
    check_resident(actor, resident)
    if resident.status != ResidentStatus.ACTIVE:
        raise ApplicationDataError(
            [Problem("resident", "not_active", f"该老人状态为“{resident.get_status_display()}”")]
        )
    values = clean_application(data, actor=actor, resident=resident, today=today_local())
    checked = check_uploads(attachments, already=0)
    now = timezone.now()
    with _files_removed_on_error() as saved, transaction.atomic():
        application = Application(
            resident=resident, entered_by=actor, submitted_at=now, round=1, **values
        )
        step = plan_round(application, now)
        _save_with_number(application, now)
        step.application = application
        step.save()
        record_event(application, actor, EventKind.SUBMITTED, step=None)
        for upload in checked:
            _store_attachment(application, actor, upload, description="", saved=saved)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=application,
            region_code=resident.region_code,
            detail={
                "transition": "submit",
                "status": application.status,
                "kind": application.kind,
                "subject": application.subject,
                "attachments": len(checked),
            },
        )
    return application


def add_attachment(
    *, actor: Any, application: Application, upload: Any, description: str = ""
) -> Attachment:
    """Another document, while the application waits at step 1 or is back for correction."""
    require(actor, Action.APPLY_ON_BEHALF)
    check_resident(actor, application.resident)
    description = " ".join(str(description or "").split())[:100]
    with _files_removed_on_error() as saved, transaction.atomic():
        locked = lock_application(application)
        if locked.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED):
            raise state_error(locked, "补充材料（只能在初审前或退回补正时补充）")
        checked = check_uploads([upload], already=locked.attachments.count())[0]
        attachment = _store_attachment(locked, actor, checked, description=description, saved=saved)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=attachment,
            region_code=locked.resident.region_code,
            detail={"application": locked.number, "size": attachment.size},
        )
    return attachment


def open_attachment(*, actor: Any, attachment: Attachment) -> Any:
    """The stored file of an attachment, opened for download; every download is audited."""
    require(actor, Action.VIEW_ENTITLEMENTS)
    resident = attachment.application.resident
    check_resident(actor, resident)
    handle = attachment.file.open("rb")
    record(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=attachment,
        region_code=resident.region_code,
        detail={"application": attachment.application.number, "download": attachment.original_name},
    )
    return handle


def resubmit_application(
    *,
    actor: Any,
    application: Application,
    changes: Mapping[str, Any] | None = None,
    comment: str = "",
) -> Application:
    """The corrected application goes back to step 1 of the (current) chain as a new round."""
    require(actor, Action.APPLY_ON_BEHALF)
    check_resident(actor, application.resident)
    comment = single_line(comment, MAX_COMMENT)
    with transaction.atomic():
        locked = lock_application(application)
        if locked.status != ApplicationStatus.RETURNED:
            raise state_error(locked, "重新提交（只有退回补正的申请可以重新提交）")
        before = application_values(locked)
        merged = {**before, **dict(changes or {})}
        values = clean_application(
            merged, actor=actor, resident=locked.resident, today=today_local()
        )
        for name, value in values.items():
            setattr(locked, name, value)
        now = timezone.now()
        locked.round += 1
        step = plan_round(locked, now)
        locked.save()
        step.application = locked
        step.save()
        record_event(locked, actor, EventKind.RESUBMITTED, step=None, comment=comment)
        after = application_values(locked)
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            region_code=locked.resident.region_code,
            changes={k: [before[k], v] for k, v in after.items() if before[k] != v},
            detail={"transition": "resubmit", "round": locked.round, "comment": comment},
        )
    return locked


def withdraw_application(*, actor: Any, application: Application, reason: str = "") -> Application:
    """The applicant side takes the application back, at any time before a final decision."""
    require(actor, Action.APPLY_ON_BEHALF)
    check_resident(actor, application.resident)
    reason = single_line(reason, MAX_COMMENT)
    with transaction.atomic():
        locked = lock_application(application)
        if locked.status not in (*OPEN_STATUSES, ApplicationStatus.RETURNED):
            raise state_error(locked, "撤回")
        before = locked.status
        now = timezone.now()
        open_step = locked.steps.filter(decision="").first()
        if open_step is not None:
            close_step(open_step, actor, Decision.WITHDRAWN, reason, now)
        clear_current(locked)
        locked.status = ApplicationStatus.WITHDRAWN
        locked.decided_at = now
        locked.save()
        record_event(locked, actor, EventKind.WITHDRAWN, step=None, comment=reason)
        audit_transition(actor, locked, "withdraw", before, comment=reason)
    return locked


def _save_with_number(application: Application, now: datetime) -> None:
    """A public number: the day plus six random digits (not guessable, not a running count)."""
    day = timezone.localdate(now)
    for _attempt in range(10):
        application.number = f"{day:%Y%m%d}{secrets.randbelow(10**6):06d}"
        try:
            with transaction.atomic():
                application.save()
        except IntegrityError:
            if Application.objects.filter(number=application.number).exists():
                continue
            raise
        return
    raise ApplicationStateError("申请编号生成失败，请重试", code="number")


def _store_attachment(
    application: Application,
    actor: Any,
    upload: CheckedUpload,
    *,
    description: str,
    saved: list[Attachment],
) -> Attachment:
    attachment = Attachment(
        application=application,
        original_name=upload.original_name,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        description=description,
        uploaded_by=actor,
    )
    # The storage name comes from attachment_path (random); only the extension is kept.
    attachment.file.save(f"upload.{upload.extension}", upload.upload, save=False)
    saved.append(attachment)
    attachment.save()
    record_event(
        application, actor, EventKind.ATTACHMENT_ADDED, step=None, comment=upload.original_name
    )
    return attachment


@contextmanager
def _files_removed_on_error() -> Iterator[list[Attachment]]:
    """Attachments saved inside the block lose their files again if the block fails (the rows
    roll back with the transaction; files are not transactional)."""
    saved: list[Attachment] = []
    try:
        yield saved
    except BaseException:
        for attachment in saved:
            if attachment.file.name:
                attachment.file.storage.delete(attachment.file.name)
        raise
