"""The demo loader: rows for the pilot locality with residents, the demo logins linked, idempotent."""

import io

from eldercare.accounts.models import Role
from eldercare.catalogue.models import ServiceItem
from eldercare.providers.demo import load_demo_providers
from eldercare.providers.models import (
    BlacklistEntry,
    Facility,
    FacilityKind,
    Provider,
    ProviderPrice,
    StaffAvailability,
    StaffMember,
    TrainingRecord,
)
from eldercare.providers.rules.credit_code import kind_conflict, parse_credit_code
from tests import factories
from tests.conftest import World
from tests.providers.builders import item

MODELS = (
    Provider,
    Facility,
    StaffMember,
    ProviderPrice,
    StaffAvailability,
    TrainingRecord,
    BlacklistEntry,
)


def test_demo_is_complete_valid_and_idempotent(world: World) -> None:
    for code in ("ZC-001", "ZY-001", "ZJ-001", "SH-001"):
        item(code, f"项目{code}")
    for village in (world.village_a, world.village_a2, world.village_a_other):
        factories.resident(village)
    factories.user("admin", Role.SYSTEM_ADMIN)
    provider_login = factories.user("provider", Role.PROVIDER_MANAGER, world.county_a)
    caregiver_login = world.user("caregiver")
    out = io.StringIO()
    load_demo_providers(out)
    counts = [model.objects.count() for model in MODELS]
    load_demo_providers(out)
    assert [model.objects.count() for model in MODELS] == counts
    assert set(Facility.objects.values_list("kind", flat=True)) == set(FacilityKind.values)
    for provider in Provider.objects.all():
        assert kind_conflict(parse_credit_code(provider.credit_code), provider.kind) is None
    assert Provider.objects.filter(status="suspended").count() == 1
    assert StaffMember.objects.filter(status="blacklisted").count() == 1
    assert (
        Provider.objects.exclude(brand="").count() == 1
    )  # the chain; its second locality has no residents here
    manager = StaffMember.objects.get(user=provider_login)
    carer = StaffMember.objects.get(user=caregiver_login)
    assert manager.provider == carer.provider
    assert carer.region_code == world.township_a
    assert all(f.latitude is not None for f in Facility.objects.all())
    assert ServiceItem.objects.filter(pk__in=carer.skill_rows.values("item")).exists()
