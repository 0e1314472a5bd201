"""Voucher files of expenditures: checked by their first bytes and size (the same rules as
application documents), stored under random names, every download audited."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.http import Http404

from eldercare.accounts.access import Action, in_scope, require
from eldercare.applications.attachments import MAX_ATTACHMENTS, CheckedUpload, check_upload
from eldercare.applications.errors import ApplicationDataError
from eldercare.core.audit import record
from eldercare.core.models import AuditAction
from eldercare.funds.errors import FundsDataError, Problem
from eldercare.funds.models import Expenditure, Voucher
from eldercare.funds.services.common import require_manage


def check_vouchers(uploads: Sequence[Any], *, already: int = 0) -> list[CheckedUpload]:
    if already + len(uploads) > MAX_ATTACHMENTS:
        raise FundsDataError(
            [Problem("vouchers", "too_many", f"每笔支出最多 {MAX_ATTACHMENTS} 个凭证附件")]
        )
    checked = []
    for upload in uploads:
        try:
            checked.append(check_upload(upload))
        except ApplicationDataError as error:
            raise FundsDataError(
                [Problem("vouchers", p.code, p.message) for p in error.problems]
            ) from error
    return checked


@contextmanager
def files_removed_on_error() -> Iterator[list[Voucher]]:
    """Files written inside a transaction that then rolls back would be orphans: remove them.
    Enter it outside `transaction.atomic()` so the rollback has happened when files go."""
    saved: list[Voucher] = []
    try:
        yield saved
    except BaseException:
        for voucher in saved:
            voucher.file.delete(save=False)
        raise


def attach_vouchers(
    actor: Any, expenditure: Expenditure, checked: Sequence[CheckedUpload], saved: list[Voucher]
) -> None:
    """Store checked files on an expenditure inside the caller's transaction and
    `files_removed_on_error` (which gets them in `saved`)."""
    for upload in checked:
        voucher = Voucher(
            expenditure=expenditure,
            original_name=upload.original_name,
            content_type=upload.content_type,
            size=upload.size,
            sha256=upload.sha256,
            uploaded_by=actor,
        )
        voucher.file.save(f"upload.{upload.extension}", upload.upload, save=False)
        saved.append(voucher)
        voucher.save()


def add_voucher(*, actor: Any, expenditure: Expenditure, upload: Any) -> Voucher:
    """A voucher scanned after the payment was entered: adds evidence, changes no amount."""
    require_manage(actor, expenditure.region_code)
    with files_removed_on_error() as saved, transaction.atomic():
        locked = Expenditure.objects.select_for_update().get(pk=expenditure.pk)
        if locked.reverses_id is not None:
            raise FundsDataError([Problem("vouchers", "is_reversal", "冲销记录不能添加凭证")])
        checked = check_vouchers([upload], already=locked.vouchers.count())
        attach_vouchers(actor, locked, checked, saved)
        voucher = saved[0]
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=voucher,
            region_code=locked.region_code,
            detail={"expenditure": locked.pk, "size": voucher.size, "sha256": voucher.sha256},
        )
    return voucher


def open_voucher(*, actor: Any, voucher: Voucher) -> Any:
    """The stored file, opened for download; every download is audited."""
    require(actor, Action.VIEW_FUNDS)
    region_code = voucher.expenditure.region_code
    if not in_scope(actor, region_code):
        raise Http404("记录不存在")
    handle = voucher.file.open("rb")
    record(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=voucher,
        region_code=region_code,
        detail={"expenditure": voucher.expenditure_id, "download": voucher.original_name},
    )
    return handle
