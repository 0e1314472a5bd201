"""Import assessment results from a sheet: check every row, then record the good ones.

How it runs, and why:

- Pass 1 reads the ID number, standard and date columns only, to find rows that are the same
  resident's assessment by the same standard on the same day: all of them are rejected, since
  the file does not say which one is right.
- Pass 2 reads the rows again in batches of BATCH_SIZE. Per batch there is one query for the
  residents (through `access.scoped`, so a resident outside the actor's scope is never loaded and
  is reported exactly like an unregistered one), one for their finished assessments, one for
  platform users named as assessors. Every cell is checked and every problem of a row reported,
  each naming its column; the rules the service applies are checked here as well, so that a dry
  run (which writes nothing and opens no transaction) says what a real import would do.
- A valid row is recorded by `services.record_assessment` (source IMPORT): validated again,
  scored with the region's settings, stored finished, audited, and the resident's current
  assessment refreshed. A problem the service still finds is reported against the row's column.
- Re-import is idempotent: a row identical (answers, conditions, reason, place, assessors) to a
  finished assessment of the resident by that standard on that day is "unchanged" — also when
  that assessment has been corrected since. A row that differs from a valid one is refused:
  corrections go through the correction workflow, not the import.
- Everything is one transaction (registry.importing.common.run_import, the frame the resident
  import runs in too). All-or-nothing (the default): after the first rejected row nothing more is
  written, the rest is still checked and counted, and the transaction is rolled back. With
  valid_only each row is its own savepoint and the good rows stay.
- Audit: one IMPORT event per non-dry-run import (file name, SHA-256, counts); each recorded
  assessment has its own CREATE event written by the service.
"""

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from django.utils import timezone

from eldercare.accounts.access import Action, require, scoped
from eldercare.accounts.models import User
from eldercare.assessment.current import refresh_current_many
from eldercare.assessment.errors import AssessmentDataError
from eldercare.assessment.importing.cells import SameAssessment, same_assessment
from eldercare.assessment.importing.columns import Layout, find_layout
from eldercare.assessment.importing.rows import (
    Content,
    Lookups,
    Plan,
    RowChecker,
    Stored,
    conditions_in_full,
)
from eldercare.assessment.models import Assessment, AssessmentStatus, CurrentAssessment, Source
from eldercare.assessment.services import record_assessment
from eldercare.core.idcard import IdNumber, IdNumberError, parse_id_number
from eldercare.core.normalize import clean_name
from eldercare.registry.importing.common import (
    cell,
    chunks,
    data_rows,
    find_repeats,
    id_key,
    is_blank,
    run_import,
)
from eldercare.registry.importing.readers import NumberedRow, Table
from eldercare.registry.importing.results import ImportResult
from eldercare.registry.models import Resident

BATCH_SIZE = 1_000


def import_assessments(
    path: Path,
    *,
    actor: Any,
    standard: str | None = None,
    dry_run: bool,
    valid_only: bool,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    today: date | None = None,
    sheet: str | None = None,
    file_name: str | None = None,
) -> ImportResult:
    """Import the sheet at `path` as `actor`; FileImportError when the file itself is unusable.

    `standard` is the sheet's standard (else each row's 评估标准 cell, or the sheet's title);
    `progress` receives the number of data rows done so far, `on_total` the number of data rows
    once pass 1 has counted them; `file_name` is the name shown in the audit trail.
    """
    require(actor, Action.IMPORT_ASSESSMENTS)
    day = today or timezone.localdate()

    def prepare(table: Table, layout: Layout, result: ImportResult) -> tuple[int, _Importer]:
        total, duplicates = _find_duplicates(table, layout, day)
        return total, _Importer(actor, day, layout, result, duplicates)

    return run_import(
        path,
        actor=actor,
        object_type=Assessment._meta.label_lower,
        find_layout=lambda rows: find_layout(rows, standard=standard),
        prepare=prepare,
        batch_size=BATCH_SIZE,
        dry_run=dry_run,
        valid_only=valid_only,
        progress=progress,
        on_total=on_total,
        sheet=sheet,
        file_name=file_name or path.name,
        written_tables=(Assessment, CurrentAssessment),
    )


def _find_duplicates(
    table: Table, layout: Layout, today: date
) -> tuple[int, dict[SameAssessment, list[int]]]:
    """Pass 1: the number of data rows, and the rows of each (resident, standard, day) repeated."""
    position = layout.index["id_number"]
    return find_repeats(
        data_rows(table, layout),
        lambda cells: same_assessment(cells, layout, id_key(cell(cells, position), today)),
    )


