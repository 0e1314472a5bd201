"""Indicators vs targets, task progress and subsidy credits: exact values on a small world, equal
to what the governance and entitlements pages show live."""

import calendar
from datetime import timedelta
from decimal import Decimal

import pytest

from eldercare.accounts.models import Role
from eldercare.dashboards.models import RefreshReason
from eldercare.dashboards.services.board import build_board
from eldercare.dashboards.services.refresh import refresh_counts
from eldercare.entitlements import ledger
from eldercare.entitlements.filters import filter_credits
from eldercare.entitlements.models import CreditKind, FundSource
from eldercare.entitlements.queries import visible_credits
from eldercare.governance import queries
from eldercare.governance.indicators.computed import is_computed
from eldercare.governance.indicators.values import indicator_value
from eldercare.governance.models import IndicatorTarget, ManualIndicatorValue, TaskStatus
from eldercare.governance.rules.indicator_catalogue import CATALOGUE, Source
from tests.dashboards.conftest import Town, path_of, query_of
from tests.governance.builders import task_list

pytestmark = pytest.mark.django_db


def panel(board, key):
    (found,) = [p for p in board.panels if p.key == key]
    return found


def column(data, series_name):
    (series,) = [s for s in data.series if s.name == series_name]
    return series.points


def manual_share_code() -> str:
    """A share still entered by hand (apps take codes over as they land, e.g. funds)."""
    return next(
        code
        for code, definition in CATALOGUE.items()
        if definition.source == Source.MANUAL and definition.is_share and not is_computed(code)
    )


def test_registry_indicator_from_the_refresh_equals_the_live_value(town: Town) -> None:
    w = town.world
    manual = manual_share_code()
    IndicatorTarget.objects.create(
        code="special_difficulty_screened_share", region_code="", value=Decimal("0.9"), label="国家"
    )
    IndicatorTarget.objects.create(
        code=manual,
        region_code=w.county_a,
        value=Decimal("0.5"),
        due_on=town.today + timedelta(days=30),
        label="县",
    )
    ManualIndicatorValue.objects.create(
        code=manual,
        region_code=w.county_a,
        as_of=town.today - timedelta(days=1),
        value=Decimal("0.3"),
        evidence="财政局报表",
        entered_by=w.user(Role.COUNTY_ADMIN),
    )
    refresh_counts(reason=RefreshReason.COMMAND, on=town.today)
    board = build_board(w.user(Role.COUNTY_ADMIN), w.county_a)
    data = panel(board, "indicator_targets").data
    assert data.categories == ("特殊困难老年人筛查摸底率", CATALOGUE[manual].name)
    live = indicator_value("special_difficulty_screened_share", w.county_a, town.today)
    assert live is not None and live.value == Decimal("0.25")  # 1 of 4 special-difficulty
    values = column(data, "当前值")
    assert [p.value for p in values] == [0.25, 0.3]
    assert [p.display for p in values] == ["25%", "30%"]
    goals = column(data, "目标")
    assert goals[0].display == "≥90%"
    assert goals[1].display == f"≥50%（{town.today + timedelta(days=30):%Y-%m-%d}）"
    reached = column(data, "目标达成率（%）")
    assert [round(p.value, 1) for p in reached] == [27.8, 60.0]
    gaps = column(data, "差距")
    assert [p.display for p in gaps] == ["差 65%", "差 20%"]
    assert values[0].url == (
        f"/governance/indicators/special_difficulty_screened_share/"
        f"?region={w.county_a}&on={town.today.isoformat()}"
    )


def test_a_target_loaded_after_the_refresh_is_computed_live(town: Town) -> None:
    refresh_counts(reason=RefreshReason.COMMAND, on=town.today)
    IndicatorTarget.objects.create(
        code="very_old_share", region_code="", value=Decimal("0.1"), label="测试"
    )
    board = build_board(town.world.user(Role.SYSTEM_ADMIN), "")
    values = column(panel(board, "indicator_targets").data, "当前值")
    # Not in the refresh: computed live — 80, 101 and 90 of the 8 on the register.
    assert [p.value for p in values] == [0.375]


def test_task_progress_matches_the_governance_counts(town: Town) -> None:
    city_list = task_list("431100")
    first = city_list.tasks.order_by("position").first()
    first.status, first.completed_on, first.percent = TaskStatus.COMPLETED, town.today, 100
    first.save()
    board = build_board(town.world.user(Role.COUNTY_ADMIN), town.world.county_a)
    data = panel(board, "task_progress").data
    assert data.categories == (city_list.title,)
    counts = queries.status_counts(city_list.tasks.all(), town.today)
    by_series = {series.name: series.points[0] for series in data.series}
    assert by_series["已完成"].value == counts["completed"] == 1
    assert by_series["已逾期"].value == counts["overdue"]
    assert sum(p.value for p in by_series.values()) == counts["total"]
    assert path_of(by_series["已完成"].url) == f"/governance/lists/{city_list.pk}/"
    assert by_series["已逾期"].url == "/governance/attention/"
    # Another city's list is not this county's frame.
    task_list("320700")
    again = panel(
        build_board(town.world.user(Role.COUNTY_ADMIN), town.world.county_a), "task_progress"
    )
    assert again.data.categories == (city_list.title,)


def test_subsidy_credits_of_the_month_equal_the_credit_list(town: Town) -> None:
    w = town.world
    admin = w.user(Role.COUNTY_ADMIN)
    fund = ledger.open_fund(
        actor=admin,
        region_code=w.county_a,
        source=FundSource.COUNTY_FINANCE,
        name="县级财政",
        allows_negative=True,
    )
    month = town.today.replace(day=1)
    month_end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    for name, amount, kind in (
        ("六十", 10_000, CreditKind.SERVICE),
        ("六十五", 5_050, CreditKind.SERVICE),
        ("八十独居", 20_000, CreditKind.CARE),
    ):
        ledger.credit_resident(
            actor=admin,
            resident=town.residents[name],
            fund=fund,
            amount_fen=amount,
            month=month,
            items=None,
            expires_on=month_end,
            reference=f"credit:{month:%Y-%m}:{kind}:{town.residents[name].pk}",
            kind=kind,
        )
    refresh_counts(reason=RefreshReason.COMMAND, on=town.today)
    board = build_board(admin, w.township_a)
    data = panel(board, "subsidy_credits").data
    counts, amounts = data.series
    assert [p.value for p in counts.points] == [2, 1]
    assert [p.display for p in amounts.points] == ["150.50", "200.00"]
    assert amounts.plotted is False
    for point in counts.points:
        assert path_of(point.url) == "/entitlements/"
        rows, _ = filter_credits(visible_credits(admin), query_of(point.url), today=town.today)
        assert rows.count() == point.value
    assert counts.points[0].url == (
        f"/entitlements/?region={w.township_a}&month={month:%Y-%m}&kind=service"
    )
