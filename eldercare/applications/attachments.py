"""What an uploaded document must be: a PDF, JPEG or PNG (by its first bytes, and a matching
extension), not empty, at most MAX_ATTACHMENT_BYTES. The type a browser claims is ignored."""

import hashlib
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from eldercare.applications.errors import ApplicationDataError, Problem

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENTS = 10
# extension → (content type, magic bytes at the start of the file)
ALLOWED_TYPES = {
    "pdf": ("application/pdf", b"%PDF-"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
}
_SNIFF_BYTES = 16


@dataclass(frozen=True)
class CheckedUpload:
    upload: Any
    original_name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def check_upload(upload: Any) -> CheckedUpload:
    """Validate one uploaded file (a Django UploadedFile); ApplicationDataError names the file."""
    name = PurePath(str(getattr(upload, "name", "") or "").replace("\\", "/")).name.strip()
    label = name or "（无文件名）"
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    size = int(getattr(upload, "size", 0) or 0)
    if extension not in ALLOWED_TYPES:
        raise _problem("type_not_allowed", f"{label}：只能上传 PDF、JPG 或 PNG 文件")
    if size == 0:
        raise _problem("empty", f"{label}：文件是空的")
    if size > MAX_ATTACHMENT_BYTES:
        limit = MAX_ATTACHMENT_BYTES // (1024 * 1024)
        raise _problem("too_large", f"{label}：文件超过 {limit} MB（{size / 1048576:.1f} MB）")
    content_type, magic = ALLOWED_TYPES[extension]
    digest = hashlib.sha256()
    upload.seek(0)
    head = b""
    for chunk in upload.chunks():
        if len(head) < _SNIFF_BYTES:
            head += chunk[: _SNIFF_BYTES - len(head)]
        digest.update(chunk)
    upload.seek(0)
    if not head.startswith(magic):
        raise _problem(
            "content_mismatch", f"{label}：文件内容不是 {extension.upper()} 格式（可能改过扩展名）"
        )
    return CheckedUpload(
        upload=upload,
        original_name=name[-200:],
        extension=extension,
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
    )


def _problem(code: str, message: str) -> ApplicationDataError:
    return ApplicationDataError([Problem("attachments", code, message)])
