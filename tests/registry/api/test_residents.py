import io
import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
import yaml
from drf_spectacular.validation import validate_schema
from python_calamine import CalamineWorkbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from eldercare.core.models import AuditAction, AuditEvent
from eldercare.registry.models import Resident, ResidentContact, ScreeningRecord
from eldercare.registry.serializers import (
    ResidentDetailSerializer,
    ResidentInputSerializer,
    ResidentSummarySerializer,
)
from eldercare.registry.validation import FIELD_LABELS
from tests import factories
from tests.conftest import World
from tests.registry.api.helpers import client_for, db_state

LIST = "/api/v1/residents/"


@pytest.fixture(autouse=True)
def fixed_today() -> Any:
    with time_machine.travel(datetime(2026, 5, 1, 12, tzinfo=UTC), tick=False):
        yield


def detail_url(resident: Resident, suffix: str = "") -> str:
    return f"/api/v1/residents/{resident.pk}/{suffix}"


def masked(number: str) -> str:
    return f"{number[:6]}********{number[-4:]}"


def new_resident_body(world: World, **changes: Any) -> dict[str, Any]:
    return {
        "name": "赵钱",
        "id_number": factories.id_number(date(1956, 1, 1), sex="M"),
        "region_code": world.village_a,
        "phones": ["13812345678"],
        "living_arrangement": "独居",
        **changes,
    }


def errors(response: Any) -> list[tuple[str, str]]:
    assert response.status_code == 400, response.content
    return [(error["field"], error["code"]) for error in response.json()["errors"]]


# --- list ------------------------------------------------------------------------------------


def test_list_rows_are_masked_and_carry_derived_fields(
    world: World, residents: dict[str, Resident]
) -> None:
    response = client_for(world.user("township_worker")).get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["next"] is None
    first = body["results"][0]
    assert first == {
        "id": residents["a"].pk,
        "name": "张三",
        "sex": "M",
        "birth_date": "1946-05-01",
        "age": 80,
        "region_code": world.village_a,
        "region_name": "多福社区居委会",
        "status": "active",
        "categories": [
            "aged_65",
            "very_old",
            "dibao",
            "economically_difficult",
            "living_alone",
            "special_difficulty",
        ],
        "id_number": masked(residents["a"].id_number),
        "phones": ["138****1111"],
    }
    assert set(first) == set(ResidentSummarySerializer().fields)


def test_list_uses_the_shared_filter(world: World, residents: dict[str, Resident]) -> None:
    client = client_for(world.user("county_admin"))
    names = [r["name"] for r in client.get(LIST, {"ordering": "-birth_date"}).json()["results"]]
    assert names == ["李四", "王五", "张三"]
    response = client.get(LIST, {"category": "very_old", "region": world.township_a})
    assert [r["name"] for r in response.json()["results"]] == ["张三"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"age_min": "old"}, "age_min"),
        ({"category": "rich"}, "category"),
        ({"region": "4311x"}, "region"),
        ({"ordering": "id_number"}, "ordering"),
    ],
)
def test_invalid_filters_are_400_naming_the_parameter(
    world: World, residents: dict[str, Resident], params: dict[str, str], field: str
) -> None:
    response = client_for(world.user("county_admin")).get(LIST, params)
    assert errors(response) == [(field, "filter_invalid")]
    assert f"参数 {field}（" in response.json()["errors"][0]["message"]


def test_pagination(world: World) -> None:
    Resident.objects.bulk_create(
        Resident(
            id_number=f"{index:018d}",
            id_number_reversed=f"{index:018d}"[::-1],
            name=f"人{index}",
            sex="F",
            birth_date=date(1950, 1, 1),
            region_code=world.village_a,
        )
        for index in range(205)
    )
    client = client_for(world.user("village_worker"))
    first = client.get(LIST, {"page_size": 2}).json()
    assert first["count"] == 205
    assert [r["name"] for r in first["results"]] == ["人0", "人1"]
    assert "page=2" in first["next"]
    assert len(client.get(LIST).json()["results"]) == 50
    assert len(client.get(LIST, {"page_size": 1000}).json()["results"]) == 200
    assert client.get(LIST, {"page": 99}).status_code == 404


