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
- Everything is one transaction. All-or-nothing (the default): after the first rejected row
  nothing more is written, the rest is still checked and counted, and the transaction is rolled
  back. With valid_only each row is its own savepoint and the good rows stay.
- Audit: one IMPORT event per non-dry-run import (file name, SHA-256, counts); each recorded
  assessment has its own CREATE event written by the service.
"""

import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from eldercare.accounts.access import Action, require, scoped
from eldercare.accounts.models import User
from eldercare.assessment.errors import AssessmentDataError
from eldercare.assessment.importing.cells import cell, data_rows, id_key, is_blank, row_standard
from eldercare.assessment.importing.columns import Layout, find_layout
from eldercare.assessment.importing.rows import (
    Content,
    Lookups,
    Plan,
    RowChecker,
    RowProblem,
    SameAssessment,
    Stored,
    conditions_in_full,
)
from eldercare.assessment.models import Assessment, AssessmentStatus, Source
from eldercare.assessment.services import record_assessment, refresh_current_many
from eldercare.core.audit import record
from eldercare.core.idcard import IdNumber, IdNumberError, parse_id_number
from eldercare.core.models import AuditAction
from eldercare.core.normalize import ValueFormatError, clean_name, parse_date
from eldercare.registry.importing.pipeline import ImportResult, RowError
from eldercare.registry.importing.readers import NumberedRow, Table, open_table
from eldercare.registry.models import Resident

BATCH_SIZE = 1_000
# SQLite before 3.32 allows 999 parameters per statement.
_IN_CHUNK = 900


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
    today = today or timezone.localdate()
    file_name = file_name or path.name
    with open_table(path, sheet=sheet) as table:
        with closing(table.rows()) as head:
            layout = find_layout(head, standard=standard)
        result = ImportResult(
            sheet=table.sheet or Path(file_name).stem,
            warnings=list(layout.warnings),
            dry_run=dry_run,
            valid_only=valid_only,
        )
        total, duplicates = _find_duplicates(table, layout, today)
        if on_total is not None:
            on_total(total)
        importer = _Importer(actor, today, layout, result, duplicates)
        if dry_run:
            importer.run(table, writing=False, progress=progress)
        else:
            with transaction.atomic():
                importer.run(table, writing=True, progress=progress)
                if result.refused:
                    transaction.set_rollback(True)
                else:
                    _record_import(actor, path, file_name, result)
            if result.refused:
                _record_import(actor, path, file_name, result)
    if result.rows == 0:
        result.warnings.append("表头下没有数据行")
    return result


def _record_import(actor: Any, path: Path, file_name: str, result: ImportResult) -> None:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    record(
        actor=actor,
        action=AuditAction.IMPORT,
        object_type=Assessment._meta.label_lower,
        object_repr=file_name[:200],
        region_code=getattr(actor, "region_code", "") or "",
        detail={
            "file": file_name,
            "sha256": digest.hexdigest(),
            "sheet": result.sheet,
            "valid_only": result.valid_only,
            "imported": not result.refused,
            **{key: value for key, value in result.as_dict().items() if isinstance(value, int)},
        },
    )


def _find_duplicates(
    table: Table, layout: Layout, today: date
) -> tuple[int, dict[SameAssessment, list[int]]]:
    """Pass 1: the number of data rows, and the rows of each (resident, standard, day) repeated."""
    first_row: dict[SameAssessment, int] = {}
    repeated: dict[SameAssessment, list[int]] = {}
    total = 0
    for number, cells in data_rows(table, layout):
        total += 1
        person = id_key(cell(cells, layout.index["id_number"]), today)
        standard, _value = row_standard(cells, layout)
        try:
            day = parse_date(cell(cells, layout.index["assessed_on"]))
        except ValueFormatError:
            continue
        if person is None or standard is None:
            continue
        key = (person, standard, day)
        seen = first_row.setdefault(key, number)
        if seen != number:
            repeated.setdefault(key, [seen]).append(number)
    return total, repeated


def _chunks(values: Sequence[Any], size: int = _IN_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


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

    def run(self, table: Table, *, writing: bool, progress: Callable[[int], None] | None) -> None:
        rows = data_rows(table, self.layout)
        while batch := list(islice(rows, BATCH_SIZE)):
            plans = self._check_batch(batch)
            if writing and plans and not self.result.refused:
                self._write(plans)
            if progress is not None:
                progress(self.result.rows)

    def _check_batch(self, batch: list[NumberedRow]) -> list[Plan]:
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
                self._reject(row, verdict.problems)
            elif verdict.plan is not None:
                self.result.created += 1
                plans.append(verdict.plan)
            else:
                self.result.unchanged += 1
        return plans

    def _reject(self, row: int, problems: list[RowProblem]) -> None:
        self.result.rejected += 1
        sheet = self.result.sheet
        self.result.errors.extend(RowError(sheet, row, *problem) for problem in problems)

    # --- look-ups per batch ------------------------------------------------------------------

    def _residents(self, numbers: list[str]) -> dict[str, Resident]:
        """Registered residents inside the actor's scope: the others are never loaded."""
        found: dict[str, Resident] = {}
        for chunk in _chunks(sorted(set(numbers))):
            for resident in scoped(self.actor, Resident.objects.filter(id_number__in=chunk)):
                found[resident.id_number] = resident
        return found

    def _stored(self, resident_pks: list[int]) -> dict[tuple[int, str, date], list[Stored]]:
        """The finished assessments of the residents, by (resident, standard, day)."""
        found: dict[tuple[int, str, date], list[Stored]] = {}
        for chunk in _chunks(sorted(resident_pks)):
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
        for chunk in _chunks(sorted(names)):
            for user in User.objects.filter(username__in=chunk):
                found[user.username] = user
        return found

    # --- writing -------------------------------------------------------------------------------

    def _write(self, plans: list[Plan]) -> None:
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
                self._reject(
                    plan.row,
                    [(column(p.field, plan.standard), p.code, p.message) for p in error.problems],
                )
        # The residents' current level and due date, once for the batch instead of once per row.
        refresh_current_many(written)
