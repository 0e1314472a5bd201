"""Governance test data: shipped files loaded, residents screened and assessed, rows written
directly where a test needs records rather than rules."""

from datetime import date, datetime
from typing import Any

from django.utils import timezone

from eldercare.assessment.models import Assessment, AssessmentStatus, CurrentAssessment, Standard
from eldercare.governance.models import ScoringSheet, TaskList
from eldercare.governance.services.loading import (
    load_scoring_sheets,
    load_task_lists,
    shipped_scoring_sheets,
    shipped_task_lists,
)
from eldercare.registry.models import Resident, ScreeningRecord
from tests import factories

COUNTY_A = "431102000000"


def huining_sheet(region: str | None = COUNTY_A) -> ScoringSheet:
    load_scoring_sheets(shipped_scoring_sheets(), region=region)
    return ScoringSheet.objects.get(region_code=region or "620422000000")


def task_list(prefix: str, region: str | None = None) -> TaskList:
    (path,) = [p for p in shipped_task_lists() if p.name.startswith(prefix)]
    load_task_lists([path], region=region)
    return TaskList.objects.get(file_name=path.name, region_code=region or _region_of(prefix))


def _region_of(prefix: str) -> str:
    return "" if prefix == "000000" else prefix.ljust(12, "0")


def screened(resident: Resident, on: date) -> ScreeningRecord:
    return ScreeningRecord.objects.create(resident=resident, screened_on=on, surveyor_name="李四")


def assessed(resident: Resident, on: date, user: Any, level: int = 1) -> CurrentAssessment:
    assessment = Assessment.objects.create(
        resident=resident,
        region_code=resident.region_code,
        standard=Standard.MZT039,
        status=AssessmentStatus.FINISHED,
        assessed_on=on,
        place="home",
        reason="first",
        first_assessor_name="王评估",
        second_assessor_name="赵评估",
        level=level,
        preliminary_level=level,
        finished_at=timezone.make_aware(datetime(on.year, on.month, on.day, 10)),
        created_by=user,
    )
    return CurrentAssessment.objects.create(
        resident=resident,
        assessment=assessment,
        standard=Standard.MZT039,
        level=level,
        assessed_on=on,
        due_on=date(on.year + 1, on.month, 1),
    )


def resident(region_code: str, **extra: Any) -> Resident:
    return factories.resident(region_code, **extra)


def run_for(world: Any) -> Any:
    """A scoring run of the Huining sheet for county A on 2021-03-01 (the clock must be after)."""
    from eldercare.accounts.models import Role
    from eldercare.governance.services.scoring import run_scoring

    sheet = huining_sheet(world.county_a)
    return run_scoring(
        actor=world.user(Role.COUNTY_ADMIN),
        sheet=sheet,
        region_code=world.county_a,
        as_of=date(2021, 3, 1),
    )