@pytest.mark.parametrize("size", [1, 30])
def test_list_query_count_does_not_depend_on_the_page_size(
    world: World, django_assert_num_queries: Any, size: int
) -> None:
    for index in range(size):
        factories.resident(
            [world.village_a, world.village_a2][index % 2],
            name=f"人{index}",
            phones=(f"138{index:08d}", f"139{index:08d}"),
        )
    client = client_for(world.user("township_worker"))
    # count, page rows, phones of the page, region names of the page
    with django_assert_num_queries(4):
        response = client.get(LIST, {"page_size": "200", "q": "ren"})
    assert len(response.json()["results"]) == size


def test_list_query_count_with_token_authentication(
    world: World, residents: dict[str, Resident], django_assert_num_queries: Any
) -> None:
    token = Token.objects.create(user=world.user("county_admin"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    # the token and its user, then the four queries of the list
    with django_assert_num_queries(5):
        response = client.get(LIST)
    assert response.status_code == 200
    assert response.json()["count"] == 3


# --- retrieve and unmasking --------------------------------------------------------------------


def test_detail_is_masked_with_contacts_and_latest_screening(
    world: World, residents: dict[str, Resident]
) -> None:
    resident = residents["a"]
    ResidentContact.objects.create(
        resident=resident, name="张小三", relation="child", phone="13911112222", call_order=1
    )
    ScreeningRecord.objects.create(resident=resident, screened_on=date(2025, 3, 1), needs=["bath"])
    latest = ScreeningRecord.objects.create(
        resident=resident, screened_on=date(2026, 4, 1), needs=["meal"], surveyor_name="李网格"
    )
    response = client_for(world.user("village_worker")).get(detail_url(resident))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == set(ResidentDetailSerializer().fields)
    assert body["id_number"] == masked(resident.id_number)
    assert body["phones"] == ["138****1111"]
    assert body["contacts"] == [{"name": "张小三", "relation": "child", "phone": "139****2222"}]
    assert body["latest_screening"] == {
        "id": latest.pk,
        "screened_on": "2026-04-01",
        "surveyor_name": "李网格",
        "needs": ["meal"],
        "health_status": "",
        "care_situation": "",
        "notes": "",
    }
    assert body["economic_status"] == "dibao"
    assert not AuditEvent.objects.exists()


def test_unmasked_detail_for_an_assessor_is_audited(
    world: World, residents: dict[str, Resident]
) -> None:
    resident = residents["a"]
    ResidentContact.objects.create(
        resident=resident, name="张小三", relation="child", phone="13911112222", call_order=1
    )
    client = client_for(world.user("assessor"))
    response = client.get(detail_url(resident), {"unmasked": "1", "purpose": "上门评估"})
    assert response.status_code == 200
    body = response.json()
    assert body["id_number"] == resident.id_number
    assert body["phones"] == ["13800001111"]
    assert body["contacts"] == [{"name": "张小三", "relation": "child", "phone": "13911112222"}]
    event = AuditEvent.objects.get()
    assert event.action == AuditAction.VIEW_UNMASKED
    assert event.actor == world.user("assessor")
    assert event.object_id == str(resident.pk)
    assert event.region_code == world.village_a
    assert event.detail == {"purpose": "上门评估"}


@pytest.mark.parametrize("role", ["auditor", "provider_manager", "no_role"])
def test_unmasking_is_refused_without_the_permission_and_not_audited(
    world: World, residents: dict[str, Resident], role: str
) -> None:
    response = client_for(world.user(role)).get(detail_url(residents["a"]), {"unmasked": "1"})
    assert response.status_code == 403
    assert not AuditEvent.objects.exists()


def test_unmasking_outside_the_scope_is_404_and_not_audited(
    world: World, residents: dict[str, Resident]
) -> None:
    response = client_for(world.user("assessor")).get(detail_url(residents["b"]), {"unmasked": "1"})
    assert response.status_code == 404
    assert not AuditEvent.objects.exists()


# --- create ------------------------------------------------------------------------------------


def test_create(world: World, residents: dict[str, Resident]) -> None:
    body = new_resident_body(world)
    response = client_for(world.user("township_worker")).post(LIST, body, format="json")
    assert response.status_code == 201, response.content
    created = Resident.objects.get(id_number=body["id_number"])
    data = response.json()
    assert data["id"] == created.pk
    assert data["id_number"] == masked(created.id_number)
    assert data["phones"] == ["138****5678"]
    assert data["living_arrangement"] == "alone"
    assert data["age"] == 70
    assert created.region_code == world.village_a
    event = AuditEvent.objects.get()
    assert (event.action, event.object_id) == (AuditAction.CREATE, str(created.pk))


def test_the_input_description_lists_exactly_the_accepted_fields() -> None:
    assert set(ResidentInputSerializer().fields) == set(FIELD_LABELS)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"id_number": "431102195601010010"}, [("id_number", "id_checksum")]),
        ({"id_number": factories.id_number(date(1970, 1, 1))}, [("id_number", "too_young")]),
        ({"name": "", "region_code": ""}, [("name", "required"), ("region_code", "required")]),
        ({"living_arrangement": "独自"}, [("living_arrangement", "choice_unknown")]),
        ({"phones": ["12345"]}, [("phones", "phone_format")]),
        ({"region_code": "431102001000"}, [("region_code", "region_not_village")]),
        ({"region_code": "431103001001"}, [("region_code", "region_unknown")]),
        ({"phone": "13812345678"}, [("phone", "field_unknown")]),
    ],
)
def test_create_validation_errors(
    world: World,
    residents: dict[str, Resident],
    changes: dict[str, Any],
    expected: list[tuple[str, str]],
) -> None:
    before = db_state()
    body = new_resident_body(world, **changes)
    response = client_for(world.user("township_worker")).post(LIST, body, format="json")
    assert errors(response) == expected
    assert all(error["message"] for error in response.json()["errors"])
    assert db_state() == before


