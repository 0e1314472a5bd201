"""Governance models: the organisation directory, task lists and supervision, scoring sheets and
runs, manual indicator values and targets."""

from eldercare.governance.models.indicators import IndicatorTarget, ManualIndicatorValue
from eldercare.governance.models.organisations import Organisation, OrganisationKind
from eldercare.governance.models.scoring import (
    ManualScore,
    ScoringItem,
    ScoringRun,
    ScoringSheet,
    ScoringSubItem,
)
from eldercare.governance.models.tasks import (
    DeadlineKind,
    ProgressReport,
    SupervisionFinding,
    SupervisionLevel,
    SupervisionRound,
    Task,
    TaskList,
    TaskListKind,
    TaskStatus,
)

__all__ = [
    "DeadlineKind",
    "IndicatorTarget",
    "ManualIndicatorValue",
    "ManualScore",
    "Organisation",
    "OrganisationKind",
    "ProgressReport",
    "ScoringItem",
    "ScoringRun",
    "ScoringSheet",
    "ScoringSubItem",
    "SupervisionFinding",
    "SupervisionLevel",
    "SupervisionRound",
    "Task",
    "TaskList",
    "TaskListKind",
    "TaskStatus",
]
