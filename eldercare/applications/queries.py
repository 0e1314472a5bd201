"""Reading applications: scoped lists with filters, the overdue list for supervisors, the public
status lookup (no login: number + last four ID characters), and what orders will ask later."""

import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from eldercare.accounts.access import Action, can, scope_code, scoped
from eldercare.applications.chain import LEVEL_NAMES
from eldercare.applications.errors import ApplicationDataError, Problem
from eldercare.applications.models import (
    OPEN_STATUSES,
    Application,
    ApplicationKind,
    ApplicationStatus,
    ReviewLevel,
    ReviewStep,
)
from eldercare.core.holidays import work_calendar
from eldercare.core.masking import mask_name
from eldercare.core.workdays import unknown_years, working_days_between
from eldercare.regions.codes import Level, RegionCodeError, level_of
from eldercare.regions.services import region_names
from eldercare.registry.models import Resident

MINE_CHOICES = {"to_review": "待我审核", "entered": "我录入的"}
OVERDUE_LIMIT = 500
_NUMBER_RE = re.compile(r"\d{14}", re.ASCII)
_LAST_FOUR_RE = re.compile(r"[0-9X]{4}", re.ASCII)


def applications_for(user: Any, params: Mapping[str, Any], *, today: date) -> QuerySet[Application]:
    """The user's scoped applications, filtered by status, step level, overdue, mine, number,
    resident and kind. An unknown filter value is an ApplicationDataError naming the filter."""
    applications = scoped(
        user, Application.objects.select_related("resident", "service_item")
    ).order_by("-submitted_at", "-id")
    problems: list[Problem] = []
    status = str(params.get("status") or "")
    if status:
        if status in ApplicationStatus.values:
            applications = applications.filter(status=status)
        else:
            problems.append(
                Problem("status", "filter_invalid", "、".join(ApplicationStatus.values))
            )
    level = str(params.get("step") or "")
    if level:
        if level in ReviewLevel.values:
            applications = applications.filter(current_level=level)
        else:
            problems.append(Problem("step", "filter_invalid", "、".join(ReviewLevel.values)))
    kind = str(params.get("kind") or "")
    if kind:
        if kind in ApplicationKind.values:
            applications = applications.filter(kind=kind)
        else:
            problems.append(Problem("kind", "filter_invalid", "、".join(ApplicationKind.values)))
    if str(params.get("overdue") or "") in ("1", "true", "on", "yes"):
        applications = applications.filter(status__in=OPEN_STATUSES, current_due_on__lt=today)
    mine = str(params.get("mine") or "")
    if mine == "to_review":
        applications = applications.filter(
            pk__in=ReviewStep.objects.filter(
                decision="", region_code=getattr(user, "region_code", "") or "-"
            ).values("application_id")
        )
    elif mine == "entered":
        applications = applications.filter(entered_by=user)
    elif mine:
        problems.append(Problem("mine", "filter_invalid", "、".join(MINE_CHOICES)))
    number = str(params.get("number") or "").strip()
    if number:
        applications = applications.filter(number=number)
    resident = str(params.get("resident") or "")
    if resident:
        if resident.isdigit():
            applications = applications.filter(resident_id=int(resident))
        else:
            problems.append(Problem("resident", "filter_invalid", "应为老年人的编号"))
    if problems:
        raise ApplicationDataError(problems)
    return applications


# --- overdue steps ----------------------------------------------------------------------------


def is_supervisor(user: Any) -> bool:
    """Reviewers bound to a township or above (township, county, city administrators)."""
    if not can(user, Action.REVIEW_APPLICATIONS):
        return False
    code = scope_code(user)
    if code is None:
        return False
    if code == "":
        return True
    try:
        return level_of(code) <= Level.TOWNSHIP
    except RegionCodeError:
        return False


@dataclass(frozen=True)
class OverdueStep:
    step: ReviewStep
    working_days_overdue: int
    unit_name: str


@dataclass(frozen=True)
class OverdueList:
    rows: list[OverdueStep]
    total: int
    unknown_years: list[int]


def overdue_steps(user: Any, *, today: date, limit: int = OVERDUE_LIMIT) -> OverdueList:
    """Open steps past their deadline in the user's scope, most overdue first, with how many
    working days late each is (counted with the holiday calendar; years without entered
    holidays count by weekends and are listed in `unknown_years`)."""
    steps = scoped(user, ReviewStep.objects.filter(decision="", due_on__lt=today)).select_related(
        "application", "application__resident"
    )
    rows = list(steps.order_by("due_on", "id")[:limit])
    total = len(rows) if len(rows) < limit else steps.count()
    if not rows:
        return OverdueList([], 0, [])
    first = rows[0].due_on
    calendar = work_calendar(first.year, today.year)
    names = region_names({step.region_code for step in rows})
    return OverdueList(
        rows=[
            OverdueStep(
                step=step,
                working_days_overdue=working_days_between(step.due_on, today, calendar),
                unit_name=names.get(step.region_code, step.region_code),
            )
            for step in rows
        ],
        total=total,
        unknown_years=unknown_years(first, today, calendar),
    )


# --- the public status page -------------------------------------------------------------------


@dataclass(frozen=True)
class PublicStatus:
    """What anyone with the number and the last four ID characters may see: no personal data
    beyond the masked name, no reasons or comments."""

    number: str
    masked_name: str
    subject: str
    status: str
    status_label: str
    step: int | None
    step_count: int
    step_label: str
    submitted_on: date
    due_on: date | None
    is_due_provisional: bool
    decided_on: date | None


def public_status(number: str, id_last_four: str) -> PublicStatus | None:
    """The status of application `number` if `id_last_four` are the last four characters of the
    resident's ID number; None otherwise (not found and wrong digits look the same)."""
    number = str(number or "").strip()
    digits = str(id_last_four or "").strip().upper()
    if not _NUMBER_RE.fullmatch(number) or not _LAST_FOUR_RE.fullmatch(digits):
        return None
    # A public lookup has no user to scope by: the number and the ID digits are the key.
    application = (
        Application.objects.select_related("resident", "service_item").filter(number=number).first()
    )
    if application is None:
        return None
    if not hmac.compare_digest(application.resident.id_number[-4:].upper(), digits):
        return None
    open_step = application.steps.filter(decision="").first()
    return PublicStatus(
        number=application.number,
        masked_name=mask_name(application.resident.name),
        subject=application.subject,
        status=application.status,
        status_label=application.get_status_display(),
        step=application.current_step,
        step_count=application.step_count,
        step_label=LEVEL_NAMES.get(application.current_level, ""),
        submitted_on=timezone.localtime(application.submitted_at).date(),
        due_on=application.current_due_on,
        is_due_provisional=bool(open_step and open_step.is_due_provisional),
        decided_on=(
            timezone.localtime(application.decided_at).date() if application.decided_at else None
        ),
    )


# --- for other apps ---------------------------------------------------------------------------


def approved_service_codes(resident: Resident) -> list[str]:
    """Catalogue item codes of the resident's approved service applications (for orders)."""
    return sorted(
        set(
            Application.objects.filter(
                resident=resident,
                kind=ApplicationKind.SERVICE,
                status=ApplicationStatus.APPROVED,
            ).values_list("service_item__code", flat=True)
        )
    )