def test_create_with_a_registered_id_number(world: World, residents: dict[str, Resident]) -> None:
    before = db_state()
    body = new_resident_body(world, id_number=residents["b"].id_number)
    response = client_for(world.user("township_worker")).post(LIST, body, format="json")
    assert errors(response) == [("id_number", "id_duplicate")]
    # Registered elsewhere: the message does not say where.
    assert world.village_b not in response.json()["errors"][0]["message"]
    assert db_state() == before


@pytest.mark.parametrize("payload", [["not", "an", "object"], "text"])
def test_a_body_that_is_not_an_object(
    world: World, residents: dict[str, Resident], payload: Any
) -> None:
    before = db_state()
    response = client_for(world.user("county_admin")).post(LIST, payload, format="json")
    assert errors(response) == [("", "body_invalid")]
    assert db_state() == before


def test_malformed_json(world: World, residents: dict[str, Resident]) -> None:
    before = db_state()
    response = client_for(world.user("county_admin")).post(
        LIST, b'{"name": ', content_type="application/json"
    )
    assert errors(response) == [("", "body_invalid")]
    assert db_state() == before


# --- partial update, status, contacts, screenings --------------------------------------------


def test_partial_update_with_a_reason(world: World, residents: dict[str, Resident]) -> None:
    resident = residents["a"]
    response = client_for(world.user("village_worker")).patch(
        detail_url(resident),
        {"residence_address": "朝阳街道2号", "economic_status": "低保边缘", "reason": "复核"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["economic_status"] == "marginal"
    resident.refresh_from_db()
    assert (resident.residence_address, resident.economic_status) == ("朝阳街道2号", "marginal")
    event = AuditEvent.objects.get()
    assert event.changes["economic_status"] == ["dibao", "marginal"]
    assert event.detail == {"reason": "复核"}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"status": "deceased"}, [("status", "field_unknown")]),
        ({"economic_status": "富裕"}, [("economic_status", "choice_unknown")]),
        ({"name": ""}, [("name", "name_length")]),
    ],
)
def test_partial_update_errors(
    world: World,
    residents: dict[str, Resident],
    body: dict[str, Any],
    expected: list[tuple[str, str]],
) -> None:
    before = db_state()
    response = client_for(world.user("village_worker")).patch(
        detail_url(residents["a"]), body, format="json"
    )
    assert errors(response) == expected
    assert db_state() == before


