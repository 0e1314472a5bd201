"""The fund pages: who sees what, entering and correcting through forms, vouchers, the chart and
the Excel ledger."""

from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from python_calamine import CalamineWorkbook

from eldercare.accounts.models import Role
from eldercare.core.models import AuditEvent
from eldercare.funds import services
from eldercare.funds.models import Allocation, Expenditure, Source, Voucher
from tests.conftest import World
from tests.funds.conftest import Books

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def client_for(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.user(role))
    return client


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.COUNTY_ADMIN, 200),
        (Role.TOWNSHIP_WORKER, 200),
        (Role.AUDITOR, 200),
        (Role.VILLAGE_WORKER, 403),
        (Role.CAREGIVER, 403),
        (Role.ASSESSOR, 403),
    ],
)
def test_the_execution_page_is_for_view_funds(books: Books, role: str, status: int) -> None:
    response = client_for(books.world, role).get("/funds/")
    assert response.status_code == status


def test_the_execution_page_shows_totals_chart_data_and_sub_regions(books: Books) -> None:
    books.spend(100_000, spent_on=date(2020, 5, 10))
    client = client_for(books.world, Role.COUNTY_ADMIN)
    response = client.get("/funds/", {"on": "2020-06-30", "kind": "central"})
    html = response.content.decode()
    assert "¥10,000.00" in html and "¥1,000.00" in html and "10.00%" in html
    assert 'id="funds-chart-data"' in html and "2020-06" in html
    assert "vendor/echarts-5.6.0/dist/echarts.min.js" in html
    assert "朝阳街道" in html
    township = client.get("/funds/", {"region": books.world.township_a, "on": "2020-06-30"})
    assert "25.00%" in township.content.decode()
    assert client.get("/funds/", {"region": books.world.county_b}).status_code == 404


def test_a_township_worker_sees_its_allocations_but_cannot_enter(books: Books) -> None:
    client = client_for(books.world, Role.TOWNSHIP_WORKER)
    page = client.get(f"/funds/allocations/{books.allocation.pk}/")
    assert page.status_code == 200 and b"spend-form" not in page.content
    assert client.get(f"/funds/sources/{books.source.pk}/").status_code == 404
    response = client.post(
        f"/funds/allocations/{books.allocation.pk}/spend/",
        {
            "amount_yuan": "10",
            "spent_on": "2020-05-01",
            "payee": "x",
            "purpose": "y",
            "voucher_no": "1",
        },
    )
    assert response.status_code == 403
    assert Expenditure.objects.count() == 0


