"""Figures come from settings.DASHBOARD_FIGURES, one entry per app; an app that registers a
slot's key fills that slot; configuration mistakes are refused loudly."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from eldercare.accounts.models import Role
from eldercare.dashboards.figures.base import (
    DEFAULT_FIGURES,
    LAYOUT,
    open_slots,
    registered_figures,
)
from eldercare.dashboards.models import RefreshReason
from eldercare.dashboards.services.board import build_board
from eldercare.dashboards.services.refresh import refresh_counts
from tests.dashboards.conftest import Town

pytestmark = pytest.mark.django_db


def test_default_figures_in_layout_order_with_three_open_slots() -> None:
    keys = [figure.key for figure in registered_figures()]
    assert keys == [
        "population_pyramid",
        "special_categories",
        "capability_levels",
        "subsidy_credits",
        "indicator_targets",
        "task_progress",
    ]
    assert [slot.key for slot in open_slots()] == ["services_delivered", "alarms", "fund_execution"]
    assert set(keys) | {slot.key for slot in open_slots()} == set(LAYOUT)


def test_one_entry_fills_a_slot_and_its_counts_roll_up(town: Town, settings) -> None:
    settings.DASHBOARD_FIGURES = [*DEFAULT_FIGURES, "tests.dashboards.figures_for_tests.ALARMS"]
    assert [slot.key for slot in open_slots()] == ["services_delivered", "fund_execution"]
    keys = [figure.key for figure in registered_figures()]
    assert keys.index("alarms") == keys.index("capability_levels") + 1
    refresh_counts(reason=RefreshReason.COMMAND, on=town.today)
    board = build_board(town.world.user(Role.COUNTY_ADMIN), town.world.township_a)
    (alarms,) = [panel for panel in board.panels if panel.key == "alarms"]
    assert alarms.data.series[0].points[0].value == 7


@pytest.mark.parametrize(
    ("entry", "message"),
    [("DUPLICATE", "已由其他模块登记"), ("NOT_A_FIGURE", "不是看板图表")],
)
def test_configuration_mistakes_are_refused(settings, entry: str, message: str) -> None:
    settings.DASHBOARD_FIGURES = [f"tests.dashboards.figures_for_tests.{entry}"]
    with pytest.raises(ImproperlyConfigured, match=message):
        registered_figures()


def test_a_missing_module_is_refused(settings) -> None:
    settings.DASHBOARD_FIGURES = ["eldercare.nowhere.dashboard.FIGURES"]
    with pytest.raises(ImportError):
        registered_figures()
