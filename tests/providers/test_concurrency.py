"""Races between real database connections (one per thread): a provider blacklisted twice at the
same moment is blacklisted once, with one BlacklistEntry; a credit code registered twice at once
is one provider."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from eldercare.providers import services
from eldercare.providers.errors import ProviderDataError, ProviderStateError
from eldercare.providers.models import BlacklistEntry, Provider
from tests.concurrency import race
from tests.conftest import World
from tests.providers.builders import credit_code, provider

pytestmark = pytest.mark.django_db(transaction=True)


def test_blacklisted_once(world: World) -> None:
    target = provider(world.county_a)
    admins = [world.user("county_admin"), world.user("city_admin")]

    def blacklist(actor: Any) -> Callable[[], Any]:
        return lambda: services.blacklist_provider(
            actor=actor, provider=target, reason="欺诈", decided_on=date.today(), authority="民政局"
        )

    results = race(*(blacklist(admin) for admin in admins))
    assert sorted(type(r).__name__ for r in results) == ["Provider", "ProviderStateError"]
    assert BlacklistEntry.objects.count() == 1
    assert isinstance(next(r for r in results if not isinstance(r, Provider)), ProviderStateError)


def test_credit_code_registered_once(world: World) -> None:
    code = credit_code()
    data = {"name": "颐养", "kind": "enterprise", "credit_code": code}

    def register(actor: Any) -> Callable[[], Any]:
        return lambda: services.register_provider(
            actor=actor, region_code=world.county_a, data=data, areas=[]
        )

    results = race(register(world.user("county_admin")), register(world.user("city_admin")))
    assert Provider.objects.filter(credit_code=code).count() == 1
    assert sum(isinstance(r, Provider) for r in results) == 1
    assert sum(isinstance(r, ProviderDataError) for r in results) == 1
