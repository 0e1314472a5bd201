"""Check-in / check-out with GPS, the flags for supervisors, and visit photos."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from eldercare.core.models import AuditEvent
from eldercare.orders import services
from eldercare.orders.errors import OrderDataError, OrderStateError
from eldercare.orders.models import ServicePhoto, VisitFlag, VisitPolicy
from tests.orders.conftest import HOME, Shop

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _dispatched(shop: Shop, **kwargs: object):  # type: ignore[no-untyped-def]
    return shop.advance(shop.place(**kwargs), "dispatched")


def _flags(order: object) -> set[str]:
    return set(VisitFlag.objects.filter(order=order).values_list("kind", flat=True))


def test_check_in_at_the_door_within_the_window_raises_no_flag(shop: Shop) -> None:
    order = _dispatched(shop)
    shop.clock.move_to(order.starts_at + timedelta(minutes=3))
    order = services.check_in(
        actor=shop.caregiver, order=order, latitude=HOME[0], longitude=HOME[1]
    )
    assert order.status == "in_service"
    assert order.check_in_distance_m == 0
    assert _flags(order) == set()


def test_check_in_far_away_is_flagged_with_the_distance(shop: Shop) -> None:
    order = _dispatched(shop)
    shop.clock.move_to(order.starts_at)
    # about 1.1 km north
    order = services.check_in(
        actor=shop.caregiver, order=order, latitude=HOME[0] + Decimal("0.01"), longitude=HOME[1]
    )
    assert 1_000 < order.check_in_distance_m < 1_200
    flag = VisitFlag.objects.get(order=order)
    assert flag.kind == "far_check_in" and "超过 500 米" in flag.detail


def test_region_policy_widens_the_radius(shop: Shop) -> None:
    VisitPolicy.objects.create(
        region_code=shop.world.township_a, radius_m=2_000, minimum_share=Decimal("0.5")
    )
    order = _dispatched(shop)
    shop.clock.move_to(order.starts_at)
    services.check_in(
        actor=shop.caregiver, order=order, latitude=HOME[0] + Decimal("0.01"), longitude=HOME[1]
    )
    assert _flags(order) == set()


def test_order_without_coordinates_is_flagged_unverifiable(shop: Shop) -> None:
    order = _dispatched(shop, latitude=None, longitude=None)
    shop.clock.move_to(order.starts_at)
    order = services.check_in(
        actor=shop.caregiver, order=order, latitude=HOME[0], longitude=HOME[1]
    )
    assert order.check_in_distance_m is None
    assert _flags(order) == {"unverifiable_location"}


def test_check_in_outside_the_window_is_flagged_late(shop: Shop) -> None:
    order = _dispatched(shop)
    shop.clock.move_to(order.ends_at + timedelta(minutes=30))
    services.check_in(actor=shop.caregiver, order=order, latitude=HOME[0], longitude=HOME[1])
    assert _flags(order) == {"late"}


@pytest.mark.parametrize(
    ("lat", "lng"), [("abc", "111"), ("91", "111"), ("26", "181"), ("NaN", "111")]
)
def test_bad_gps_is_refused_and_nothing_changes(shop: Shop, lat: str, lng: str) -> None:
    order = _dispatched(shop)
    with pytest.raises(OrderDataError):
        services.check_in(actor=shop.caregiver, order=order, latitude=lat, longitude=lng)
    order.refresh_from_db()
    assert order.status == "dispatched" and order.check_in_at is None


def test_short_visit_is_flagged_and_a_full_one_is_not(shop: Shop) -> None:
    order = shop.advance(shop.place(), "in_service")
    shop.clock.move_to(order.check_in_at + timedelta(minutes=30))  # standard 90, share 50 %
    order = services.check_out(actor=shop.caregiver, order=order, work_done="擦窗")
    assert order.status == "completed"
    assert "short_visit" in _flags(order)
    full = shop.advance(
        shop.place(
            starts_at=order.starts_at + timedelta(hours=3),
            ends_at=order.ends_at + timedelta(hours=3),
        ),
        "completed",
    )
    assert "short_visit" not in _flags(full)


def test_check_out_needs_what_was_done(shop: Shop) -> None:
    order = shop.advance(shop.place(), "in_service")
    with pytest.raises(OrderDataError):
        services.check_out(actor=shop.caregiver, order=order, work_done="  ")
    order.refresh_from_db()
    assert order.status == "in_service"


def test_only_the_assigned_caregiver_sees_and_checks_in(shop: Shop) -> None:
    order = shop.advance(shop.place(), "dispatched", caregiver=shop.far)
    with pytest.raises(Http404):
        services.check_in(actor=shop.caregiver, order=order)


def test_photos_are_sniffed_sized_and_their_download_audited(shop: Shop) -> None:
    order = shop.advance(shop.place(), "in_service")
    photo = services.add_photo(
        actor=shop.caregiver, order=order, upload=SimpleUploadedFile("门口.png", PNG)
    )
    assert photo.content_type == "image/png" and photo.size == len(PNG)
    with pytest.raises(OrderDataError, match="不是 JPG 格式"):
        services.add_photo(
            actor=shop.caregiver, order=order, upload=SimpleUploadedFile("x.jpg", PNG)
        )
    with pytest.raises(OrderDataError, match="JPG 或 PNG"):
        services.add_photo(
            actor=shop.caregiver, order=order, upload=SimpleUploadedFile("x.pdf", b"%PDF-1.4")
        )
    with pytest.raises(OrderDataError, match="超过"):
        services.add_photo(
            actor=shop.caregiver,
            order=order,
            upload=SimpleUploadedFile("big.png", PNG + b"\x00" * (6 * 1024 * 1024)),
        )
    assert ServicePhoto.objects.count() == 1
    _found, handle = services.open_photo(actor=shop.world.user("county_admin"), photo_id=photo.pk)
    assert handle.read() == PNG
    handle.close()
    assert AuditEvent.objects.filter(action="export", object_id=str(photo.pk)).exists()
    with pytest.raises(Http404):
        services.open_photo(actor=shop.world.user("county_b_admin"), photo_id=photo.pk)
    photo.file.delete(save=False)


def test_photos_only_during_or_right_after_the_visit(shop: Shop) -> None:
    order = shop.advance(shop.place(), "dispatched")
    with pytest.raises(OrderStateError):
        services.add_photo(
            actor=shop.caregiver, order=order, upload=SimpleUploadedFile("a.png", PNG)
        )
