"""Coverage figures of a region's subtree (seed 003 row 5, seed 002 item 9), shared by the
statistics page, its export and the governance indicators.

As-of semantics: key elderly and agreements are counted on the day; compliance is judged for the
last complete week before the day; "三个一" over the window of complete weeks before the day.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from eldercare.carevisits.models import CareAgreement
from eldercare.carevisits.rules.compliance import (
    DEFAULT_THREE_ONES,
    Contact,
    Period,
    ThreeOnesRule,
    WeekStatus,
    last_complete_week,
    three_ones_met,
    three_ones_window,
)
from eldercare.carevisits.services.compliance import contacts_by_resident, in_force_during, judge
from eldercare.carevisits.services.policy import key_elderly_q
from eldercare.governance.indicators.computed import in_region, on_register, share
from eldercare.regions.models import Locality, Region, RegionLevel
from eldercare.registry.choices import EconomicStatus, LivingArrangement
from eldercare.registry.models import Resident


@dataclass(frozen=True)
class Figure:
    numerator: int
    denominator: int

    @property
    def value(self) -> Decimal | None:
        return share(self.numerator, self.denominator)


def agreements_in(region_code: str) -> QuerySet[CareAgreement]:
    return CareAgreement.objects.filter(in_region("resident__region_code", region_code))


def has_agreement_on(on: date) -> Q:
    """For a Resident queryset: an agreement in force on the day."""
    return Q(Exists(CareAgreement.objects.filter(in_force_during(on, on), resident=OuterRef("pk"))))


def key_elderly(region_code: str, on: date) -> QuerySet[Resident]:
    return Resident.objects.filter(in_region("region_code", region_code)).filter(
        key_elderly_q(region_code, on)
    )


def agreement_coverage(region_code: str, on: date) -> Figure:
    """Key elderly on the day, and how many of them have an agreement in force that day."""
    counts = key_elderly(region_code, on).aggregate(
        total=Count("id"), covered=Count("id", filter=has_agreement_on(on))
    )
    return Figure(counts["covered"], counts["total"])


def weekly_compliance(region_code: str, on: date) -> Figure:
    """Agreements judged in the last complete week before `on`, and how many met the rule."""
    results = judge(agreements_in(region_code), last_complete_week(on))
    judged = [r for r in results if r.result.is_judged]
    return Figure(sum(1 for r in judged if r.result.status == WeekStatus.MET), len(judged))


def rural_scattered_destitute(region_code: str, on: date) -> QuerySet[Resident]:
    """农村分散供养特困老人: destitute, not in an institution, registered in a rural village."""
    rural = (
        Region.objects.current()
        .filter(level=RegionLevel.VILLAGE, locality=Locality.RURAL)
        .filter(in_region("code", region_code))
    )
    return Resident.objects.filter(
        in_region("region_code", region_code),
        on_register(on),
        Q(economic_status=EconomicStatus.DESTITUTE),
        ~Q(living_arrangement=LivingArrangement.INSTITUTIONAL),
        Q(region_code__in=rural.values("code")),
    )


def three_ones_coverage(
    region_code: str, on: date, rule: ThreeOnesRule = DEFAULT_THREE_ONES
) -> Figure:
    """Rural scattered destitute elderly, and how many had "三个一" in the window before `on`."""
    population = rural_scattered_destitute(region_code, on)
    window = three_ones_window(rule, on)
    periods: dict[int, list[Period]] = {}
    in_window = CareAgreement.objects.filter(
        in_force_during(window[0].monday, window[-1].sunday),
        resident__in=population.values("pk"),
    ).values_list("resident_id", "starts_on", "ends_on")
    for resident_id, starts_on, ends_on in in_window:
        periods.setdefault(resident_id, []).append(Period(starts_on, ends_on))
    contacts: dict[int, list[Contact]] = contacts_by_resident(
        periods, window[0].start, window[-1].end
    )
    met = sum(
        1
        for resident_id, spans in periods.items()
        if three_ones_met(rule, on, spans, contacts.get(resident_id, []))
    )
    return Figure(met, population.count())


@dataclass(frozen=True)
class RegionFigures:
    code: str
    name: str
    agreements: Figure
    compliance: Figure
    three_ones: Figure


def region_figures(region_code: str, on: date) -> list[RegionFigures]:
    """The region itself, then each of its direct sub-regions."""
    regions = Region.objects.current()
    children = regions.filter(parent_code=region_code) if region_code else regions.filter(level=1)
    own = regions.filter(code=region_code).values_list("name", flat=True).first()
    rows = [(region_code, own or "全国")] + [
        (child.code, child.name) for child in children.order_by("code")
    ]
    return [
        RegionFigures(
            code,
            name,
            agreement_coverage(code, on),
            weekly_compliance(code, on),
            three_ones_coverage(code, on),
        )
        for code, name in rows
    ]
