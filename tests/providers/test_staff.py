"""Staff: registration rules, skills, availability, trainings, logins, blacklist, certificates."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from eldercare.core.models import AuditEvent
from eldercare.providers import services
from eldercare.providers.errors import ProviderDataError, ProviderStateError
from eldercare.providers.models import BlacklistEntry, Provider, StaffMember, StaffStatus
from eldercare.providers.queries import health_certificates_due
from eldercare.providers.rules.schedule import Window
from tests import factories
from tests.conftest import World
from tests.providers.builders import provider, staff

TODAY = date.today()


def member_data(world: World, **extra: object) -> dict[str, object]:
    return {
        "name": "赵护理",
        "id_number": factories.id_number(date(1985, 2, 3)),
        "kind": "caregiver",
        "caregiver_level": "4",
        "region_code": world.township_a,
        "phone": "13800001111",
        **extra,
    }


def test_manager_registers_staff(
    world: World, provider_a: Provider, own_staff: StaffMember
) -> None:
    member = services.register_staff(
        actor=world.user("provider_manager"), provider=provider_a, data=member_data(world)
    )
    assert (member.region_code, member.phone, member.status) == (
        world.township_a,
        "13800001111",
        "active",
    )
    event = AuditEvent.objects.get(action="create", object_type="providers.staffmember")
    assert member.id_number not in str(event.detail)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"id_number": "431102198502031234"}, "id_number"),
        ({"id_number": "12345"}, "id_number"),
        ({"kind": ""}, "kind"),
        ({"caregiver_level": "7"}, "caregiver_level"),
        ({"region_code": "431103001001"}, "region_code"),
        ({"base_latitude": "26.4"}, "coordinates"),
        ({"phone": "12"}, "phone"),
    ],
)
def test_bad_staff_data_writes_nothing(
    world: World, provider_a: Provider, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(ProviderDataError) as caught:
        services.register_staff(
            actor=world.user("county_admin"),
            provider=provider_a,
            data=member_data(world, **changes),
        )
    assert field in [p.field for p in caught.value.problems]
    assert not StaffMember.objects.exists()


def test_working_area_must_be_inside_the_providers_areas(world: World) -> None:
    narrow = provider(world.county_a, areas=(world.township_a_other,))
    with pytest.raises(ProviderDataError, match="服务区域之内"):
        services.register_staff(
            actor=world.user("county_admin"), provider=narrow, data=member_data(world)
        )


def test_same_id_twice_in_a_provider_refused(world: World, provider_a: Provider) -> None:
    data = member_data(world)
    services.register_staff(actor=world.user("county_admin"), provider=provider_a, data=data)
    with pytest.raises(ProviderDataError, match="已登记"):
        services.register_staff(actor=world.user("county_admin"), provider=provider_a, data=data)


def test_caregiver_cannot_register_staff(world: World, provider_a: Provider) -> None:
    with pytest.raises(PermissionDenied):
        services.register_staff(
            actor=world.user("caregiver"), provider=provider_a, data=member_data(world)
        )


def test_update_does_not_write_the_id_number_into_the_trail(
    world: World, provider_a: Provider
) -> None:
    member = staff(provider_a, world.township_a)
    new_number = factories.id_number(date(1990, 1, 1))
    services.update_staff(
        actor=world.user("county_admin"),
        member=member,
        data=member_data(world, id_number=new_number, caregiver_level="3"),
    )
    member.refresh_from_db()
    assert (member.id_number, member.caregiver_level) == (new_number, "3")
    event = AuditEvent.objects.get(action="update")
    assert new_number not in str(event.changes)
    assert event.changes["caregiver_level"] == ["4", "3"]


def test_skills_are_replaced_as_a_set(world: World, provider_a: Provider, meal, bath) -> None:
    member = staff(provider_a, world.township_a)
    services.set_skills(actor=world.user("county_admin"), member=member, items=[meal, bath])
    assert set(member.skill_rows.values_list("item", flat=True)) == {meal.pk, bath.pk}
    services.set_skills(actor=world.user("county_admin"), member=member, items=[meal])
    assert list(member.skill_rows.values_list("item", flat=True)) == [meal.pk]


def test_availability_replaced_and_overlap_refused_keeps_the_old(
    world: World, provider_a: Provider
) -> None:
    member = staff(provider_a, world.township_a)
    admin = world.user("county_admin")
    services.set_availability(
        actor=admin,
        member=member,
        windows=[Window(0, time(8), time(12)), Window(0, time(13), time(17))],
    )
    with pytest.raises(ProviderDataError, match="重叠"):
        services.set_availability(
            actor=admin,
            member=member,
            windows=[Window(1, time(8), time(12)), Window(1, time(11), time(13))],
        )
    assert [str(w) for w in member.availability.all()] == ["0 08:00–12:00", "0 13:00–17:00"]


def test_trainings(world: World, provider_a: Provider) -> None:
    member = staff(provider_a, world.township_a)
    admin = world.user("county_admin")
    services.add_training(
        actor=admin,
        member=member,
        data={"topic": "失能照护", "trained_on": TODAY, "hours": "8", "kind": "pre_job"},
    )
    assert member.trainings.get().hours == 8
    for bad in (
        {"hours": "0"},
        {"hours": "x"},
        {"trained_on": TODAY + timedelta(days=1)},
        {"topic": ""},
    ):
        with pytest.raises(ProviderDataError):
            services.add_training(
                actor=admin,
                member=member,
                data={"topic": "t", "trained_on": TODAY, "hours": "2", **bad},
            )
    assert member.trainings.count() == 1


def test_staff_blacklist_and_lift(world: World, provider_a: Provider, meal) -> None:
    member = staff(provider_a, world.village_a, skills=(meal,))
    admin = world.user("county_admin")
    services.blacklist_staff(
        actor=admin,
        member=member,
        reason="侵害老人权益",
        decided_on=TODAY,
        authority="零陵区民政局",
    )
    member.refresh_from_db()
    assert member.status == StaffStatus.BLACKLISTED and not member.is_assignable
    with pytest.raises(ProviderStateError):
        services.blacklist_staff(
            actor=admin, member=member, reason="x", decided_on=TODAY, authority="y"
        )
    services.lift_staff(
        actor=admin, member=member, reason="复核撤销", decided_on=TODAY, authority="零陵区民政局"
    )
    member.refresh_from_db()
    assert member.is_assignable
    assert list(BlacklistEntry.objects.order_by("id").values_list("is_lift", flat=True)) == [
        False,
        True,
    ]
    with pytest.raises(ProviderStateError):
        services.lift_staff(actor=admin, member=member, reason="x", decided_on=TODAY, authority="y")


def test_provider_manager_cannot_blacklist(world: World, provider_a: Provider, own_staff) -> None:
    member = staff(provider_a, world.township_a)
    with pytest.raises(PermissionDenied):
        services.blacklist_staff(
            actor=world.user("provider_manager"),
            member=member,
            reason="x",
            decided_on=TODAY,
            authority="y",
        )


def test_leaving_is_final(world: World, provider_a: Provider) -> None:
    member = staff(provider_a, world.township_a)
    services.staff_leaves(
        actor=world.user("county_admin"), member=member, reason="辞职", decided_on=TODAY
    )
    with pytest.raises(ProviderStateError):
        services.staff_leaves(
            actor=world.user("county_admin"), member=member, reason="辞职", decided_on=TODAY
        )


def test_link_login(world: World, provider_a: Provider) -> None:
    member = staff(provider_a, world.village_a)
    admin = world.user("county_admin")
    services.link_login(actor=admin, member=member, user=world.user("caregiver"))
    assert world.user("caregiver").staff_member == member
    other = staff(provider_a, world.village_a, id_number=factories.id_number(date(1979, 1, 1)))
    with pytest.raises(ProviderDataError, match="已关联"):
        services.link_login(actor=admin, member=other, user=world.user("caregiver"))
    with pytest.raises(ProviderDataError, match="只能关联"):
        services.link_login(actor=admin, member=other, user=world.user("village_worker"))


def test_health_certificates_due(world: World, provider_a: Provider) -> None:
    expired = staff(
        provider_a, world.township_a, health_certificate_expires=TODAY - timedelta(days=1)
    )
    soon = staff(
        provider_a,
        world.township_a,
        id_number=factories.id_number(date(1970, 1, 1)),
        health_certificate_expires=TODAY + timedelta(days=30),
    )
    staff(
        provider_a,
        world.township_a,
        id_number=factories.id_number(date(1971, 1, 1)),
        health_certificate_expires=TODAY + timedelta(days=31),
    )
    due = health_certificates_due(world.user("county_admin"), TODAY)
    assert (list(due[0]), list(due[1])) == ([expired], [soon])
    assert not health_certificates_due(world.user("county_b_admin"), TODAY)[0].exists()


def test_reveal_is_audited(world: World, provider_a: Provider, own_staff) -> None:
    member = staff(provider_a, world.township_a)
    shown = services.reveal_staff(
        actor=world.user("provider_manager"), member=member, purpose="核对"
    )
    assert shown["id_number"] == member.id_number
    assert AuditEvent.objects.filter(action="view_unmasked", object_id=str(member.pk)).exists()
    with pytest.raises(PermissionDenied):
        services.reveal_staff(actor=world.user("auditor"), member=member, purpose="核对")