def test_status_change(world: World, residents: dict[str, Resident]) -> None:
    resident = residents["a"]
    client = client_for(world.user("township_worker"))
    response = client.post(
        detail_url(resident, "status/"),
        {
            "status": "moved_out",
            "status_date": "2026年4月2日",
            "moved_to": "长沙市",
            "reason": "随子女",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "moved_out"
    assert response.json()["status_date"] == "2026-04-02"
    resident.refresh_from_db()
    assert (resident.status, resident.moved_to) == ("moved_out", "长沙市")
    # Out of the active list, still in status=all.
    assert client.get(LIST).json()["count"] == 1
    assert client.get(LIST, {"status": "all"}).json()["count"] == 2


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"status": "moved_out", "status_date": "2026-04-02"}, [("moved_to", "required")]),
        ({"status": "deceased"}, [("status_date", "required")]),
        ({"status": "deceased", "status_date": "昨天"}, [("status_date", "date_format")]),
        ({"status": "deceased", "status_date": "2026-06-01"}, [("status_date", "date_future")]),
        ({"status": "gone", "status_date": "2026-04-02"}, [("status", "choice_unknown")]),
    ],
)
def test_status_change_errors(
    world: World,
    residents: dict[str, Resident],
    body: dict[str, Any],
    expected: list[tuple[str, str]],
) -> None:
    before = db_state()
    response = client_for(world.user("township_worker")).post(
        detail_url(residents["a"], "status/"), body, format="json"
    )
    assert errors(response) == expected
    assert db_state() == before


def test_replace_contacts(world: World, residents: dict[str, Resident]) -> None:
    resident = residents["a"]
    contacts = [
        {"name": "张小三", "relation": "子女", "phone": "13911112222"},
        {"name": "王邻居", "relation": "neighbour", "phone": "0746-7654321"},
    ]
    response = client_for(world.user("village_worker")).put(
        detail_url(resident, "contacts/"), {"contacts": contacts}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["contacts"] == [
        {"name": "张小三", "relation": "child", "phone": "139****2222"},
        {"name": "王邻居", "relation": "neighbour", "phone": "0746-****321"},
    ]
    assert list(resident.contacts.values_list("name", "call_order")) == [
        ("张小三", 1),
        ("王邻居", 2),
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"contacts": [{"name": "张小三", "relation": "child"}]},
            [("contacts[1]", "contact_incomplete")],
        ),
        ({"contacts": "张小三"}, [("contacts", "body_invalid")]),
        ({"contacts": ["张小三"]}, [("contacts", "body_invalid")]),
        ({}, [("contacts", "body_invalid")]),
    ],
)
def test_replace_contacts_errors(
    world: World,
    residents: dict[str, Resident],
    body: dict[str, Any],
    expected: list[tuple[str, str]],
) -> None:
    before = db_state()
    response = client_for(world.user("village_worker")).put(
        detail_url(residents["a"], "contacts/"), body, format="json"
    )
    assert errors(response) == expected
    assert db_state() == before


def test_record_screening(world: World, residents: dict[str, Resident]) -> None:
    resident = residents["a"]
    response = client_for(world.user("village_worker")).post(
        detail_url(resident, "screenings/"),
        {"needs": ["助餐", "bath"], "health_status": "基本健康", "notes": "腿脚不便"},
        format="json",
    )
    assert response.status_code == 201, response.content
    screening = ScreeningRecord.objects.get()
    assert response.json() == {
        "id": screening.pk,
        "screened_on": "2026-05-01",
        "surveyor_name": "village_worker",
        "needs": ["meal", "bath"],
        "health_status": "basically_healthy",
        "care_situation": "",
        "notes": "腿脚不便",
    }
    detail = client_for(world.user("village_worker")).get(detail_url(resident)).json()
    assert detail["latest_screening"]["id"] == screening.pk


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"needs": ["飞行"]}, [("needs", "choice_unknown")]),
        ({"screened_on": "2026-06-01"}, [("screened_on", "date_future")]),
        ({"surveyor": 1}, [("surveyor", "field_unknown")]),
    ],
)
def test_record_screening_errors(
    world: World,
    residents: dict[str, Resident],
    body: dict[str, Any],
    expected: list[tuple[str, str]],
) -> None:
    before = db_state()
    response = client_for(world.user("village_worker")).post(
        detail_url(residents["a"], "screenings/"), body, format="json"
    )
    assert errors(response) == expected
    assert db_state() == before


