"""A small town with exactly known residents, credits, assessments and tasks, for exact counts."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict
from django.utils import timezone

from eldercare.dashboards.figures.base import DEFAULT_FIGURES, registered_figures
from eldercare.registry.models import Resident
from eldercare.registry.rules import birth_date_limit
from tests import factories
from tests.conftest import World
from tests.governance.builders import assessed, screened


@pytest.fixture(autouse=True)
def fresh_figure_registry(settings: Any) -> Iterator[None]:
    """The dashboard is tested with its own figures (each app tests the figures it adds).

    settings.DASHBOARD_FIGURES is read once per process; tests that override it re-read it.
    """
    settings.DASHBOARD_FIGURES = DEFAULT_FIGURES
    registered_figures.cache_clear()
    yield
    registered_figures.cache_clear()


def born(age: int, today: date, *, days_before_birthday: int = 0) -> date:
    """Born so as to be `age` today; `days_before_birthday` > 0 turns age + 1 that many days on."""
    if days_before_birthday:
        return birth_date_limit(age + 1, today) + timedelta(days=days_before_birthday)
    return birth_date_limit(age, today)


@dataclass
class Town:
    world: World
    today: date
    residents: dict[str, Resident] = field(default_factory=dict)


@pytest.fixture
def town(world: World) -> Town:
    today = timezone.localdate()
    town = Town(world, today)

    def add(key: str, region: str, age: int, sex: str, **extra: object) -> None:
        birth = extra.pop("birth", None) or born(age, today)
        town.residents[key] = factories.resident(region, name=key, birth=birth, sex=sex, **extra)

    # village_a: the band edges — 60 today, 64 turning 65 tomorrow, 65 today.
    add("六十", world.village_a, 60, "M")
    add("将满六十五", world.village_a, 64, "F", birth=born(64, today, days_before_birthday=1))
    add("六十五", world.village_a, 65, "F")
    add("八十独居", world.village_a, 80, "M", living_arrangement="alone")
    add("百岁低保", world.village_a, 101, "F", economic_status="dibao")
    # village_a2: one on the register, one who died (not counted anywhere).
    add("七十空巢", world.village_a2, 70, "F", living_arrangement="empty_nest")
    add(
        "已故",
        world.village_a2,
        72,
        "M",
        status="deceased",
        status_date=today - timedelta(days=3),
    )
    # The other township of county A.
    add(
        "特困重残",
        world.village_a_other,
        66,
        "M",
        economic_status="destitute",
        disability_type="physical",
        disability_grade=1,
    )
    # County B.
    add("九十", world.village_b, 90, "F")
    screened(town.residents["八十独居"], today - timedelta(days=10))
    assessed(town.residents["八十独居"], today - timedelta(days=5), world.user("assessor"), level=2)
    assessed(town.residents["六十五"], today - timedelta(days=5), world.user("assessor"), level=0)
    return town


def query_of(url: str) -> QueryDict:
    """A drill-down link's query string as the list view receives it."""
    query = QueryDict(mutable=True)
    for key, values in parse_qs(urlsplit(url).query).items():
        query.setlist(key, values)
    return query


def path_of(url: str) -> str:
    return urlsplit(url).path
