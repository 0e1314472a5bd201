"""Weekly compliance of agreements from the stored contacts (rules/compliance.py judges),
overdue lists for the current week, and the coverage figures of a region."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from eldercare.carevisits.models import AgreementStatus, CareAgreement, CareContact
from eldercare.carevisits.rules.compliance import (
    Contact,
    ContactKind,
    Period,
    Requirement,
    Week,
    WeekResult,
    WeekStatus,
    judge_week,
)


@dataclass(frozen=True)
class AgreementWeek:
    agreement: CareAgreement
    result: WeekResult


def period_of(agreement: CareAgreement) -> Period:
    return Period(agreement.starts_on, agreement.ends_on)


def requirement_of(agreement: CareAgreement) -> Requirement:
    return Requirement(agreement.min_contacts, agreement.min_visits)


def in_force_during(first: date, last: date) -> Q:
    """Agreements whose period overlaps [first, last]."""
    return Q(starts_on__lte=last) & (Q(ends_on__isnull=True) | Q(ends_on__gte=first))


def contacts_by_resident(
    resident_ids: Iterable[int], start: datetime, end: datetime
) -> dict[int, list[Contact]]:
    found: dict[int, list[Contact]] = defaultdict(list)
    ids = list(set(resident_ids))
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        rows = CareContact.objects.filter(
            resident_id__in=chunk, occurred_at__gte=start, occurred_at__lt=end
        ).values_list("resident_id", "occurred_at", "kind")
        for resident_id, at, kind in rows:
            found[resident_id].append(Contact(at, ContactKind(kind)))
    return found


def judge(
    agreements: QuerySet[CareAgreement], week: Week, now: datetime | None = None
) -> list[AgreementWeek]:
    """Every agreement in force during `week`, judged for it (contacts loaded in bulk)."""
    rows = list(
        agreements.filter(in_force_during(week.monday, week.sunday)).select_related("resident")
    )
    contacts = contacts_by_resident((a.resident_id for a in rows), week.start, week.end)
    return [
        AgreementWeek(
            a,
            judge_week(week, requirement_of(a), period_of(a), contacts.get(a.resident_id, ()), now),
        )
        for a in rows
    ]


def current_week() -> Week:
    return Week.of(timezone.now())


def overdue(agreements: QuerySet[CareAgreement]) -> list[AgreementWeek]:
    """Active agreements judged this week that are not met yet, those needing most first."""
    now = timezone.now()
    rows = judge(agreements.filter(status=AgreementStatus.ACTIVE), current_week(), now)
    pending = [row for row in rows if row.result.status == WeekStatus.OPEN]
    return sorted(
        pending,
        key=lambda row: (
            -(row.result.missing_contacts + row.result.missing_visits),
            row.agreement.resident.region_code,
            row.agreement.resident.name,
        ),
    )


def visitor_agreements(user: object) -> Q:
    """Agreements on which `user` is a current responsible visitor."""
    return Q(visitors__user=user, visitors__removed_at__isnull=True)


def recent_weeks(agreement: CareAgreement, count: int) -> list[WeekResult]:
    """The running week and the `count - 1` before it that the agreement was in force for."""
    now = timezone.now()
    period = period_of(agreement)
    week = current_week()
    weeks = [week.shifted(-offset) for offset in range(count)]
    weeks = [
        w
        for w in weeks
        if period.starts_on <= w.sunday and (period.ends_on is None or w.monday <= period.ends_on)
    ]
    if not weeks:
        return []
    found = contacts_by_resident([agreement.resident_id], weeks[-1].start, weeks[0].end)
    contacts = found.get(agreement.resident_id, [])
    requirement = requirement_of(agreement)
    return [judge_week(w, requirement, period, contacts, now) for w in weeks]
