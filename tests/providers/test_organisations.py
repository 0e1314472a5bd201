"""Registering providers, areas, licences, prices and every status path."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from eldercare.core.models import AuditEvent
from eldercare.providers import services
from eldercare.providers.errors import ProviderDataError, ProviderStateError
from eldercare.providers.models import (
    BlacklistEntry,
    Provider,
    ProviderPrice,
    ProviderStatus,
    StaffMember,
)
from eldercare.providers.queries import price_on
from tests.conftest import World
from tests.providers.builders import credit_code, provider, staff

TODAY = date.today()


def data(**extra: object) -> dict[str, object]:
    return {
        "name": "多福居家养老服务中心",
        "kind": "enterprise",
        "credit_code": credit_code(),
        **extra,
    }


def test_register_with_areas_is_audited(world: World) -> None:
    admin = world.user("county_admin")
    row = services.register_provider(
        actor=admin,
        region_code=world.county_a,
        data=data(brand="福寿连锁"),
        areas=[world.township_a, "431102101"],
    )
    assert sorted(row.areas.values_list("region_code", flat=True)) == [
        world.township_a,
        world.township_a_other,
    ]
    assert AuditEvent.objects.filter(object_type="providers.provider", action="create").count() == 1


def test_default_area_is_the_registering_region(world: World) -> None:
    row = services.register_provider(
        actor=world.user("county_admin"), region_code=world.county_a, data=data(), areas=[]
    )
    assert list(row.areas.values_list("region_code", flat=True)) == [world.county_a]


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"credit_code": "91350100M000100Y44"}, "credit_code", "check"),
        ({"kind": "social_organisation"}, "credit_code", "kind_conflict"),
        ({"name": "  "}, "name", "required"),
        ({"kind": "shop"}, "kind", "invalid"),
    ],
)
def test_bad_provider_data_writes_nothing(
    world: World, changes: dict[str, object], field: str, code: str
) -> None:
    with pytest.raises(ProviderDataError) as caught:
        services.register_provider(
            actor=world.user("county_admin"),
            region_code=world.county_a,
            data=data(**changes),
            areas=[],
        )
    assert (field, code) in [(p.field, p.code) for p in caught.value.problems]
    assert not Provider.objects.exists()


def test_duplicate_credit_code_is_refused(world: World) -> None:
    code = credit_code()
    services.register_provider(
        actor=world.user("county_admin"),
        region_code=world.county_a,
        data=data(credit_code=code),
        areas=[],
    )
    with pytest.raises(ProviderDataError, match="已登记"):
        services.register_provider(
            actor=world.user("county_admin"),
            region_code=world.county_a,
            data=data(credit_code=code),
            areas=[],
        )


def test_areas_must_be_in_the_admins_scope(world: World) -> None:
    with pytest.raises(ProviderDataError) as caught:
        services.register_provider(
            actor=world.user("county_admin"),
            region_code=world.county_a,
            data=data(),
            areas=[world.village_b, "999999999999"],
        )
    assert [p.code for p in caught.value.problems] == ["region_scope", "region_unknown"]
    assert not Provider.objects.exists()


@pytest.mark.parametrize("role", ["township_worker", "provider_manager", "auditor"])
def test_only_county_and_up_register(world: World, role: str) -> None:
    with pytest.raises(PermissionDenied):
        services.register_provider(
            actor=world.user(role), region_code=world.county_a, data=data(), areas=[]
        )


def test_update_replaces_areas_and_records_changes(world: World, provider_a: Provider) -> None:
    services.update_provider(
        actor=world.user("county_admin"),
        provider=provider_a,
        data=data(name="新名称", credit_code=provider_a.credit_code),
        areas=[world.township_a],
    )
    provider_a.refresh_from_db()
    assert provider_a.name == "新名称"
    assert list(provider_a.areas.values_list("region_code", flat=True)) == [world.township_a]
    event = AuditEvent.objects.get(action="update", object_id=str(provider_a.pk))
    assert event.changes["areas"] == [[world.county_a], [world.township_a]]


def test_outsider_cannot_see_to_update(world: World, provider_a: Provider) -> None:
    with pytest.raises(Http404):
        services.update_provider(
            actor=world.user("county_b_admin"), provider=provider_a, data=data(), areas=None
        )


def test_prices_keep_history(world: World, provider_a: Provider, meal, own_staff) -> None:
    manager = world.user("provider_manager")
    services.set_price(
        actor=manager,
        provider=provider_a,
        item=meal,
        price_fen=1200,
        effective_from=date(2026, 1, 1),
    )
    services.set_price(
        actor=manager,
        provider=provider_a,
        item=meal,
        price_fen=1500,
        effective_from=date(2026, 7, 1),
    )
    assert price_on(provider_a, meal, date(2026, 6, 30)).price_fen == 1200
    assert price_on(provider_a, meal, date(2026, 7, 1)).price_fen == 1500
    assert price_on(provider_a, meal, date(2025, 12, 31)) is None


def test_price_in_effect_cannot_be_changed_but_a_future_one_can(
    world: World, provider_a: Provider, meal
) -> None:
    admin = world.user("county_admin")
    services.set_price(
        actor=admin, provider=provider_a, item=meal, price_fen=1200, effective_from=TODAY
    )
    with pytest.raises(ProviderStateError):
        services.set_price(
            actor=admin, provider=provider_a, item=meal, price_fen=1, effective_from=TODAY
        )
    later = TODAY + timedelta(days=10)
    services.set_price(
        actor=admin, provider=provider_a, item=meal, price_fen=1300, effective_from=later
    )
    services.set_price(
        actor=admin, provider=provider_a, item=meal, price_fen=1400, effective_from=later
    )
    assert list(ProviderPrice.objects.values_list("price_fen", flat=True)) == [1400, 1200]


def test_negative_price_refused(world: World, provider_a: Provider, meal) -> None:
    with pytest.raises(ProviderDataError):
        services.set_price(
            actor=world.user("county_admin"),
            provider=provider_a,
            item=meal,
            price_fen=-1,
            effective_from=TODAY,
        )
    assert not ProviderPrice.objects.exists()


def test_manager_of_another_provider_is_refused(
    world: World, provider_a: Provider, meal, own_staff
) -> None:
    other = provider(world.county_a)
    with pytest.raises(PermissionDenied):
        services.set_price(
            actor=world.user("provider_manager"),
            provider=other,
            item=meal,
            price_fen=1,
            effective_from=TODAY,
        )


def test_licence(world: World, provider_a: Provider, own_staff) -> None:
    licence = services.add_licence(
        actor=world.user("provider_manager"),
        provider=provider_a,
        data={
            "kind": "business",
            "number": "B-1",
            "valid_from": date(2025, 1, 1),
            "valid_to": date(2030, 1, 1),
        },
    )
    assert provider_a.licences.get() == licence
    with pytest.raises(ProviderDataError):
        services.add_licence(
            actor=world.user("provider_manager"),
            provider=provider_a,
            data={
                "kind": "business",
                "number": "",
                "valid_from": date(2025, 1, 1),
                "valid_to": date(2024, 1, 1),
            },
        )


def _decide(**extra: object) -> dict[str, object]:
    return {"reason": "虚报服务记录", "decided_on": TODAY, "authority": "零陵区民政局", **extra}


def test_blacklist_blocks_provider_and_staff_and_lift_restores(
    world: World, provider_a: Provider, meal
) -> None:
    caregiver = staff(provider_a, world.village_a, skills=(meal,))
    assert caregiver.is_assignable
    admin = world.user("county_admin")
    services.blacklist_provider(actor=admin, provider=provider_a, **_decide())
    caregiver = StaffMember.objects.select_related("provider").get(pk=caregiver.pk)
    assert not caregiver.is_assignable and not caregiver.provider.is_assignable
    entry = BlacklistEntry.objects.get()
    assert (entry.provider, entry.is_lift, entry.authority) == (provider_a, False, "零陵区民政局")
    services.lift_provider(actor=admin, provider=provider_a, **_decide(reason="整改完成"))
    assert StaffMember.objects.select_related("provider").get(pk=caregiver.pk).is_assignable
    assert BlacklistEntry.objects.filter(is_lift=True).count() == 1


@pytest.mark.parametrize("missing", ["reason", "decided_on", "authority"])
def test_blacklist_needs_reason_date_and_authority(
    world: World, provider_a: Provider, missing: str
) -> None:
    with pytest.raises(ProviderDataError) as caught:
        services.blacklist_provider(
            actor=world.user("county_admin"), provider=provider_a, **_decide(**{missing: None})
        )
    assert caught.value.problems[0].field == missing
    provider_a.refresh_from_db()
    assert provider_a.status == ProviderStatus.ACTIVE
    assert not BlacklistEntry.objects.exists()


def test_future_decision_date_refused(world: World, provider_a: Provider) -> None:
    with pytest.raises(ProviderDataError, match="晚于今天"):
        services.suspend_provider(
            actor=world.user("county_admin"),
            provider=provider_a,
            reason="检查",
            decided_on=TODAY + timedelta(days=1),
        )


def test_suspend_then_exit_is_final(world: World, provider_a: Provider, meal) -> None:
    admin = world.user("county_admin")
    member = staff(provider_a, world.village_a, skills=(meal,))
    services.suspend_provider(actor=admin, provider=provider_a, reason="消防整改", decided_on=TODAY)
    assert not StaffMember.objects.select_related("provider").get(pk=member.pk).is_assignable
    services.exit_provider(actor=admin, provider=provider_a, reason="注销", decided_on=TODAY)
    for transition in (services.suspend_provider, services.lift_provider, services.exit_provider):
        with pytest.raises(ProviderStateError, match="已退出"):
            transition(actor=admin, provider=provider_a, reason="x", decided_on=TODAY)
    with pytest.raises(ProviderStateError):
        services.blacklist_provider(actor=admin, provider=provider_a, **_decide())
    statuses = (
        AuditEvent.objects.filter(object_type="providers.provider")
        .order_by("id")
        .values_list("changes", flat=True)
    )
    assert [c["status"] for c in statuses] == [["active", "suspended"], ["suspended", "exited"]]


def test_illegal_transitions(world: World, provider_a: Provider) -> None:
    admin = world.user("county_admin")
    with pytest.raises(ProviderStateError, match="不能恢复"):
        services.lift_provider(actor=admin, provider=provider_a, reason="x", decided_on=TODAY)
    services.blacklist_provider(actor=admin, provider=provider_a, **_decide())
    with pytest.raises(ProviderStateError):
        services.blacklist_provider(actor=admin, provider=provider_a, **_decide())
    with pytest.raises(ProviderStateError):
        services.suspend_provider(actor=admin, provider=provider_a, reason="x", decided_on=TODAY)
    with pytest.raises(ProviderStateError):
        services.exit_provider(actor=admin, provider=provider_a, reason="x", decided_on=TODAY)


def test_lifting_a_blacklist_needs_the_authority(world: World, provider_a: Provider) -> None:
    admin = world.user("county_admin")
    services.blacklist_provider(actor=admin, provider=provider_a, **_decide())
    with pytest.raises(ProviderDataError):
        services.lift_provider(actor=admin, provider=provider_a, reason="整改", decided_on=TODAY)
    provider_a.refresh_from_db()
    assert provider_a.status == ProviderStatus.BLACKLISTED


def test_township_worker_cannot_blacklist(world: World, provider_a: Provider) -> None:
    with pytest.raises(PermissionDenied):
        services.blacklist_provider(
            actor=world.user("township_worker"), provider=provider_a, **_decide()
        )
