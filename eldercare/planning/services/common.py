"""What every planning use case shares: the permission and scope check, village lookups and the
outcome of an import."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction

from eldercare.accounts.access import Action, in_scope, require
from eldercare.planning.errors import PlanningDataError, Problem, RowError
from eldercare.regions.codes import Level
from eldercare.regions.models import Region


def require_manage(actor: Any, region_code: str) -> None:
    """MANAGE_GOVERNANCE and the region inside the actor's subtree (else PermissionDenied or a
    problem naming the region)."""
    require(actor, Action.MANAGE_GOVERNANCE)
    if not in_scope(actor, region_code):
        raise PlanningDataError(
            [Problem("region_code", "out_of_scope", f"不在您的管辖范围内：{region_code}")]
        )


def current_villages(codes: Iterable[str]) -> dict[str, Region]:
    """Current village-level regions among `codes`."""
    return {
        region.code: region
        for region in Region.objects.current().filter(code__in=set(codes), level=int(Level.VILLAGE))
    }


@dataclass
class ImportOutcome:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)

    @property
    def is_stored(self) -> bool:
        return not self.errors and not self.dry_run

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "dry_run": self.dry_run,
            "errors": [
                {"row": e.row, "column": e.column, "code": e.code, "message": e.message}
                for e in self.errors
            ],
        }


def village_errors(
    actor: Any, row: int, code: str, villages: dict[str, Region], column: str
) -> list[RowError]:
    """A row's region code must be a current village inside the actor's scope."""
    if code not in villages:
        return [RowError(row, column, "unknown_village", f"不是现行的村（社区）区划代码：{code}")]
    if not in_scope(actor, code):
        return [RowError(row, column, "out_of_scope", f"不在您的管辖范围内：{code}")]
    return []


@contextmanager
def refusing_clashes() -> Iterator[None]:
    """One transaction; a uniqueness clash with a concurrent writer rolls it all back and is
    reported as a problem instead of a server error."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        raise PlanningDataError(
            [
                Problem(
                    "concurrency",
                    "concurrent_change",
                    "其他用户同时写入了相同的记录，本次没有保存任何数据，请刷新后重试",
                )
            ]
        ) from error
