"""Right after a refresh the dashboard's counts equal the live counts: every bar, for every region
from a village up to the whole country, equals the length of the list its drill-down opens."""

from datetime import timedelta

import pytest

from eldercare.accounts.models import Role
from eldercare.dashboards.models import Refresh, RefreshReason, RefreshStatus, RegionCounts
from eldercare.dashboards.services.board import build_board
from eldercare.dashboards.services.refresh import latest_refresh, refresh_counts
from eldercare.registry.filters import filter_residents
from eldercare.registry.models import Resident
from tests.dashboards.conftest import Town, path_of, query_of

pytestmark = pytest.mark.django_db

CITY = "431100000000"


def panel(board, key):
    (found,) = [p for p in board.panels if p.key == key]
    return found


def values(board, key, series=0):
    return [point.value for point in panel(board, key).data.series[series].points]


def test_pyramid_of_a_village_is_exact(town: Town) -> None:
    refresh_counts(reason=RefreshReason.COMMAND, on=town.today)
    board = build_board(town.world.user(Role.SYSTEM_ADMIN), town.world.village_a)
    data = panel(board, "population_pyramid").data
    assert data.categories[0] == "60–64岁" and data.categories[-1] == "100岁及以上"
    men, women = data.series
    assert (men.name, women.name) == ("男", "女")
    # 60 today and 64 turning 65 tomorrow are 60–64; 65 today is 65–69; 101 is 100+.
    assert [p.value for p in men.points] == [1, 0, 0, 0, 1, 0, 0, 0, 0]
    assert [p.value for p in women.points] == [1, 1, 0, 0, 0, 0, 0, 0, 1]
    assert men.points[0].url == (
        "/registry/residents/?region=431102001001&sex=M&age_min=60&age_max=64"
    )
    assert women.points[-1].url == "/registry/residents/?region=431102001001&sex=F&age_min=100"


def test_every_registry_point_equals_its_drill_down_list(town: Town) -> None:
    refresh_counts(reason=RefreshReason.COMMAND, on=town.today)
    admin = town.world.user(Role.SYSTEM_ADMIN)
    w = town.world
    regions = ["", CITY, w.county_a, w.township_a, w.village_a, w.village_a2, w.county_b]
    checked = 0
    for region in regions:
        board = build_board(admin, region)
        for key in ("population_pyramid", "special_categories"):
            for series in panel(board, key).data.series:
                for point in series.points:
                    assert path_of(point.url) == "/registry/residents/"
                    rows, _ = filter_residents(
                        Resident.objects.all(), query_of(point.url), today=town.today
                    )
                    assert point.value == rows.count(), (region, key, point.url)
                    checked += 1
    assert checked == len(regions) * (18 + 13)


def test_categories_and_total_roll_up_by_code_prefix(town: Town) -> None:
    refresh_counts(reason=RefreshReason.COMMAND, on=town.today)
    admin = town.world.user(Role.SYSTEM_ADMIN)
    county = build_board(admin, town.world.county_a)
    data = panel(county, "special_categories").data
    by_label = dict(zip(data.categories, (p.value for p in data.series[0].points), strict=True))
    # County A: 8 registered minus the deceased one = 7.
    assert "在册老年人共 7 人" in data.note
    assert by_label["高龄（80岁及以上）"] == 2  # 80 and 101
    assert by_label["特殊困难老年人"] == 4  # 80 alone, 101 dibao, 70 empty nest, 66 destitute
    assert by_label["独居"] == 1 and by_label["空巢"] == 1
    whole = build_board(admin, "")
    assert "在册老年人共 8 人" in panel(whole, "special_categories").data.note


def test_capability_levels_match_the_statistics(town: Town) -> None:
    refresh_counts(reason=RefreshReason.COMMAND, on=town.today)
    board = build_board(town.world.user(Role.COUNTY_ADMIN), town.world.county_a)
    data = panel(board, "capability_levels").data
    assert data.categories == ("MZ/T 039-2013", "GB/T 42195-2022")
    # Series are levels; point 0 is MZ/T 039, point 1 GB/T 42195 (which has a fifth level).
    levels = [[p.value for p in series.points] for series in data.series]
    assert levels == [[1, 0], [0, 0], [1, 0], [0, 0], [None, 0]]
    assert "已有有效评估 2 人（28.6%）" in data.note
    assert data.series[0].points[0].url == "/assessment/statistics/?region=431102000000"


def test_a_region_nobody_lives_in_shows_zeros(town: Town) -> None:
    from tests import factories

    factories.region("431102001003", "空村")
    refresh_counts(reason=RefreshReason.COMMAND, on=town.today)
    board = build_board(town.world.user(Role.COUNTY_ADMIN), "431102001003")
    assert panel(board, "population_pyramid").data.is_empty
    assert set(values(board, "special_categories")) == {0}


def test_counts_are_of_the_refresh_day_until_the_next_refresh(town: Town) -> None:
    first = refresh_counts(reason=RefreshReason.COMMAND, on=town.today)
    Resident.objects.filter(name="九十").update(status="moved_out", status_date=town.today)
    admin = town.world.user(Role.SYSTEM_ADMIN)
    assert "共 8 人" in panel(build_board(admin, ""), "special_categories").data.note
    second = refresh_counts(reason=RefreshReason.COMMAND, on=town.today)
    assert "共 7 人" in panel(build_board(admin, ""), "special_categories").data.note
    # The older refresh and its counts are gone; one set of counts is kept.
    assert not Refresh.objects.filter(pk=first.pk).exists()
    assert latest_refresh() == second
    assert RegionCounts.objects.filter(refresh=first).count() == 0


def test_rows_are_stored_for_every_region_above_a_village(town: Town) -> None:
    refresh = refresh_counts(reason=RefreshReason.COMMAND, on=town.today)
    codes = set(RegionCounts.objects.filter(refresh=refresh).values_list("region_code", flat=True))
    w = town.world
    assert {
        "",
        "430000000000",
        CITY,
        w.county_a,
        w.township_a,
        w.village_a,
        w.village_a2,
        w.township_a_other,
        w.village_a_other,
        w.county_b,
        w.township_b,
        w.village_b,
    } == codes
    assert refresh.status == RefreshStatus.DONE and refresh.regions == len(codes)
    assert refresh.as_of == town.today


def test_ages_move_on_with_the_refresh_day(town: Town) -> None:
    """The day after, the one turning 65 tomorrow has moved up a band."""
    tomorrow = town.today + timedelta(days=1)
    refresh_counts(reason=RefreshReason.COMMAND, on=tomorrow)
    board = build_board(town.world.user(Role.SYSTEM_ADMIN), town.world.village_a)
    women = panel(board, "population_pyramid").data.series[1]
    assert [p.value for p in women.points][:2] == [0, 2]
