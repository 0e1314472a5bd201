"""Pages: the flows an officer uses, and the page half of the scope matrix."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from eldercare.accounts.models import Role
from eldercare.core.models import AuditEvent
from eldercare.registry.models import Resident, ResidentContact, ScreeningRecord
from tests import factories


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def people(world):
    return {
        "mine": factories.resident(
            world.village_a, name="张三", phones=("13812345678",), living_arrangement="alone"
        ),
        "other_township": factories.resident(world.village_a_other, name="张四"),
        "other_county": factories.resident(world.village_b, name="张五"),
    }


def snapshot() -> list[tuple]:
    return list(
        Resident.objects.order_by("pk").values_list("pk", "name", "status", "living_arrangement")
    )


OBJECT_ROUTES = [
    ("get", "registry:detail", {}),
    ("get", "registry:edit", {}),
    (
        "post",
        "registry:edit",
        {
            "name": "改名",
            "id_number": "11010519491231002X",
            "region_code": "431102001001",
            "residence_type": "local",
            "family_planning_status": "none",
        },
    ),
    ("post", "registry:reveal", {}),
    ("post", "registry:status", {"status": "deceased", "status_date": "2026-01-01"}),
    ("get", "registry:contacts", {}),
    ("post", "registry:screening", {"screened_on": "2026-01-01", "needs": ["meal"]}),
]


@pytest.mark.parametrize(("method", "route", "data"), OBJECT_ROUTES)
@pytest.mark.parametrize("target", ["other_township", "other_county"])
def test_a_township_worker_cannot_reach_residents_elsewhere(
    world, people, method, route, data, target
) -> None:
    client = client_for(world.user(Role.TOWNSHIP_WORKER))
    before, audits = snapshot(), AuditEvent.objects.count()
    response = getattr(client, method)(reverse(route, args=[people[target].pk]), data)
    assert response.status_code == 404
    assert snapshot() == before
    assert AuditEvent.objects.count() == audits
    assert ScreeningRecord.objects.count() == 0


@pytest.mark.parametrize("query", ["张", "zs", "zhang", "1234"])
def test_list_and_search_never_show_other_regions(world, people, query) -> None:
    response = client_for(world.user(Role.TOWNSHIP_WORKER)).get(
        reverse("registry:list"), {"q": query}
    )
    content = response.content.decode()
    assert "张四" not in content and "张五" not in content


def test_search_by_initials_pinyin_and_phone(world, people) -> None:
    client = client_for(world.user(Role.COUNTY_ADMIN))
    for query in ("zs", "zhangs", "138123", people["mine"].id_number[-4:]):
        content = client.get(reverse("registry:list"), {"q": query}).content.decode()
        assert "张三" in content, query
        assert "张五" not in content


def test_export_is_scoped_masked_for_auditor_and_audited(world, people, tmp_path) -> None:
    response = client_for(world.user(Role.AUDITOR)).get(reverse("registry:export"), {"q": "张"})
    assert response.status_code == 200
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    names = {row[0] for row in rows[1:]}
    assert names == {"张三", "张四"}
    assert all("*" in row[1] for row in rows[1:])
    event = AuditEvent.objects.get(action="export")
    assert event.detail["count"] == 2 and event.detail["unmasked"] is False


@pytest.mark.parametrize("role", [Role.PROVIDER_MANAGER, Role.CAREGIVER])
@pytest.mark.parametrize(
    "route", ["registry:dashboard", "registry:list", "registry:export", "registry:import"]
)
def test_roles_without_registry_access_get_403(world, role, route) -> None:
    assert client_for(world.user(role)).get(reverse(route)).status_code == 403


def test_auditor_and_village_worker_cannot_import(world) -> None:
    for role in (Role.AUDITOR, Role.VILLAGE_WORKER, Role.ASSESSOR):
        assert client_for(world.user(role)).get(reverse("registry:import")).status_code == 403


def test_dashboard_counts_the_scope_by_category_and_sub_region(world, people) -> None:
    factories.resident(world.village_a2, name="王六", birth=date(1940, 1, 1))
    response = client_for(world.user(Role.COUNTY_ADMIN)).get(reverse("registry:dashboard"))
    assert response.context["total"] == 3
    counts = {item.category.value: item.count for item in response.context["by_category"]}
    assert counts["living_alone"] == 1 and counts["very_old"] == 1
    by_region = {row.name: row.total for row in response.context["by_region"]}
    assert by_region == {"朝阳街道": 2, "水口山镇": 1}


def test_detail_masks_until_revealed_and_reveal_is_audited(world, people) -> None:
    resident = people["mine"]
    client = client_for(world.user(Role.TOWNSHIP_WORKER))
    page = client.get(reverse("registry:detail", args=[resident.pk])).content.decode()
    assert resident.id_number not in page and "13812345678" not in page
    revealed = client.post(reverse("registry:reveal", args=[resident.pk])).content.decode()
    assert resident.id_number in revealed and "13812345678" in revealed
    assert (
        AuditEvent.objects.filter(action="view_unmasked", object_id=str(resident.pk)).count() == 1
    )


def test_auditor_cannot_reveal(world, people) -> None:
    response = client_for(world.user(Role.AUDITOR)).post(
        reverse("registry:reveal", args=[people["mine"].pk])
    )
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="view_unmasked").exists()


def test_create_with_a_bad_id_shows_the_reason_and_saves_nothing(world) -> None:
    data = {
        "name": "李四",
        "id_number": "110105194912310021",
        "region_code": world.village_a,
        "residence_type": "local",
        "family_planning_status": "none",
    }
    response = client_for(world.user(Role.TOWNSHIP_WORKER)).post(reverse("registry:create"), data)
    assert response.status_code == 200
    assert "校验码错误：应为X" in response.content.decode()
    assert Resident.objects.count() == 0


def test_create_then_edit_keeps_history(world) -> None:
    client = client_for(world.user(Role.TOWNSHIP_WORKER))
    data = {
        "name": "李四",
        "id_number": "11010519491231002X",
        "region_code": world.village_a,
        "residence_type": "local",
        "family_planning_status": "none",
        "phones": "13900001111",
    }
    response = client.post(reverse("registry:create"), data)
    resident = Resident.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "registry:detail", args=[resident.pk]
    )
    client.post(
        reverse("registry:edit", args=[resident.pk]),
        {**data, "living_arrangement": "empty_nest", "reason": "子女外出务工"},
    )
    resident.refresh_from_db()
    assert resident.living_arrangement == "empty_nest"
    page = client.get(reverse("registry:detail", args=[resident.pk])).content.decode()
    assert "子女外出务工" in page


def test_status_contacts_and_screening_from_the_detail_page(world, people) -> None:
    resident = people["mine"]
    client = client_for(world.user(Role.VILLAGE_WORKER))
    client.post(
        reverse("registry:screening", args=[resident.pk]),
        {"screened_on": "2026-01-05", "needs": ["meal", "medical"], "health_status": "healthy"},
    )
    assert ScreeningRecord.objects.get().needs == ["meal", "medical"]
    client.post(
        reverse("registry:contacts", args=[resident.pk]),
        {
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "0",
            "form-0-name": "张小明",
            "form-0-relation": "child",
            "form-0-phone": "13900001111",
            "form-1-name": "",
            "form-1-relation": "",
            "form-1-phone": "",
        },
    )
    assert list(ResidentContact.objects.values_list("name", "call_order")) == [("张小明", 1)]
    client.post(
        reverse("registry:status", args=[resident.pk]),
        {"status": "deceased", "status_date": "2026-02-01", "reason": "家属告知"},
    )
    resident.refresh_from_db()
    assert (resident.status, resident.status_date) == ("deceased", date(2026, 2, 1))


def test_list_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries) -> None:
    for index in range(30):
        factories.resident(world.village_a, name=f"王{index}", phones=("13812345678",))
    client = client_for(world.user(Role.COUNTY_ADMIN))
    with django_assert_max_num_queries(8):
        assert client.get(reverse("registry:list")).status_code == 200


def test_invalid_filter_is_explained_not_a_crash(world) -> None:
    response = client_for(world.user(Role.COUNTY_ADMIN)).get(
        reverse("registry:list"), {"age_min": "abc"}
    )
    assert response.status_code == 200
    assert "age_min" in response.content.decode()
