"""The download of an application's attachment, shared by the page and the API."""

from typing import Any

from django.http import FileResponse

from eldercare.accounts.access import get_scoped_or_404
from eldercare.applications import services
from eldercare.applications.models import Attachment


def attachment_response(user: Any, application_pk: Any, attachment_pk: Any) -> FileResponse:
    """The file of an attachment of that application in the user's scope (404 otherwise)."""
    attachment = get_scoped_or_404(
        user,
        Attachment.objects.select_related("application__resident").filter(
            application_id=application_pk
        ),
        pk=attachment_pk,
    )
    handle = services.open_attachment(actor=user, attachment=attachment)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
