"""/api/v1/fund-*: read with VIEW_FUNDS, write with MANAGE_FUNDS, clear errors, nothing lost."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from eldercare.accounts.models import Role
from eldercare.funds.models import Allocation, Expenditure, Source, Voucher
from tests.conftest import World
from tests.funds.conftest import Books

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"0" * 64


def api(world: World, role: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(world.user(role))
    return client


def source_body(world: World, **extra: Any) -> dict[str, Any]:
    return {
        "region_code": world.county_a,
        "kind": "lottery",
        "year": 2020,
        "name": "区本级福彩公益金",
        "amount_fen": 800_000,
        "received_on": "2020-02-01",
        **extra,
    }


def test_a_manager_enters_a_source_allocation_and_expenditure(world: World) -> None:
    client = api(world, Role.COUNTY_ADMIN)
    created = client.post("/api/v1/fund-sources/", source_body(world), format="json")
    assert created.status_code == 201, created.json()
    source_id = created.json()["id"]
    allocated = client.post(
        f"/api/v1/fund-sources/{source_id}/allocate/",
        {"region_code": world.township_a, "amount_fen": 500_000, "allocated_on": "2020-03-01"},
        format="json",
    )
    assert allocated.status_code == 201, allocated.json()
    assert allocated.json()["use"] == "elderly_care"
    spent = client.post(
        f"/api/v1/fund-allocations/{allocated.json()['id']}/spend/",
        {
            "amount_fen": 20_000,
            "spent_on": "2020-03-05",
            "payee": "朝阳街道养老服务站",
            "purpose": "助餐",
            "voucher_no": "记-3",
        },
        format="json",
    )
    assert spent.status_code == 201, spent.json()
    expenditure_id = spent.json()["id"]
    upload = client.post(
        f"/api/v1/fund-expenditures/{expenditure_id}/vouchers/",
        {"file": SimpleUploadedFile("v.pdf", PDF)},
        format="multipart",
    )
    assert upload.status_code == 201, upload.json()
    download = client.get(
        f"/api/v1/fund-expenditures/{expenditure_id}/vouchers/{upload.json()['id']}/"
    )
    assert download.status_code == 200
    progress = client.get("/api/v1/fund-execution/", {"on": "2020-12-31"}).json()
    assert progress["lottery"] == {
        "retained_fen": 800_000,
        "elderly_care_fen": 500_000,
        "share": "0.6250",
    }
    assert progress["by_kind"]["lottery"]["spent_fen"] == 20_000


def test_reading_needs_view_funds_and_writing_manage_funds(books: Books) -> None:
    world = books.world
    assert api(world, Role.AUDITOR).get("/api/v1/fund-sources/").json()["count"] == 1
    assert api(world, Role.TOWNSHIP_WORKER).get("/api/v1/fund-sources/").json()["count"] == 0
    assert api(world, Role.TOWNSHIP_WORKER).get("/api/v1/fund-allocations/").json()["count"] == 1
    assert api(world, Role.VILLAGE_WORKER).get("/api/v1/fund-sources/").status_code == 403
    refused = api(world, Role.AUDITOR).post(
        "/api/v1/fund-sources/", source_body(world), format="json"
    )
    assert refused.status_code == 403
    other = api(world, "county_b_admin")
    assert other.get(f"/api/v1/fund-sources/{books.source.pk}/").status_code == 404
    assert Source.objects.count() == 1


def test_bad_input_gets_every_problem_and_writes_nothing(world: World) -> None:
    client = api(world, Role.COUNTY_ADMIN)
    response = client.post(
        "/api/v1/fund-sources/",
        source_body(world, amount_fen="100", year=True, kind="x", colour="red"),
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "colour"
    response = client.post(
        "/api/v1/fund-sources/",
        source_body(world, amount_fen="100", year=True, kind="x"),
        format="json",
    )
    assert {e["field"] for e in response.json()["errors"]} == {"amount_fen", "year", "kind"}
    bad_date = client.post(
        "/api/v1/fund-sources/", source_body(world, received_on="2020/02/30"), format="json"
    )
    assert bad_date.json()["errors"][0]["field"] == "received_on"
    assert Source.objects.count() == 0


def test_an_overspend_is_a_conflict_with_the_remainder(books: Books) -> None:
    response = api(books.world, Role.COUNTY_ADMIN).post(
        f"/api/v1/fund-allocations/{books.allocation.pk}/spend/",
        {
            "amount_fen": 400_001,
            "spent_on": "2020-05-01",
            "payee": "x",
            "purpose": "y",
            "voucher_no": "1",
        },
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "over_limit"
    assert "尚余 4,000.00 元" in response.json()["errors"][0]["message"]
    assert Expenditure.objects.count() == 0


def test_corrections_through_the_api(books: Books) -> None:
    client = api(books.world, Role.COUNTY_ADMIN)
    original = books.spend(100_000)
    response = client.post(
        f"/api/v1/fund-expenditures/{original.pk}/correct/",
        {
            "reason": "金额有误",
            "replacement": {
                "amount_fen": 90_000,
                "spent_on": "2020-05-10",
                "payee": "x",
                "purpose": "y",
                "voucher_no": "1",
            },
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["reversal"]["amount_fen"] == -100_000
    assert body["replacement"]["corrects"] == original.pk
    again = client.post(
        f"/api/v1/fund-expenditures/{original.pk}/correct/",
        {"reason": "再次", "replacement": None},
        format="json",
    )
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "already_reversed"
    cancel = client.post(
        f"/api/v1/fund-allocations/{books.allocation.pk}/correct/",
        {"reason": "撤销", "replacement": None},
        format="json",
    )
    assert cancel.status_code == 409
    assert Allocation.objects.count() == 1 and Voucher.objects.count() == 0


def test_lists_filter_by_region_within_the_scope(books: Books) -> None:
    books.allocate(100_000, region_code=books.world.township_a_other)
    client = api(books.world, Role.COUNTY_ADMIN)
    listed = client.get("/api/v1/fund-allocations/", {"region": books.world.township_a_other})
    assert [row["region_code"] for row in listed.json()["results"]] == [
        books.world.township_a_other
    ]
    bad = client.get("/api/v1/fund-allocations/", {"region": "43x"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "region_code"


def test_a_record_filter_that_is_not_a_number_is_a_clear_error(books: Books) -> None:
    client = api(books.world, Role.COUNTY_ADMIN)
    for path, name in (
        ("/api/v1/fund-allocations/", "source"),
        ("/api/v1/fund-expenditures/", "allocation"),
    ):
        response = client.get(path, {name: "abc"})
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == name
    assert client.get("/api/v1/fund-allocations/", {"source": books.source.pk}).json()["count"] == 1


@pytest.mark.parametrize(("region", "status"), [("4311", 200), ("abc", 404), ("431199", 404)])
def test_the_execution_region_is_chosen_like_every_page(
    world: World, region: str, status: int
) -> None:
    """A national user too: a short code is padded, a malformed or unknown one is a 404."""
    response = api(world, Role.SYSTEM_ADMIN).get("/api/v1/fund-execution/", {"region": region})
    assert response.status_code == status
