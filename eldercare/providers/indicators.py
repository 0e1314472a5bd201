"""Governance indicators computed from this app's records (settings.DOMAIN_INDICATORS).

As of a day `on`, a record counts if it existed that day: a facility built on or before it (or,
with no build date, registered on or before it), a provider registered on or before it, a staff
member registered on or before it who had not left by then. Whether a facility operates, how it
is operated and whether it has a medical partner are kept as current facts without history, so
for a past day they are read as they are now; the figures are meant for the current period.
Shares are rounded to four places; with an empty population the value is None ("no data").
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from eldercare.governance.indicators.computed import in_region, share
from eldercare.governance.rules.scoring import IndicatorValue
from eldercare.providers.models import (
    Facility,
    FacilityKind,
    OperationMode,
    Provider,
    ProviderStatus,
    StaffMember,
    StaffStatus,
    TrainingRecord,
)
from eldercare.regions.codes import Level
from eldercare.regions.models import Locality, Region

SOURCE = "providers"
# 社区养老服务机构: the facilities in communities and villages; 敬老院/regional centres are
# institutions (机构养老), "other" is unknown.
COMMUNITY_KINDS = [
    k for k in FacilityKind.values if k not in (FacilityKind.NURSING_HOME, FacilityKind.OTHER)
]


def _facilities(region_code: str, on: date) -> QuerySet[Facility]:
    existed = Q(built_on__lte=on) | Q(built_on__isnull=True, created_at__date__lte=on)
    return Facility.objects.filter(in_region("region_code", region_code), existed)


def _ratio(
    code: str, on: date, rows: QuerySet[Facility] | QuerySet[Region] | QuerySet[StaffMember], hit: Q
) -> IndicatorValue:
    counts = rows.aggregate(total=Count("pk"), hits=Count("pk", filter=hit))
    return IndicatorValue(
        code,
        on,
        share(counts["hits"], counts["total"]),
        Decimal(counts["hits"]),
        Decimal(counts["total"]),
        SOURCE,
    )


def _count(code: str, on: date, number: int) -> IndicatorValue:
    return IndicatorValue(code, on, Decimal(number), Decimal(number), None, SOURCE)


def facilities_social_operation_share(region_code: str, on: date) -> IndicatorValue:
    """Newly built facilities (is_newly_built) existing on `on`: the share not run as 公办公营."""
    rows = _facilities(region_code, on).filter(is_newly_built=True)
    return _ratio(
        "facilities_social_operation_share",
        on,
        rows,
        ~Q(operation_mode=OperationMode.PUBLIC),
    )


def facilities_medical_signing_rate(region_code: str, on: date) -> IndicatorValue:
    """Operating community facilities (every kind but 敬老院 and "other") existing on `on`: the
    share with a medical partner (签约医疗卫生机构) filled in."""
    rows = _facilities(region_code, on).filter(is_operating=True, kind__in=COMMUNITY_KINDS)
    return _ratio("facilities_medical_signing_rate", on, rows, ~Q(medical_partner=""))


def _coverage(code: str, locality: str, region_code: str, on: date) -> IndicatorValue:
    """Current villages of the locality (urban 社区 / rural 行政村) in the region: the share with
    at least one operating facility of any kind existing on `on`."""
    covered = _facilities(region_code, on).filter(is_operating=True, region_code=OuterRef("code"))
    villages = Region.objects.current().filter(
        in_region("code", region_code), level=Level.VILLAGE, locality=locality
    )
    return _ratio(code, on, villages, Q(Exists(covered)))


def facility_coverage_urban(region_code: str, on: date) -> IndicatorValue:
    return _coverage("facility_coverage_urban", Locality.URBAN, region_code, on)


def facility_coverage_rural(region_code: str, on: date) -> IndicatorValue:
    return _coverage("facility_coverage_rural", Locality.RURAL, region_code, on)


def caregiver_training_rate(region_code: str, on: date) -> IndicatorValue:
    """Staff of every post working in the region on `on` (registered by then, not left by then):
    the share with at least one pre-job or on-the-job training on or before `on`."""
    left = Q(status=StaffStatus.LEFT, status_date__lte=on) | Q(
        status=StaffStatus.LEFT, status_date__isnull=True
    )
    rows = StaffMember.objects.filter(
        in_region("region_code", region_code), created_at__date__lte=on
    ).exclude(left)
    trained = TrainingRecord.objects.filter(staff=OuterRef("pk"), trained_on__lte=on)
    return _ratio("caregiver_training_rate", on, rows, Q(Exists(trained)))


def branded_providers_count(region_code: str, on: date) -> IndicatorValue:
    """Providers registered in the region by `on` that belong to a brand or chain and are active
    (or whose last status change came after `on`)."""
    active_then = Q(status=ProviderStatus.ACTIVE) | Q(status_date__gt=on)
    number = (
        Provider.objects.filter(in_region("region_code", region_code), created_at__date__lte=on)
        .filter(active_then)
        .exclude(brand="")
        .count()
    )
    return _count("branded_providers_count", on, number)


def _stations(region_code: str, on: date) -> QuerySet[Facility]:
    return _facilities(region_code, on).filter(kind=FacilityKind.SILVER_STATION)


def stations_built(region_code: str, on: date) -> IndicatorValue:
    """银龄驿站 existing in the region on `on`."""
    return _count("stations_built", on, _stations(region_code, on).count())


def stations_operating_share(region_code: str, on: date) -> IndicatorValue:
    """Of the 银龄驿站 existing on `on`, the share operating (开展工作)."""
    return _ratio("stations_operating_share", on, _stations(region_code, on), Q(is_operating=True))


INDICATORS: dict[str, Callable[[str, date], IndicatorValue]] = {
    "facilities_social_operation_share": facilities_social_operation_share,
    "facilities_medical_signing_rate": facilities_medical_signing_rate,
    "facility_coverage_urban": facility_coverage_urban,
    "facility_coverage_rural": facility_coverage_rural,
    "caregiver_training_rate": caregiver_training_rate,
    "branded_providers_count": branded_providers_count,
    "stations_built": stations_built,
    "stations_operating_share": stations_operating_share,
}
