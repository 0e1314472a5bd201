"""The dashboard page and its JSON API: access by role and scope, the region picker, the "as of"
time, tables for every figure, slots for apps not yet connected, drill-down links."""

import pytest
from django.test import Client

from eldercare.accounts.models import Role
from eldercare.dashboards.models import RefreshReason
from eldercare.dashboards.services.refresh import refresh_counts
from tests.dashboards.conftest import Town

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.SYSTEM_ADMIN, 200),
        (Role.CITY_ADMIN, 200),
        (Role.COUNTY_ADMIN, 200),
        (Role.TOWNSHIP_WORKER, 200),
        (Role.AUDITOR, 200),
        (Role.VILLAGE_WORKER, 403),
        (Role.ASSESSOR, 403),
        (Role.PROVIDER_MANAGER, 403),
        (Role.CAREGIVER, 403),
        (Role.CALL_OPERATOR, 403),
    ],
)
def test_who_may_see_the_dashboard(town: Town, role: str, status: int) -> None:
    client = client_for(town.world.user(role))
    assert client.get("/dashboard/").status_code == status
    assert client.get("/api/v1/dashboard/").status_code == status


def test_anonymous_is_sent_to_log_in(town: Town) -> None:
    response = Client().get("/dashboard/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Client().get("/api/v1/dashboard/").status_code in (401, 403)


@pytest.mark.parametrize("region", ["431103000000", "431100000000", "", "4311", "abc", "99"])
def test_a_region_outside_the_scope_is_404(town: Town, region: str) -> None:
    client = client_for(town.world.user(Role.COUNTY_ADMIN))
    if region == "":
        # Empty means "my own region".
        assert client.get("/dashboard/?region=").status_code == 200
        return
    assert client.get(f"/dashboard/?region={region}").status_code == 404
    assert client.get(f"/api/v1/dashboard/?region={region}").status_code == 404


def test_page_shows_as_of_tables_slots_and_links(town: Town) -> None:
    refresh = refresh_counts(reason=RefreshReason.COMMAND, on=town.today)
    client = client_for(town.world.user(Role.COUNTY_ADMIN))
    page = client.get("/dashboard/").content.decode()
    assert "零陵区 · 领导驾驶舱" in page
    assert f"统计截至 {refresh.as_of:%Y-%m-%d}" in page
    # Every figure has its table; the pyramid's first row links to the filtered list.
    assert 'data-testid="table-population_pyramid"' in page
    assert (
        'href="/registry/residents/?region=431102000000&amp;sex=M&amp;age_min=60&amp;age_max=64"'
        in page
    )
    # The region picker offers the county's townships.
    assert '<option value="431102001000">朝阳街道</option>' in page
    assert '<option value="431102101000">水口山镇</option>' in page
    # Slots for the apps that have not registered their figures.
    for title in ("服务开展情况", "紧急呼叫与告警", "资金执行进度"):
        assert title in page
    assert "echarts.min.js" in page and 'id="dashboard-data"' in page


def test_page_before_any_refresh_says_so(town: Town) -> None:
    page = client_for(town.world.user(Role.CITY_ADMIN)).get("/dashboard/").content.decode()
    assert "尚未生成统计数据" in page
    # Live figures are there all the same.
    assert "任务清单推进情况" in page


def test_api_returns_the_same_figures(town: Town) -> None:
    refresh_counts(reason=RefreshReason.COMMAND, on=town.today)
    client = client_for(town.world.user(Role.AUDITOR))
    data = client.get("/api/v1/dashboard/?region=431102001001").json()
    assert data["region"] == "431102001001" and data["region_name"] == "多福社区居委会"
    assert data["as_of"] == town.today.isoformat()
    figures = {figure["key"]: figure for figure in data["figures"]}
    pyramid = figures["population_pyramid"]
    assert pyramid["kind"] == "pyramid" and pyramid["live"] is False
    men = pyramid["data"]["series"][0]
    assert [p["value"] for p in men["points"]] == [1, 0, 0, 0, 1, 0, 0, 0, 0]
    assert men["points"][0]["url"].startswith("/registry/residents/?region=431102001001&sex=M")
    assert figures["task_progress"]["live"] is True
    assert figures["alarms"]["kind"] is None and figures["alarms"]["data"] is None
    assert "紧急呼叫" in figures["alarms"]["message"]


def test_township_worker_sees_own_township_and_moves_down(town: Town) -> None:
    refresh_counts(reason=RefreshReason.COMMAND, on=town.today)
    client = client_for(town.world.user(Role.TOWNSHIP_WORKER))
    data = client.get("/api/v1/dashboard/").json()
    assert data["region"] == town.world.township_a
    assert [c["code"] for c in data["children"]] == [town.world.village_a, town.world.village_a2]
    assert client.get(f"/dashboard/?region={town.world.village_a2}").status_code == 200
    assert client.get(f"/dashboard/?region={town.world.county_a}").status_code == 404


def test_refresh_request_queues_a_recount(town: Town, django_capture_on_commit_callbacks) -> None:
    from django_q.models import OrmQ

    client = client_for(town.world.user(Role.COUNTY_ADMIN))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/dashboard/refresh/", {"region": town.world.township_a})
    assert response.status_code == 302
    assert response["Location"] == f"/dashboard/?region={town.world.township_a}"
    assert OrmQ.objects.count() == 1
    assert client.get("/dashboard/refresh/").status_code == 405
    outsider = client_for(town.world.user(Role.VILLAGE_WORKER))
    assert outsider.post("/dashboard/refresh/").status_code == 403
    assert OrmQ.objects.count() == 1
