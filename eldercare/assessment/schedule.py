"""Who is due for (re-)assessment: one query used by the due-list page and the API."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from eldercare.accounts.access import scope_code, scoped
from eldercare.accounts.models import Role, User
from eldercare.assessment.models import CurrentAssessment, ReassessmentRequest
from eldercare.regions.codes import RegionCodeError, is_within, subtree_range

# "overdue" = past the due date; otherwise: due within this many days (overdue included).
WINDOWS = {"overdue": 0, "30": 30, "90": 90}


@dataclass(frozen=True)
class DueList:
    current: QuerySet[CurrentAssessment]  # assessed residents due in the window, by due date
    never_assessed: QuerySet[ReassessmentRequest]  # reported changes of never-assessed people


def due_assessments(
    user: Any, *, today: date, window: str = "30", region: str = "", assessor: User | None = None
) -> DueList:
    """Due and overdue assessments in the user's scope, or in `region` inside it (else 404)."""
    scope = scope_code(user) or ""
    region = region or scope
    if window not in WINDOWS:
        raise ValueError(f"window 应为 {'、'.join(WINDOWS)}")
    try:
        low, high = subtree_range(region)
    except RegionCodeError as error:
        raise Http404("区划不存在") from error
    if not is_within(region, scope):
        raise Http404("区划不存在")
    current = scoped(user, CurrentAssessment.objects.all()).filter(
        resident__status="active",
        resident__region_code__gte=low,
        resident__region_code__lte=high,
    )
    if window == "overdue":
        current = current.filter(due_on__lt=today)
    else:
        current = current.filter(due_on__lte=today + timedelta(days=WINDOWS[window]))
    if assessor is not None:
        current = current.filter(assessor=assessor)
    never_assessed = scoped(user, ReassessmentRequest.objects.all()).filter(
        resolved_by__isnull=True,
        resident__status="active",
        resident__current_assessment__isnull=True,
        resident__region_code__gte=low,
        resident__region_code__lte=high,
    )
    return DueList(
        current=current.select_related("resident", "assessor").order_by("due_on", "resident_id"),
        never_assessed=never_assessed.select_related("resident").order_by("reported_on", "id"),
    )


def assessors_in(scope: str) -> QuerySet[User]:
    """Assessors bound inside `scope` (for filters: names outside it are not shown)."""
    low, high = subtree_range(scope)
    return User.objects.filter(
        role=Role.ASSESSOR, region_code__gte=low, region_code__lte=high
    ).order_by("username")