# --- export, authentication, schema ------------------------------------------------------------


def test_export_download(world: World, residents: dict[str, Resident]) -> None:
    response = client_for(world.user("auditor")).get(
        "/api/v1/residents/export/", {"region": world.township_a, "sex": "M"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.getvalue()))
    rows = sheet.get_sheet_by_index(0).to_python()
    assert [row[0] for row in rows[1:]] == ["张三"]
    assert rows[1][1] == masked(residents["a"].id_number)
    event = AuditEvent.objects.get()
    assert event.detail == {
        "filters": {"region": world.township_a, "status": "active", "sex": "M"},
        "count": 1,
        "unmasked": False,
    }


def test_export_with_an_invalid_filter_is_400_and_not_audited(
    world: World, residents: dict[str, Resident]
) -> None:
    response = client_for(world.user("auditor")).get("/api/v1/residents/export/", {"age_max": "x"})
    assert errors(response) == [("age_max", "filter_invalid")]
    assert not AuditEvent.objects.exists()


def test_token_authentication(world: World, residents: dict[str, Resident]) -> None:
    token = Token.objects.create(user=world.user("village_worker"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert [r["name"] for r in client.get(LIST).json()["results"]] == ["张三"]
    response = client.patch(detail_url(residents["a"]), {"ethnicity": "瑶族"}, format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION="Token wrong")
    assert client.get(LIST).status_code == 401


def test_session_authentication(world: World, residents: dict[str, Resident]) -> None:
    client = APIClient()
    client.force_login(world.user("village_worker"))
    assert client.get(LIST).json()["count"] == 1


def test_openapi_schema(world: World) -> None:
    client = client_for(world.user("county_admin"))
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    document = yaml.safe_load(response.content)
    validate_schema(document)
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    assert set(paths["/api/v1/residents/"]) == {"get", "post"}
    assert set(paths["/api/v1/residents/{id}/"]) == {"get", "patch"}
    assert set(paths["/api/v1/residents/{id}/status/"]) == {"post"}
    assert set(paths["/api/v1/residents/{id}/contacts/"]) == {"put"}
    assert set(paths["/api/v1/residents/{id}/screenings/"]) == {"post"}
    assert set(paths["/api/v1/residents/export/"]) == {"get"}
    assert set(paths["/api/v1/regions/"]) == {"get"}
    assert set(paths["/api/v1/regions/{code}/"]) == {"get"}
    list_parameters = {p["name"] for p in paths["/api/v1/residents/"]["get"]["parameters"]}
    assert {"q", "region", "category", "age_min", "page", "page_size"} <= list_parameters
    as_json = json.loads(client.get("/api/v1/schema/", {"format": "json"}).content)
    assert as_json["paths"].keys() == paths.keys()


def test_list_count_stops_at_the_cap(
    world: World, residents: dict[str, Resident], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counting every match of a large list on each page costs too much; the count is capped."""
    monkeypatch.setattr("eldercare.core.pagination.COUNT_CAP", 2)
    client = client_for(world.user("county_admin"))
    capped = client.get(LIST, {"page_size": 2}).json()
    assert (capped["count"], capped["count_is_exact"], len(capped["results"])) == (2, False, 2)
    assert capped["next"] is not None
    exact = client.get(LIST, {"region": world.township_a}).json()
    assert (exact["count"], exact["count_is_exact"]) == (2, True)
