"""Sign, amend (history kept) and end agreements; every refusal leaves nothing behind."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from eldercare.accounts.models import Role
from eldercare.carevisits import services
from eldercare.carevisits.errors import CareVisitDataError, CareVisitStateError
from eldercare.carevisits.models import (
    AgreementStatus,
    AgreementVersion,
    AgreementVisitor,
    CareAgreement,
)
from eldercare.core.models import AuditEvent
from tests import factories
from tests.carevisits.builders import key_resident, sign
from tests.conftest import World

NEIGHBOUR = {"kind": "neighbour", "name": "王邻居", "phone": "13800138000"}


def codes(error: CareVisitDataError) -> set[str]:
    return {problem.code for problem in error.problems}


def test_sign_names_visitors_takes_the_region_requirement_and_audits(world: World) -> None:
    resident = key_resident(world.village_a)
    agreement = sign(world, resident, extra_visitors=[NEIGHBOUR])
    assert agreement.status == AgreementStatus.ACTIVE
    assert agreement.starts_on == timezone.localdate()
    assert (agreement.min_contacts, agreement.min_visits) == (3, 1)
    visitors = list(agreement.visitors.order_by("id"))
    assert [(v.kind, v.user_id) for v in visitors] == [
        ("village_worker", world.user(Role.VILLAGE_WORKER).pk),
        ("neighbour", None),
    ]
    version = AgreementVersion.objects.get(agreement=agreement)
    assert version.number == 1 and len(version.terms["visitors"]) == 2
    event = AuditEvent.objects.get(object_type="carevisits.careagreement")
    assert event.detail["transition"] == "sign"


def test_region_policy_sets_the_requirement_of_new_agreements(world: World) -> None:
    services.set_policy(
        actor=world.user(Role.COUNTY_ADMIN),
        region_code=world.county_a,
        key_rule={"arrangements": ["living_alone"], "difficulties": ["very_old"]},
        min_contacts=5,
        min_visits=2,
    )
    agreement = sign(world, key_resident(world.village_a))
    assert (agreement.min_contacts, agreement.min_visits) == (5, 2)


def test_second_active_agreement_is_refused(world: World) -> None:
    resident = key_resident(world.village_a)
    sign(world, resident)
    with pytest.raises(CareVisitStateError) as error:
        sign(world, resident)
    assert error.value.code == "duplicate"
    assert CareAgreement.objects.count() == 1
    assert AgreementVisitor.objects.count() == 1


@pytest.mark.parametrize(
    ("visitors", "code"),
    [
        ([NEIGHBOUR], "no_worker"),
        ([{"kind": "village_worker"}], "user"),
        ([{"kind": "boss", "name": "x"}], "kind"),
        ([{"kind": "neighbour", "name": "", "phone": "13800138000"}], "name"),
        ([{"kind": "relative", "name": "儿子", "phone": "abc"}], "phone"),
    ],
)
def test_bad_visitors_are_refused(
    world: World, visitors: list[dict[str, object]], code: str
) -> None:
    resident = key_resident(world.village_a)
    with pytest.raises(CareVisitDataError) as error:
        services.sign_agreement(
            actor=world.user(Role.TOWNSHIP_WORKER), resident=resident, visitors=visitors
        )
    assert code in codes(error.value)
    assert not CareAgreement.objects.exists()


def test_visitor_must_be_responsible_for_the_residents_village(world: World) -> None:
    resident = key_resident(world.village_a)
    outsider = factories.user("other_village", Role.VILLAGE_WORKER, world.village_a2)
    auditor = world.user(Role.AUDITOR)  # may view, may not log
    for user, code in ((outsider, "user_scope"), (auditor, "user")):
        with pytest.raises(CareVisitDataError) as error:
            services.sign_agreement(
                actor=world.user(Role.TOWNSHIP_WORKER),
                resident=resident,
                visitors=[{"kind": "village_worker", "user": user.pk}],
            )
        assert code in codes(error.value)


def test_bad_periods_are_refused(world: World) -> None:
    resident = key_resident(world.village_a)
    today = timezone.localdate()
    for starts_on, ends_on, field in (
        (today - timedelta(days=400), None, "starts_on"),
        (today + timedelta(days=60), None, "starts_on"),
        (today, today - timedelta(days=1), "ends_on"),
    ):
        with pytest.raises(CareVisitDataError) as error:
            sign(world, resident, starts_on=starts_on, ends_on=ends_on)
        assert error.value.problems[0].field == field
    assert not CareAgreement.objects.exists()


def test_who_may_sign(world: World) -> None:
    resident = key_resident(world.village_a)
    visitors = [{"kind": "village_worker", "user": world.user(Role.VILLAGE_WORKER).pk}]
    with pytest.raises(PermissionDenied):
        services.sign_agreement(
            actor=world.user(Role.VILLAGE_WORKER), resident=resident, visitors=visitors
        )
    with pytest.raises(Http404):
        services.sign_agreement(
            actor=world.user("county_b_admin"), resident=resident, visitors=visitors
        )
    assert not CareAgreement.objects.exists()


def test_deceased_resident_cannot_get_an_agreement(world: World) -> None:
    resident = key_resident(world.village_a, status="deceased", status_date=date(2026, 1, 1))
    with pytest.raises(CareVisitStateError):
        sign(world, resident)


def test_amend_keeps_history_and_replaces_visitors(world: World) -> None:
    resident = key_resident(world.village_a)
    agreement = sign(world, resident, extra_visitors=[NEIGHBOUR])
    grid = factories.user("grid", Role.VILLAGE_WORKER, world.village_a)
    amended = services.amend_agreement(
        actor=world.user(Role.TOWNSHIP_WORKER),
        agreement=agreement,
        reason="网格调整",
        visitors=[
            {"kind": "grid_worker", "user": grid.pk},
            NEIGHBOUR,
            {"kind": "relative", "name": "李儿子", "phone": "13900139000"},
        ],
    )
    assert amended.version == 2
    current = amended.visitors.filter(removed_at__isnull=True)
    assert {(v.kind, v.name) for v in current} == {
        ("grid_worker", grid.display_name),
        ("neighbour", "王邻居"),
        ("relative", "李儿子"),
    }
    removed = amended.visitors.get(removed_at__isnull=False)
    assert removed.user == world.user(Role.VILLAGE_WORKER)
    versions = list(AgreementVersion.objects.filter(agreement=agreement))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].terms["visitors"][0]["user"] == world.user(Role.VILLAGE_WORKER).pk
    assert versions[1].reason == "网格调整"
    event = AuditEvent.objects.filter(object_type="carevisits.careagreement").order_by("id").last()
    assert event is not None and event.detail["transition"] == "amend"
    assert "visitors" in event.changes


def test_amend_needs_a_reason_and_a_change(world: World) -> None:
    agreement = sign(world, key_resident(world.village_a))
    township = world.user(Role.TOWNSHIP_WORKER)
    with pytest.raises(CareVisitDataError):
        services.amend_agreement(actor=township, agreement=agreement, reason=" ")
    with pytest.raises(CareVisitDataError) as error:
        services.amend_agreement(actor=township, agreement=agreement, reason="无变化")
    assert codes(error.value) == {"unchanged"}
    agreement.refresh_from_db()
    assert agreement.version == 1


def test_end_then_nothing_more(world: World) -> None:
    resident = key_resident(world.village_a)
    agreement = sign(world, resident, starts_on=timezone.localdate() - timedelta(days=20))
    township = world.user(Role.TOWNSHIP_WORKER)
    with pytest.raises(CareVisitDataError):
        services.end_agreement(actor=township, agreement=agreement, reason="")
    with pytest.raises(CareVisitDataError):
        services.end_agreement(
            actor=township,
            agreement=agreement,
            reason="入住养老机构",
            ends_on=timezone.localdate() + timedelta(days=1),
        )
    ended = services.end_agreement(actor=township, agreement=agreement, reason="入住养老机构")
    assert (ended.status, ended.ends_on, ended.version) == (
        AgreementStatus.ENDED,
        timezone.localdate(),
        2,
    )
    for call in (
        lambda: services.end_agreement(actor=township, agreement=agreement, reason="再次"),
        lambda: services.amend_agreement(
            actor=township, agreement=agreement, reason="x", ends_on=timezone.localdate()
        ),
    ):
        with pytest.raises(CareVisitStateError):
            call()
    # A new agreement can follow the ended one.
    assert sign(world, resident).status == AgreementStatus.ACTIVE
