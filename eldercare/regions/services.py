"""Use cases of the regions app: load a division list as a new version, correct a locality."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection, transaction

from eldercare.core.audit import record_change
from eldercare.regions.codes import ancestor_codes
from eldercare.regions.models import ClassSource, Region
from eldercare.regions.sources import RegionRecord

DEFAULT_MINIMUM_AGE = 60
_INSERT_BATCH = 20_000


@dataclass
class LoadSummary:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    retired: int = 0
    locality_unknown: int = 0
    by_level: dict[int, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "created": self.created,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "retired": self.retired,
            "locality_unknown": self.locality_unknown,
            "by_level": dict(sorted(self.by_level.items())),
        }


def load_regions(
    records: Iterable[RegionRecord],
    *,
    valid_from: date,
    dataset: str,
    retire_within: list[str] | None,
    dry_run: bool = False,
) -> LoadSummary:
    """Make the current version of every region match the records.

    A new code is inserted; a code whose name, parent or class changed gets its current row
    closed the day before `valid_from` and a new row; an unchanged code is left alone, so loading
    the same list twice changes nothing. Codes of the current tree that the list no longer has are
    retired, but only inside `retire_within` (the subtrees the list covers completely; None = the
    whole country).
    """
    summary = LoadSummary()
    current = {
        row[1]: row
        for row in Region.objects.current().values_list(
            "id", "code", "name", "parent_code", "urban_rural_class", "locality", "class_source"
        )
    }
    seen: set[str] = set()
    to_close: list[int] = []
    to_insert: list[tuple[str | int | date, ...]] = []
    for record in records:
        if record.code in seen:
            continue
        seen.add(record.code)
        summary.by_level[record.level] = summary.by_level.get(record.level, 0) + 1
        if record.level == 5 and not record.locality:
            summary.locality_unknown += 1
        existing = current.get(record.code)
        if existing is not None and not _differs(existing, record):
            summary.unchanged += 1
            continue
        if existing is not None:
            to_close.append(existing[0])
            summary.changed += 1
        else:
            summary.created += 1
        to_insert.append(_row(record, valid_from, dataset))

    retire_scopes = [""] if retire_within is None else retire_within
    for code, existing in current.items():
        if code not in seen and any(code.startswith(_prefix(scope)) for scope in retire_scopes):
            to_close.append(existing[0])
            summary.retired += 1

    if dry_run:
        return summary
    closing_date = valid_from - timedelta(days=1)
    with transaction.atomic():
        for start in range(0, len(to_close), 900):
            Region.objects.filter(id__in=to_close[start : start + 900]).update(
                valid_to=closing_date
            )
        _bulk_insert(to_insert)
    return summary


def _prefix(scope_code: str) -> str:
    return scope_code.rstrip("0") if scope_code else ""


def _differs(existing: tuple[object, ...], record: RegionRecord) -> bool:
    _, _, name, parent, class_code, locality, class_source = existing
    if name != record.name or parent != record.parent_code:
        return True
    if record.is_class_official:
        return class_code != record.urban_rural_class
    # A derived guess never overrides an administrator's correction or an official class.
    if class_source in (ClassSource.MANUAL, ClassSource.OFFICIAL):
        return False
    return locality != record.locality


def _row(record: RegionRecord, valid_from: date, dataset: str) -> tuple[str | int | date, ...]:
    source: str = ""
    if record.is_class_official:
        source = ClassSource.OFFICIAL
    elif record.locality:
        source = ClassSource.DERIVED
    return (
        record.code,
        record.name,
        record.level,
        record.parent_code,
        record.urban_rural_class,
        record.locality,
        str(source),
        valid_from,
        dataset,
    )


def _bulk_insert(rows: list[tuple[str | int | date, ...]]) -> None:
    """One parameterised executemany per batch: ~10× faster than bulk_create for 600k rows."""
    table = connection.ops.quote_name(Region._meta.db_table)
    sql = (
        f"INSERT INTO {table} (code, name, level, parent_code, urban_rural_class, locality, "
        "class_source, valid_from, dataset) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _INSERT_BATCH):
            cursor.executemany(sql, rows[start : start + _INSERT_BATCH])


@transaction.atomic
def correct_locality(*, actor: object, code: str, locality: str) -> Region:
    """An administrator's correction of a village's urban/rural class; it survives reloads."""
    region = Region.objects.current().select_for_update().get(code=code)
    before = {"locality": region.locality, "class_source": region.class_source}
    region.locality = locality
    region.class_source = ClassSource.MANUAL
    region.save(update_fields=["locality", "class_source"])
    record_change(
        actor=actor,
        obj=region,
        region_code=region.code,
        before=before,
        after={"locality": locality, "class_source": ClassSource.MANUAL},
    )
    return region


def current_region(code: str) -> Region | None:
    return Region.objects.current().filter(code=code).first()


def region_names(codes: Iterable[str]) -> dict[str, str]:
    return dict(Region.objects.current().filter(code__in=set(codes)).values_list("code", "name"))


def registry_age_floors(codes: Iterable[str] | None = None) -> dict[str, int]:
    """The regions (of `codes`, or all) that set their own registry age floor: a handful."""
    regions = Region.objects.current().filter(registry_minimum_age__gt=0)
    if codes is not None:
        regions = regions.filter(code__in=list(codes))
    return {code: age for code, age in regions.values_list("code", "registry_minimum_age") if age}


def minimum_registry_age(region_code: str, floors: Mapping[str, int] | None = None) -> int:
    """The nearest setting up the tree, or the national default of 60.

    Bulk callers pass `floors` from registry_age_floors() to avoid a query per region.
    """
    ancestors = ancestor_codes(region_code)
    if floors is None:
        floors = registry_age_floors(ancestors)
    for code in reversed(ancestors):
        if code in floors:
            return floors[code]
    return DEFAULT_MINIMUM_AGE
