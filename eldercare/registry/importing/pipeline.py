"""Import a screening sheet into the register: validate every row, then create or update.

How it runs, and why:

- Pass 1 reads only the ID column, to find ID numbers that occur on more than one row (after
  normalising 15-digit and full-width forms): those rows are all rejected, since the file does
  not say which one is right. Only one int per ID is kept, not the rows.
- Pass 2 reads the rows again in batches of BATCH_SIZE. Per batch there is one query for the
  residents already registered under the batch's IDs (and their phones, contacts, screenings),
  one for unseen region codes; region checks, minimum ages, name look-ups and needs parsing are
  cached for the whole file. Each row is checked by checking.RowChecker (the field rules are
  registry.validation.clean_resident's) and the valid rows of a batch written by writing.Writer.
- Blank cells carry no information: they never clear a stored value, and a new resident gets the
  model defaults. A row whose ID is registered updates only the fields whose cell is filled and
  differs, so importing the same file twice changes nothing the second time.
- Everything is one transaction (common.run_import). All-or-nothing (the default): after the first
  rejected row nothing more is written, the rest is still validated and counted, and the
  transaction is rolled back, so the counts say what would have happened. A dry run never writes
  and opens no transaction (on SQLite a write transaction would lock out every other writer
  meanwhile).
- Audit: one IMPORT event per non-dry-run import, with the file name, its SHA-256 and the counts;
  plus one UPDATE event per updated resident with {field: [old, new]} (writing.py says why
  creates have no event of their own).
"""

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from django.utils import timezone

from eldercare.accounts.access import Action, require
from eldercare.core.idcard import IdNumber, IdNumberError, parse_id_number
from eldercare.core.models import AuditEvent
from eldercare.registry.importing.checking import Existing, Plan, RowChecker
from eldercare.registry.importing.columns import RESIDENT_KEYS, Layout, find_layout
from eldercare.registry.importing.common import (
    cell,
    chunks,
    data_rows,
    find_repeats,
    id_key,
    run_import,
)
from eldercare.registry.importing.readers import NumberedRow, Table
from eldercare.registry.importing.results import ImportResult
from eldercare.registry.importing.writing import Writer
from eldercare.registry.models import Resident, ResidentContact, ResidentPhone, ScreeningRecord

BATCH_SIZE = 2_000

# Fields compared when a row's ID number is already registered (phones have their own table).
COMPARED_FIELDS = tuple(key for key in RESIDENT_KEYS if key != "phones")


def import_residents(
    path: Path,
    *,
    actor: Any,
    dry_run: bool,
    valid_only: bool,
    progress: Callable[[int], None] | None = None,
    today: date | None = None,
    sheet: str | None = None,
    file_name: str | None = None,
    on_total: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import the sheet at `path` as `actor`; FileImportError when the file itself is unusable.

    `progress` receives the number of data rows done so far, `on_total` the number of data rows
    once pass 1 has counted them; `file_name` is the name shown in the audit trail (an upload is
    stored under another name).
    """
    require(actor, Action.IMPORT_REGISTRY)
    day = today or timezone.localdate()
    name = file_name or path.name

    def prepare(table: Table, layout: Layout, result: ImportResult) -> tuple[int, _Importer]:
        total, duplicates = _find_duplicates(table, layout, day)
        return total, _Importer(actor, day, layout, result, duplicates, name)

    return run_import(
        path,
        actor=actor,
        object_type=Resident._meta.label_lower,
        find_layout=find_layout,
        prepare=prepare,
        batch_size=BATCH_SIZE,
        dry_run=dry_run,
        valid_only=valid_only,
        progress=progress,
        on_total=on_total,
        sheet=sheet,
        file_name=name,
        written_tables=(Resident, ResidentPhone, ResidentContact, ScreeningRecord, AuditEvent),
    )


def _find_duplicates(table: Table, layout: Layout, today: date) -> tuple[int, dict[int, list[int]]]:
    """Pass 1: the number of data rows, and ID → row numbers for IDs on more than one row."""
    position = layout.index["id_number"]
    return find_repeats(
        data_rows(table, layout), lambda cells: id_key(cell(cells, position), today)
    )


class _Importer:
    """Pass 2: checks rows batch by batch and writes the valid ones when asked to."""

    def __init__(
        self,
        actor: Any,
        today: date,
        layout: Layout,
        result: ImportResult,
        duplicates: dict[int, list[int]],
        file_name: str,
    ) -> None:
        self.today = today
        self.layout = layout
        self.result = result
        self.checker = RowChecker(actor, today, layout, duplicates)
        self.writer = Writer(actor, file_name)

    def check_batch(self, batch: list[NumberedRow]) -> list[Plan]:
        identities: list[IdNumber | None] = []
        position = self.layout.index["id_number"]
        for _, cells in batch:
            try:
                identities.append(parse_id_number(cell(cells, position), today=self.today))
            except IdNumberError:
                identities.append(None)
        existing = self._load_existing([i.number for i in identities if i])
        self.checker.prefetch(batch)
        plans: list[Plan] = []
        for (row, cells), identity in zip(batch, identities, strict=True):
            self.result.rows += 1
            number = identity.number if identity else None
            verdict = self.checker.check(row, cells, identity, existing.get(number or ""))
            if verdict.problems:
                self.result.reject(row, verdict.problems)
            elif verdict.plan is None:
                self.result.unchanged += 1
            else:
                if verdict.plan.existing is None:
                    self.result.created += 1
                else:
                    self.result.updated += 1
                plans.append(verdict.plan)
        return plans

    def write(self, plans: list[Plan]) -> None:
        self.writer.write(plans)

    def _load_existing(self, numbers: list[str]) -> dict[str, Existing]:
        """The registered residents of these ID numbers, with what the sheet's columns change."""
        found: dict[str, Existing] = {}
        for chunk in chunks(numbers):
            for values in Resident.objects.filter(id_number__in=chunk).values(
                "pk", *COMPARED_FIELDS
            ):
                pk = values.pop("pk")
                found[values["id_number"]] = Existing(pk, values)
        if not found:
            return found
        by_pk = {existing.pk: existing for existing in found.values()}
        pks = sorted(by_pk)
        for pk_chunk in chunks(pks):
            if self.layout.has("phones"):
                for resident_id, number in (
                    ResidentPhone.objects.filter(resident_id__in=pk_chunk)
                    .order_by("resident_id", "position", "id")
                    .values_list("resident_id", "number")
                ):
                    by_pk[resident_id].phones.append(number)
            if self.checker.has_contacts:
                for pk, resident_id, name, relation, phone, order in (
                    ResidentContact.objects.filter(resident_id__in=pk_chunk)
                    .order_by("resident_id", "call_order", "id")
                    .values_list("pk", "resident_id", "name", "relation", "phone", "call_order")
                ):
                    by_pk[resident_id].contacts.append((pk, name, relation, phone, order))
            if self.checker.has_screening:
                for pk, resident_id, screened_on, needs, surveyor in ScreeningRecord.objects.filter(
                    resident_id__in=pk_chunk
                ).values_list("pk", "resident_id", "screened_on", "needs", "surveyor_name"):
                    by_pk[resident_id].screenings[screened_on] = (pk, needs, surveyor)
        return found
