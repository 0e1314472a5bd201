"""Each resident's current assessment and due date, and the region settings they depend on."""

from collections.abc import Iterable
from datetime import date

from eldercare.assessment.models import (
    Assessment,
    AssessmentPolicy,
    AssessmentStatus,
    CurrentAssessment,
    ReassessmentRequest,
    Standard,
)
from eldercare.assessment.rules import due_date
from eldercare.assessment.scoring import ClauseStacking, EventCounting, Settings
from eldercare.regions.codes import ancestor_codes
from eldercare.registry.models import Resident

DEFAULT_REASSESSMENT_MONTHS = 12


def policy_for(region_code: str) -> tuple[int, Settings]:
    """(re-assessment months, scoring settings) of the nearest region up the tree with a policy."""
    policies = {
        p.region_code: p
        for p in AssessmentPolicy.objects.filter(region_code__in=ancestor_codes(region_code))
    }
    for code in reversed(ancestor_codes(region_code)):
        if code in policies:
            found = policies[code]
            return found.reassessment_months, Settings(
                ClauseStacking(found.clause_stacking), EventCounting(found.event_counting)
            )
    return DEFAULT_REASSESSMENT_MONTHS, Settings()


def refresh_current(resident: Resident) -> CurrentAssessment | None:
    """Recompute the resident's current assessment and due date from the stored assessments."""
    refresh_current_many([resident])
    return CurrentAssessment.objects.filter(resident=resident).first()


def refresh_current_many(residents: Iterable[Resident]) -> None:
    """refresh_current for many residents with a handful of queries (imports, policy changes)."""
    by_id = {resident.pk: resident for resident in residents}
    if not by_id:
        return
    valid: dict[int, list[Assessment]] = {}
    for assessment in (
        Assessment.objects.filter(resident_id__in=by_id, status=AssessmentStatus.FINISHED)
        .exclude(superseded_by__status=AssessmentStatus.FINISHED)
        .order_by("-assessed_on", "-finished_at", "-id")
    ):
        valid.setdefault(assessment.resident_id, []).append(assessment)
    requests: dict[int, list[date]] = {}
    for resident_id, reported_on in ReassessmentRequest.objects.filter(
        resident_id__in=by_id, resolved_by__isnull=True
    ).values_list("resident_id", "reported_on"):
        requests.setdefault(resident_id, []).append(reported_on)
    months_of: dict[str, int] = {}
    rows = []
    for resident_id, assessments in valid.items():
        latest = assessments[0]
        region = by_id[resident_id].region_code
        if region not in months_of:
            months_of[region] = policy_for(region)[0]
        rows.append(
            CurrentAssessment(
                resident_id=resident_id,
                assessment=latest,
                standard=latest.standard,
                level=latest.level or 0,
                assessed_on=latest.assessed_on,
                due_on=due_date(
                    latest.assessed_on, months_of[region], requests.get(resident_id, [])
                ),
                assessor_id=latest.first_assessor_id,
                latest_mzt039=next((a for a in assessments if a.standard == Standard.MZT039), None),
                latest_gbt42195=next(
                    (a for a in assessments if a.standard == Standard.GBT42195), None
                ),
            )
        )
    # Replacing the rows is simpler than an upsert that works alike on SQLite and PostgreSQL.
    CurrentAssessment.objects.filter(resident_id__in=by_id).delete()
    CurrentAssessment.objects.bulk_create(rows)
