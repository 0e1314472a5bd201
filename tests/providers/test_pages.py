"""Pages: lists, details, forms, decisions, masking and unmasking, export, the public directory."""

import io
from datetime import date

import pytest
from django.core.cache import cache
from django.test import Client
from python_calamine import CalamineWorkbook

from eldercare.core.models import AuditEvent
from eldercare.providers.models import Facility, Provider, ProviderPrice, StaffMember
from eldercare.providers.throttling import DIRECTORY_LIMIT
from tests.conftest import World
from tests.providers.builders import credit_code, provider, staff

TODAY = date.today()


def client_for(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.user(role))
    return client


@pytest.fixture
def listed(world: World, provider_a: Provider, meal) -> Facility:
    ProviderPrice.objects.create(
        provider=provider_a, item=meal, price_fen=1250, effective_from=TODAY
    )
    facility = Facility.objects.create(
        region_code=world.village_a,
        name="多福社区日间照料中心",
        kind="day_care",
        operation_mode="public_built_private_run",
        operator=provider_a,
        latitude="26.420000",
        longitude="111.610000",
    )
    facility.services.add(meal)
    return facility


def test_pages_render_for_a_county_admin(
    world: World, provider_a: Provider, listed: Facility
) -> None:
    member = staff(provider_a, world.township_a)
    client = client_for(world, "county_admin")
    for url in [
        "/providers/",
        "/providers/?status=active&kind=enterprise&region=431102001&brand=x",
        f"/providers/{provider_a.pk}/",
        f"/providers/{provider_a.pk}/edit/",
        "/providers/new/",
        f"/providers/{provider_a.pk}/staff/new/",
        "/providers/staff/",
        f"/providers/staff/{member.pk}/",
        f"/providers/staff/{member.pk}/edit/",
        "/providers/facilities/",
        f"/providers/facilities/{listed.pk}/",
        f"/providers/facilities/{listed.pk}/edit/",
        "/providers/facilities/new/",
        "/providers/blacklist/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url


def test_facility_list_has_the_map_data(world: World, listed: Facility) -> None:
    page = client_for(world, "county_admin").get("/providers/facilities/").content.decode()
    assert 'id="facility-map-data"' in page and '"lat": 26.42' in page


def test_out_of_scope_is_404_and_no_role_is_403(world: World, provider_a: Provider) -> None:
    assert (
        client_for(world, "county_b_admin").get(f"/providers/{provider_a.pk}/").status_code == 404
    )
    assert client_for(world, "caregiver").get("/providers/").status_code == 403
    assert client_for(world, "township_worker").get("/providers/new/").status_code == 403


def test_register_provider_through_the_form(world: World) -> None:
    response = client_for(world, "county_admin").post(
        "/providers/new/",
        {
            "name": "零陵区福寿养老服务中心",
            "credit_code": credit_code(authority="5", kind="2"),
            "kind": "social_organisation",
            "region_code": world.county_a,
            "areas": [world.township_a],
        },
    )
    provider_row = Provider.objects.get()
    assert response.status_code == 302
    assert list(provider_row.areas.values_list("region_code", flat=True)) == [world.township_a]


def test_bad_credit_code_shows_the_rule_and_keeps_nothing(world: World) -> None:
    response = client_for(world, "county_admin").post(
        "/providers/new/",
        {
            "name": "x",
            "credit_code": "91350100M000100Y44",
            "kind": "enterprise",
            "region_code": world.county_a,
        },
        follow=True,
    )
    assert "第 18 位校验码错误" in response.content.decode()
    assert not Provider.objects.exists()


def test_blacklist_through_the_page(world: World, provider_a: Provider) -> None:
    client = client_for(world, "county_admin")
    response = client.post(
        f"/providers/{provider_a.pk}/status/",
        {
            "transition": "blacklist",
            "reason": "欺诈",
            "decided_on": TODAY.isoformat(),
            "authority": "",
        },
        follow=True,
    )
    assert "决定机关：请填写决定机关" in response.content.decode()
    client.post(
        f"/providers/{provider_a.pk}/status/",
        {
            "transition": "blacklist",
            "reason": "欺诈",
            "decided_on": TODAY.isoformat(),
            "authority": "区民政局",
        },
    )
    provider_a.refresh_from_db()
    assert provider_a.status == "blacklisted"
    assert "欺诈" in client.get("/providers/blacklist/").content.decode()


def test_price_in_yuan(world: World, provider_a: Provider, meal, own_staff) -> None:
    client = client_for(world, "provider_manager")
    client.post(
        f"/providers/{provider_a.pk}/prices/",
        {"item": meal.pk, "price_yuan": "12.50", "effective_from": TODAY.isoformat()},
    )
    assert ProviderPrice.objects.get().price_fen == 1250
    assert "12.50" in client.get(f"/providers/{provider_a.pk}/").content.decode()


def test_staff_masked_and_reveal_audited(world: World, provider_a: Provider, own_staff) -> None:
    member = staff(provider_a, world.township_a)
    client = client_for(world, "provider_manager")
    page = client.get("/providers/staff/").content.decode()
    assert member.id_number not in page and member.id_number[:6] in page
    revealed = client.post(f"/providers/staff/{member.pk}/reveal/").content.decode()
    assert member.id_number in revealed
    assert AuditEvent.objects.filter(action="view_unmasked", object_id=str(member.pk)).count() == 1
    assert (
        client_for(world, "auditor").post(f"/providers/staff/{member.pk}/reveal/").status_code
        == 403
    )


def test_availability_form(world: World, provider_a: Provider) -> None:
    member = staff(provider_a, world.township_a)
    client = client_for(world, "county_admin")
    client.post(
        f"/providers/staff/{member.pk}/availability/", {"windows": "1 08:00 12:00\n3 14:00 18:00"}
    )
    assert member.availability.count() == 2
    response = client.post(
        f"/providers/staff/{member.pk}/availability/",
        {"windows": "1 08:00 12:00\n1 11:00 13:00"},
        follow=True,
    )
    assert "时段重叠" in response.content.decode()
    assert member.availability.count() == 2


def test_register_staff_through_the_form(
    world: World, provider_a: Provider, meal, own_staff
) -> None:
    from tests import factories

    response = client_for(world, "provider_manager").post(
        f"/providers/{provider_a.pk}/staff/new/",
        {
            "name": "钱护理",
            "id_number": factories.id_number(date(1988, 8, 8)),
            "kind": "caregiver",
            "caregiver_level": "5",
            "region_code": world.village_a,
            "skills": [meal.pk],
        },
    )
    assert response.status_code == 302
    member = StaffMember.objects.get(name="钱护理")
    assert list(member.skills.all()) == [meal]


def test_facility_export_is_audited(world: World, listed: Facility) -> None:
    response = client_for(world, "auditor").get("/providers/facilities/export/?kind=day_care")
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[1][0] == "多福社区日间照料中心" and rows[1][10] == listed.operator.name
    event = AuditEvent.objects.get(action="export")
    assert event.detail == {"count": 1, "filters": {"kind": "day_care"}}


def test_directory_is_public_and_has_no_personal_data(
    world: World, provider_a: Provider, listed, meal
) -> None:
    cache.clear()
    provider_a.contact_name = "张联系"
    provider_a.legal_representative = "李法人"
    provider_a.save()
    member = staff(provider_a, world.township_a, phone="13912345678")
    page = (
        Client()
        .get(f"/providers/directory/?region={world.township_a}&item={meal.code}")
        .content.decode()
    )
    assert provider_a.name in page and "12.50" in page and listed.name in page
    for secret in ("张联系", "李法人", member.name, member.id_number, "13912345678"):
        assert secret not in page


def test_directory_filters_out_inactive_and_unpriced(
    world: World, provider_a: Provider, listed, meal, bath
) -> None:
    cache.clear()
    suspended = provider(world.county_a, name="暂停的机构", status="suspended")
    ProviderPrice.objects.create(provider=suspended, item=meal, price_fen=1, effective_from=TODAY)
    page = (
        Client()
        .get(f"/providers/directory/?region={world.village_a}&item={meal.code}")
        .content.decode()
    )
    assert "暂停的机构" not in page and provider_a.name in page
    bathing = provider(world.county_a, name="助浴专业机构")
    ProviderPrice.objects.create(provider=bathing, item=bath, price_fen=3_000, effective_from=TODAY)
    page = Client().get(f"/providers/directory/?item={bath.code}").content.decode()
    assert "助浴专业机构" in page and provider_a.name not in page  # provider_a prices no bath


def test_directory_rate_limit(world: World) -> None:
    cache.clear()
    client = Client()
    for _ in range(DIRECTORY_LIMIT):
        assert client.get("/providers/directory/").status_code == 200
    assert client.get("/providers/directory/").status_code == 429
    cache.clear()