def test_entering_a_source_an_allocation_and_an_expenditure_with_a_voucher(world: World) -> None:
    client = client_for(world, Role.COUNTY_ADMIN)
    response = client.post(
        "/funds/sources/",
        {
            "region_code": world.county_a,
            "kind": "local_match",
            "year": "2020",
            "name": "区级配套资金",
            "amount_yuan": "50,000",
            "received_on": "2020-03-01",
        },
    )
    source = Source.objects.get()
    assert response.status_code == 302 and source.amount_fen == 5_000_000
    response = client.post(
        f"/funds/sources/{source.pk}/allocate/",
        {
            "region_code": world.township_a,
            "use": "elderly_care",
            "amount_yuan": "20000",
            "allocated_on": "2020-04-01",
        },
    )
    allocation = Allocation.objects.get()
    assert response.status_code == 302 and allocation.amount_fen == 2_000_000
    response = client.post(
        f"/funds/allocations/{allocation.pk}/spend/",
        {
            "amount_yuan": "1234.50",
            "spent_on": "2020-05-01",
            "payee": "朝阳街道养老服务站",
            "purpose": "助餐补贴",
            "voucher_no": "记-17",
            "vouchers": [SimpleUploadedFile("凭证.png", PNG, content_type="image/png")],
        },
    )
    expenditure = Expenditure.objects.get()
    assert expenditure.amount_fen == 123_450
    voucher = Voucher.objects.get()
    assert voucher.original_name == "凭证.png" and voucher.expenditure == expenditure

    download = client.get(f"/funds/vouchers/{voucher.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert AuditEvent.objects.filter(action="export", object_type="funds.voucher").count() == 1
    assert (
        client_for(world, "county_b_admin").get(f"/funds/vouchers/{voucher.pk}/").status_code == 404
    )


def test_a_voucher_of_the_wrong_type_is_refused_and_nothing_is_entered(books: Books) -> None:
    client = client_for(books.world, Role.COUNTY_ADMIN)
    response = client.post(
        f"/funds/allocations/{books.allocation.pk}/spend/",
        {
            "amount_yuan": "10",
            "spent_on": "2020-05-01",
            "payee": "x",
            "purpose": "y",
            "voucher_no": "1",
            "vouchers": [SimpleUploadedFile("scan.png", b"GIF89a....", content_type="image/png")],
        },
        follow=True,
    )
    assert "文件内容不是 PNG 格式" in response.content.decode()
    assert Expenditure.objects.count() == 0 and Voucher.objects.count() == 0


def test_an_overspend_through_the_form_shows_the_remainder(books: Books) -> None:
    response = client_for(books.world, Role.COUNTY_ADMIN).post(
        f"/funds/allocations/{books.allocation.pk}/spend/",
        {
            "amount_yuan": "4000.01",
            "spent_on": "2020-05-01",
            "payee": "x",
            "purpose": "y",
            "voucher_no": "1",
        },
        follow=True,
    )
    assert "尚余 4,000.00 元，本次需要 4,000.01 元" in response.content.decode()
    assert Expenditure.objects.count() == 0


def test_correcting_an_expenditure_through_the_page(books: Books) -> None:
    original = books.spend(150_000)
    client = client_for(books.world, Role.COUNTY_ADMIN)
    response = client.post(
        f"/funds/expenditures/{original.pk}/correct/",
        {
            "reason": "金额录错",
            "replace": "on",
            "new-amount_yuan": "1200",
            "new-spent_on": "2020-05-10",
            "new-payee": "零陵区康乐养老服务中心",
            "new-purpose": "设备采购",
            "new-voucher_no": "记-0001",
        },
    )
    replacement = Expenditure.objects.get(corrects=original)
    assert response.status_code == 302 and response["Location"].endswith(f"/{replacement.pk}/")
    assert replacement.amount_fen == 120_000
    assert Expenditure.objects.get(reverses=original).amount_fen == -150_000
    page = client.get(f"/funds/expenditures/{original.pk}/").content.decode()
    assert "已冲销" in page


def test_the_ledger_export_is_audited_and_lists_reversals(books: Books) -> None:
    original = books.spend(150_000)
    services.correct_expenditure(
        actor=books.admin, expenditure=original, reason="重复录入", replacement=None
    )
    response = client_for(books.world, Role.AUDITOR).get("/funds/ledger.xlsx")
    assert response.status_code == 200
    workbook = CalamineWorkbook.from_filelike(BytesIO(response.content))
    assert workbook.sheet_names == ["资金来源", "资金下达", "支出明细"]
    rows = workbook.get_sheet_by_name("支出明细").to_python()[1:]
    assert [(row[8], row[10]) for row in rows] == [
        (1500, "已冲销"),
        (-1500, f"冲销（原编号 {original.pk}）"),
    ]
    event = AuditEvent.objects.get(action="export", object_type="funds.ledger")
    assert event.detail["count"] == 4
    source_export = client_for(books.world, Role.AUDITOR).get(
        "/funds/ledger.xlsx", {"source": books.source.pk}
    )
    assert source_export.status_code == 200
    assert (
        client_for(books.world, "county_b_admin")
        .get("/funds/ledger.xlsx", {"source": books.source.pk})
        .status_code
        == 404
    )


def test_the_source_page_shows_its_execution(books: Books) -> None:
    books.spend(100_000)
    page = client_for(books.world, Role.COUNTY_ADMIN).get(f"/funds/sources/{books.source.pk}/")
    html = page.content.decode()
    assert "¥1,000.00（执行进度 10.00%）" in html
    assert 'data-testid="allocation-form"' in html and 'data-testid="correct"' in html
    auditor = client_for(books.world, Role.AUDITOR).get(f"/funds/sources/{books.source.pk}/")
    assert b"allocation-form" not in auditor.content
    listed = client_for(books.world, Role.AUDITOR).get("/funds/sources/").content.decode()
    assert "¥10,000.00" in listed and "¥4,000.00" in listed and "¥1,000.00" in listed


def test_the_openapi_schema_lists_the_fund_endpoints(world: World) -> None:
    response = client_for(world, Role.COUNTY_ADMIN).get("/api/v1/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    for path in (
        "/api/v1/fund-sources/{id}/allocate/",
        "/api/v1/fund-allocations/{id}/spend/",
        "/api/v1/fund-expenditures/{id}/correct/",
        "/api/v1/fund-execution/",
    ):
        assert path in text


@pytest.mark.parametrize(("region", "status"), [("4311", 200), ("abc", 404), ("431102", 200)])
def test_a_national_users_region_is_padded_or_refused(
    world: World, region: str, status: int
) -> None:
    client = client_for(world, Role.SYSTEM_ADMIN)
    assert client.get("/funds/", {"region": region}).status_code == status
    assert client.get("/funds/ledger.xlsx", {"region": region}).status_code == status


def test_cancelling_an_allocation_and_a_source_through_their_pages(books: Books) -> None:
    client = client_for(books.world, Role.COUNTY_ADMIN)
    blank = client.post(f"/funds/allocations/{books.allocation.pk}/correct/", {}, follow=True)
    shown = [str(message) for message in blank.context["messages"]]
    assert shown == ["更正原因：该字段是必填项。"]  # not the corrected values' fields too
    assert not Allocation.objects.filter(reverses=books.allocation).exists()
    cancelled = client.post(
        f"/funds/allocations/{books.allocation.pk}/correct/", {"reason": "重复录入"}
    )
    assert cancelled["Location"].endswith(f"/allocations/{books.allocation.pk}/")
    assert Allocation.objects.get(reverses=books.allocation).amount_fen == -400_000
    wrong = client.post(
        f"/funds/sources/{books.source.pk}/correct/", {"reason": "金额录错", "replace": "on"}
    )
    assert wrong["Location"].endswith(f"/sources/{books.source.pk}/")
    assert not Source.objects.filter(reverses=books.source).exists()
    client.post(f"/funds/sources/{books.source.pk}/correct/", {"reason": "作废"})
    assert Source.objects.get(reverses=books.source).amount_fen == -1_000_000
