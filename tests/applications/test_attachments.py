"""Attached documents: only PDF, JPEG and PNG by content, at most 5 MB, stored under random names
in MEDIA_ROOT, added only before review starts or when returned, downloaded only in scope."""

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client

from eldercare.applications import services
from eldercare.applications.attachments import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS
from eldercare.applications.errors import ApplicationDataError, ApplicationStateError
from eldercare.applications.models import Attachment
from eldercare.core.models import AuditAction, AuditEvent
from tests.applications.builders import JPEG, PDF, PNG, benefit, db_state, upload
from tests.applications.conftest import People

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_documents_are_stored_under_random_names(people: People) -> None:
    application = services.submit_application(
        actor=people.village,
        resident=people.resident,
        data=benefit(),
        attachments=[
            upload("残疾证.pdf", PDF),
            upload("照片.JPG", JPEG),
            upload("户口本.png", PNG),
        ],
    )
    stored = list(Attachment.objects.filter(application=application).order_by("id"))
    assert [(a.original_name, a.content_type, a.size) for a in stored] == [
        ("残疾证.pdf", "application/pdf", len(PDF)),
        ("照片.JPG", "image/jpeg", len(JPEG)),
        ("户口本.png", "image/png", len(PNG)),
    ]
    for attachment in stored:
        path = Path(attachment.file.path)
        assert path.is_relative_to(Path(settings.MEDIA_ROOT))
        assert attachment.original_name.split(".")[0] not in path.name
        assert len(path.stem) == 32  # a uuid4 hex
        assert path.read_bytes()[:4] in (PDF[:4], JPEG[:4], PNG[:4])
    assert len({a.file.name for a in stored}) == 3


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("申请.docx", b"PK\x03\x04" + b"\x00" * 20, "type_not_allowed"),
        ("run.exe", b"MZ" + b"\x00" * 20, "type_not_allowed"),
        ("无扩展名", PDF, "type_not_allowed"),
        ("伪装.pdf", PNG, "content_mismatch"),
        ("伪装.png", b"<html>not an image</html>", "content_mismatch"),
        ("空.pdf", b"", "empty"),
        ("太大.pdf", PDF + b"0" * MAX_ATTACHMENT_BYTES, "too_large"),
    ],
)
def test_wrong_documents_are_refused_and_nothing_is_written(
    people: People, name: str, content: bytes, code: str
) -> None:
    before = db_state()
    with pytest.raises(ApplicationDataError) as refused:
        services.submit_application(
            actor=people.village,
            resident=people.resident,
            data=benefit(),
            attachments=[upload("好的.pdf", PDF), upload(name, content)],
        )
    problem = refused.value.problems[0]
    assert (problem.field, problem.code) == ("attachments", code)
    assert name in problem.message
    assert db_state() == before
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_exactly_the_limit_is_accepted(people: People) -> None:
    content = PDF + b"0" * (MAX_ATTACHMENT_BYTES - len(PDF))
    application = services.submit_application(
        actor=people.village,
        resident=people.resident,
        data=benefit(),
        attachments=[upload("正好5MB.pdf", content)],
    )
    assert application.attachments.get().size == MAX_ATTACHMENT_BYTES


def test_at_most_ten_documents(people: People) -> None:
    application = services.submit_application(
        actor=people.village,
        resident=people.resident,
        data=benefit(),
        attachments=[upload(f"{n}.pdf") for n in range(MAX_ATTACHMENTS)],
    )
    with pytest.raises(ApplicationDataError, match="最多 10 个"):
        services.add_attachment(actor=people.village, application=application, upload=upload())


def test_documents_are_added_before_review_starts_or_when_returned(people: People) -> None:
    application = people.submit()
    added = services.add_attachment(
        actor=people.village, application=application, upload=upload(), description="残疾证"
    )
    assert added.description == "残疾证"
    application = people.approve_through(application, people.village_reviewer)
    with pytest.raises(ApplicationStateError, match="审核中"):
        services.add_attachment(actor=people.village, application=application, upload=upload())
    returned = services.return_application(
        actor=people.township, application=application, reason="补充户口本"
    )
    services.add_attachment(
        actor=people.village, application=returned, upload=upload("户口本.png", PNG)
    )
    assert returned.attachments.count() == 2
    events = returned.events.filter(kind="attachment_added").values_list("comment", flat=True)
    assert list(events) == ["证明.pdf", "户口本.png"]


def test_adding_needs_the_permission_and_scope(people: People) -> None:
    application = people.submit()
    before = db_state()
    with pytest.raises(PermissionDenied):
        services.add_attachment(
            actor=people.world.user("auditor"), application=application, upload=upload()
        )
    with pytest.raises(Http404):
        services.add_attachment(actor=people.outsider, application=application, upload=upload())
    assert db_state() == before


def test_download_in_scope_only_and_audited(people: People) -> None:
    application = services.submit_application(
        actor=people.village,
        resident=people.resident,
        data=benefit(),
        attachments=[upload("残疾证.pdf", PDF)],
    )
    attachment = application.attachments.get()
    url = f"/applications/{application.pk}/attachments/{attachment.pk}/"
    response = client_for(people.county).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    assert "attachment;" in response["Content-Disposition"]
    audit = AuditEvent.objects.get(action=AuditAction.EXPORT, object_type="applications.attachment")
    assert (audit.actor, audit.detail["application"]) == (people.county, application.number)

    before = db_state()
    for outsider in (people.outsider, people.other_township, people.other_village):
        assert client_for(outsider).get(url).status_code == 404
    # The attachment of another application under this one's number is not found either.
    other = people.submit()
    assert (
        client_for(people.county)
        .get(f"/applications/{other.pk}/attachments/{attachment.pk}/")
        .status_code
        == 404
    )
    assert client_for(people.world.user("caregiver")).get(url).status_code == 403
    assert Client().get(url).status_code == 302  # to the login page
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1
    assert db_state()[3] == before[3]


def test_files_are_removed_when_the_submission_fails_after_storing_them(
    people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_audit(**kwargs: Any) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr("eldercare.applications.services.applying.record", broken_audit)
    before = db_state()
    with pytest.raises(RuntimeError):
        services.submit_application(
            actor=people.village,
            resident=people.resident,
            data=benefit(),
            attachments=[upload("a.pdf"), upload("b.png", PNG)],
        )
    assert db_state() == before
    media = Path(settings.MEDIA_ROOT)
    assert not any(p.is_file() for p in media.rglob("*"))
