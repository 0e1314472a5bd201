"""What an import reports: the counts, and every problem of every rejected row.

Shared by every import (the screening sheet here, the apps' sheets such as paper assessments):
the import page, the API, the worker and the error report read these.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

PlanT = TypeVar("PlanT")
# (column header, code, message)
RowProblem = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class RowError:
    sheet: str
    row: int
    column: str
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "message": self.message,
        }


@dataclass(slots=True)
class Verdict(Generic[PlanT]):
    """One row checked: problems (rejected), or a plan (to write), or neither (unchanged)."""

    problems: list[RowProblem] = field(default_factory=list)
    plan: PlanT | None = None


@dataclass
class ImportResult:
    sheet: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    valid_only: bool = False

    @property
    def refused(self) -> bool:
        """All-or-nothing and at least one row rejected: nothing was (or would be) imported."""
        return self.rejected > 0 and not self.valid_only

    def reject(self, row: int, problems: Iterable[RowProblem]) -> None:
        """Count the row as rejected, with an error per problem."""
        self.rejected += 1
        self.errors.extend(RowError(self.sheet, row, *problem) for problem in problems)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "errors": [error.as_dict() for error in self.errors],
            "warnings": list(self.warnings),
        }
