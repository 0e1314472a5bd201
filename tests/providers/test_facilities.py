"""The facility survey: registering and editing facilities."""

import pytest
from django.core.exceptions import PermissionDenied

from eldercare.core.models import AuditEvent
from eldercare.providers import services
from eldercare.providers.errors import ProviderDataError
from eldercare.providers.models import Facility, Provider
from tests.conftest import World
from tests.providers.builders import provider


def facility_data(world: World, **extra: object) -> dict[str, object]:
    return {
        "name": "多福社区日间照料中心",
        "kind": "day_care",
        "region_code": world.village_a,
        "latitude": "26.42",
        "longitude": "111.61",
        "floor_area_m2": "420.5",
        "beds": "12",
        "operation_mode": "public",
        "is_operating": True,
        **extra,
    }


def test_register_and_edit(world: World, provider_a: Provider, meal) -> None:
    admin = world.user("county_admin")
    facility = services.register_facility(actor=admin, data=facility_data(world), services=[meal])
    assert (facility.beds, str(facility.floor_area_m2), facility.is_socially_operated) == (
        12,
        "420.5",
        False,
    )
    services.update_facility(
        actor=admin,
        facility=facility,
        data=facility_data(world, operation_mode="public_built_private_run", operator=provider_a),
        services=[],
    )
    facility.refresh_from_db()
    assert facility.operator == provider_a and facility.is_socially_operated
    event = AuditEvent.objects.get(action="update", object_type="providers.facility")
    assert event.changes["services"] == [["ZC-001"], []]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"latitude": "111.6", "longitude": "26.4"}, "coordinates"),
        ({"latitude": ""}, "coordinates"),
        ({"region_code": "431102001000"}, "region_code"),
        ({"region_code": "431103001001"}, "region_code"),
        ({"beds": "-1"}, "beds"),
        ({"floor_area_m2": "abc"}, "floor_area_m2"),
        ({"operation_mode": "public_built_private_run"}, "operator"),
        ({"kind": "spa"}, "kind"),
    ],
)
def test_bad_facility_writes_nothing(world: World, changes: dict[str, object], field: str) -> None:
    with pytest.raises(ProviderDataError) as caught:
        services.register_facility(
            actor=world.user("county_admin"), data=facility_data(world, **changes)
        )
    assert field in [p.field for p in caught.value.problems]
    assert not Facility.objects.exists()


def test_operator_out_of_scope_refused(world: World) -> None:
    foreign = provider(world.county_b)
    with pytest.raises(ProviderDataError):
        services.register_facility(
            actor=world.user("county_admin"),
            data=facility_data(world, operator=foreign, operation_mode="private"),
        )


def test_township_worker_cannot_register(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.register_facility(actor=world.user("township_worker"), data=facility_data(world))