class _Importer:
    """Pass 2: checks rows batch by batch and records the valid ones when asked to."""

    def __init__(
        self,
        actor: Any,
        today: date,
        layout: Layout,
        result: ImportResult,
        duplicates: dict[SameAssessment, list[int]],
    ) -> None:
        self.actor = actor
        self.today = today
        self.layout = layout
        self.result = result
        self.checker = RowChecker(layout, today, duplicates)

    def check_batch(self, batch: list[NumberedRow]) -> list[Plan]:
        position = self.layout.index["id_number"]
        identities: list[IdNumber | IdNumberError | None] = []
        for _, cells in batch:
            value = cell(cells, position)
            if is_blank(value):
                identities.append(None)
                continue
            try:
                identities.append(parse_id_number(value, today=self.today))
            except IdNumberError as error:
                identities.append(error)
        residents = self._residents([i.number for i in identities if isinstance(i, IdNumber)])
        lookups = Lookups(
            residents=residents,
            stored=self._stored([resident.pk for resident in residents.values()]),
            users=self._users(batch),
        )
        plans: list[Plan] = []
        for (row, cells), identity in zip(batch, identities, strict=True):
            self.result.rows += 1
            verdict = self.checker.check(row, cells, identity, lookups)
            if verdict.problems:
                self.result.reject(row, verdict.problems)
            elif verdict.plan is not None:
                self.result.created += 1
                plans.append(verdict.plan)
            else:
                self.result.unchanged += 1
        return plans

    # --- look-ups per batch ------------------------------------------------------------------

    def _residents(self, numbers: list[str]) -> dict[str, Resident]:
        """Registered residents inside the actor's scope: the others are never loaded."""
        found: dict[str, Resident] = {}
        for chunk in chunks(sorted(set(numbers))):
            for resident in scoped(self.actor, Resident.objects.filter(id_number__in=chunk)):
                found[resident.id_number] = resident
        return found

    def _stored(self, resident_pks: list[int]) -> dict[tuple[int, str, date], list[Stored]]:
        """The finished assessments of the residents, by (resident, standard, day)."""
        found: dict[tuple[int, str, date], list[Stored]] = {}
        for chunk in chunks(sorted(resident_pks)):
            rows = Assessment.objects.filter(
                resident_id__in=chunk, status=AssessmentStatus.FINISHED
            ).values_list(
                "resident_id",
                "standard",
                "assessed_on",
                "reason",
                "place",
                "first_assessor_name",
                "second_assessor_name",
                "answers",
                "conditions",
                "superseded_by__status",
            )
            for pk, standard, day, reason, place, first, second, answers, conditions, by in rows:
                content = Content(
                    reason,
                    place,
                    first,
                    second,
                    dict(answers or {}),
                    conditions_in_full(conditions),
                )
                is_valid = by != AssessmentStatus.FINISHED
                found.setdefault((pk, standard, day), []).append(Stored(is_valid, content))
        return found

    def _users(self, batch: list[NumberedRow]) -> dict[str, User]:
        """Platform users whose username is written as an assessor (the service links them)."""
        names: set[str] = set()
        for _, cells in batch:
            for key in ("first_assessor", "second_assessor"):
                value = cell(cells, self.layout.index.get(key))
                if not is_blank(value):
                    names.add(clean_name(value))
        found: dict[str, User] = {}
        for chunk in chunks(sorted(names)):
            for user in User.objects.filter(username__in=chunk):
                found[user.username] = user
        return found

    # --- writing -------------------------------------------------------------------------------

    def write(self, plans: list[Plan]) -> None:
        written: list[Resident] = []
        for plan in plans:
            if self.result.refused:
                return  # all-or-nothing: nothing more is written, the transaction rolls back
            try:
                record_assessment(
                    actor=self.actor,
                    resident=plan.resident,
                    data=plan.data,
                    source=Source.IMPORT,
                    refresh=False,
                )
                written.append(plan.resident)
            except AssessmentDataError as error:
                self.result.created -= 1
                column = self.checker.column
                self.result.reject(
                    plan.row,
                    [(column(p.field, plan.standard), p.code, p.message) for p in error.problems],
                )
        # The residents' current level and due date, once for the batch instead of once per row.
        refresh_current_many(written)
