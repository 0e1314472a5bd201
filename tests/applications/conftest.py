"""Applications in the `world`: a resident of village A, the reviewers of each level, the official
calendar for 2024–2026, a clock on the Friday before the National Day week, media in tmp."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.cache import cache

from eldercare.accounts.models import Role, User
from eldercare.applications import services
from eldercare.applications.models import Application
from eldercare.core.holidays import load_holidays
from eldercare.registry.models import Resident
from tests import factories
from tests.applications.builders import BEFORE_NATIONAL_DAY, benefit
from tests.conftest import World


@dataclass
class People:
    world: World
    resident: Resident  # in village A (township A, county A)
    village: User  # village worker of village A: applies
    village_reviewer: User  # a second worker of village A
    township: User  # township A worker
    county: User  # county A admin
    other_village: User  # village worker of village A2 (same township)
    other_township: User  # township worker of another township in county A
    outsider: User  # county B admin

    def submit(self, **overrides: Any) -> Application:
        return services.submit_application(
            actor=self.village, resident=self.resident, data=benefit(**overrides)
        )

    def approve_through(self, application: Application, *reviewers: User) -> Application:
        for reviewer in reviewers:
            application = services.approve_step(actor=reviewer, application=application)
        return application


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def calendar(db: None) -> None:
    load_holidays(actor=None, years=[2024, 2025, 2026])


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(BEFORE_NATIONAL_DAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def people(world: World, calendar: None, clock: Any) -> People:
    return People(
        world=world,
        resident=factories.resident(
            world.village_a, name="王秀英", sex="F", birth=date(1938, 2, 3)
        ),
        village=world.user(Role.VILLAGE_WORKER),
        village_reviewer=factories.user("village_reviewer", Role.VILLAGE_WORKER, world.village_a),
        township=world.user(Role.TOWNSHIP_WORKER),
        county=world.user(Role.COUNTY_ADMIN),
        other_village=factories.user("village_a2", Role.VILLAGE_WORKER, world.village_a2),
        other_township=world.user("township_other"),
        outsider=world.user("county_b_admin"),
    )
