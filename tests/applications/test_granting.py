"""Approved benefits become entitlements: at once when the entitlements service is there, or later
by `eldercare grant-approved-applications` when it was not (idempotent either way)."""

from io import StringIO

import pytest
from django.core.management import call_command

from eldercare.applications import services
from eldercare.applications.errors import ApplicationStateError
from eldercare.applications.models import ApplicationStatus, EventKind
from tests.applications.builders import GRANT_MISSING, db_state, grant_service_available
from tests.applications.conftest import People

pytestmark = pytest.mark.django_db


def test_an_approval_without_the_service_is_pending_and_caught_up_later(
    people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("eldercare.applications.services.granting.grant_service", lambda: None)
    application = people.approve_through(
        people.submit(), people.village_reviewer, people.township, people.county
    )
    assert application.status == ApplicationStatus.APPROVED
    assert (application.is_grant_pending, application.entitlement_id) == (True, None)
    out = StringIO()
    call_command("grant_approved_applications", "--dry-run", stdout=out)
    assert "1 份" in out.getvalue()
    assert services.grant_pending_entitlements(actor=None) == 0
    monkeypatch.undo()

    if not grant_service_available():
        pytest.skip(GRANT_MISSING)
    from eldercare.entitlements.models import Entitlement

    out = StringIO()
    call_command("grant_approved_applications", stdout=out)
    assert "已生成 1 份" in out.getvalue()
    application.refresh_from_db()
    grant = Entitlement.objects.get(source_reference=f"application:{application.pk}")
    assert application.entitlement_id == grant.pk
    assert not application.is_grant_pending
    # The county reviewer who approved is the one who grants.
    assert grant.granted_by == people.county
    assert application.events.filter(kind=EventKind.GRANTED).count() == 1
    call_command("grant_approved_applications", stdout=StringIO())
    assert Entitlement.objects.filter(source_reference=f"application:{application.pk}").count() == 1


def test_a_refused_grant_undoes_the_approval(
    people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refusing(**kwargs: object) -> None:
        raise ValueError("该老人已有同类补贴")

    monkeypatch.setattr("eldercare.applications.services.granting.grant_service", lambda: refusing)
    application = people.approve_through(people.submit(), people.village_reviewer, people.township)
    before = db_state()
    with pytest.raises(ApplicationStateError, match="批准后生成待遇失败：该老人已有同类补贴"):
        services.approve_step(actor=people.county, application=application)
    assert db_state() == before
