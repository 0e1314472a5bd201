"""Loading the catalogue's data files (datafile.py reads and checks them) into the database.

Every selected file is checked completely before anything is written, and the load runs in one
transaction (all or nothing). Loading is idempotent: an item whose values are unchanged and a
list whose content was loaded before (same fingerprint) are left alone. A list whose content
changed becomes a new published version from its own `effective_from` (which must then be later
than the version it replaces); a version in effect is never edited in place.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from eldercare.catalogue.datafile import (
    DATA_DIR,
    NATIONAL,
    ParsedEntry,
    ParsedFile,
    ParsedList,
    read_file,
    shipped_files,
)
from eldercare.catalogue.errors import CatalogueDataError, CatalogueFileError, FileProblem
from eldercare.catalogue.models import ListStatus, ServiceItem, ServiceList, ServiceListEntry
from eldercare.catalogue.queries import applicable_region_codes
from eldercare.catalogue.services import (
    ENTRY_AUDIT_FIELDS,
    item_snapshot,
    list_snapshot,
    lock_family,
    publish_version,
)
from eldercare.core.audit import record, record_change
from eldercare.core.models import AuditAction
from eldercare.regions.codes import is_within, normalize_code

__all__ = ["DATA_DIR", "LoadSummary", "load_files", "read_file", "select_files", "shipped_files"]

# An item's values when the file leaves a key out (the file is the whole truth about the item).
ITEM_DEFAULTS: dict[str, Any] = {
    "standard_price_fen": None,
    "is_price_example": False,
    "service_standard": "",
    "minimum_minutes": None,
    "is_basic": False,
    "is_active": True,
    "source": "",
}


@dataclass
class LoadSummary:
    files: list[str] = field(default_factory=list)
    items_created: int = 0
    items_changed: int = 0
    items_unchanged: int = 0
    lists_created: int = 0
    lists_unchanged: int = 0
    lists_closed: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "files": list(self.files),
            "items_created": self.items_created,
            "items_changed": self.items_changed,
            "items_unchanged": self.items_unchanged,
            "lists_created": self.lists_created,
            "lists_unchanged": self.lists_unchanged,
            "lists_closed": self.lists_closed,
        }


# --- loading ------------------------------------------------------------------------------------


def select_files(files: Sequence[ParsedFile], only: Sequence[str]) -> list[ParsedFile]:
    """The files of the regions in `only` (and below them); "national" selects the national file."""
    if not only:
        return list(files)
    national = any(code.strip() in NATIONAL for code in only)
    codes = [normalize_code(code) for code in only if code.strip() not in NATIONAL]
    return [
        parsed
        for parsed in files
        if (parsed.region_code == "" and national)
        or (parsed.region_code and any(is_within(parsed.region_code, code) for code in codes))
    ]


def load_files(
    paths: Sequence[Path], *, only: Sequence[str] = (), dry_run: bool = False, actor: Any = None
) -> LoadSummary:
    """Check every file, then load the selected ones in one transaction (all or nothing)."""
    problems: list[FileProblem] = []
    parsed_files: list[ParsedFile] = []
    for path in paths:
        try:
            parsed_files.append(read_file(path))
        except CatalogueFileError as error:
            problems += error.problems
    if problems:
        raise CatalogueFileError(problems)
    selected = select_files(parsed_files, only)
    summary = LoadSummary(files=[parsed.name for parsed in selected])
    with transaction.atomic():
        _load(selected, summary, actor)
        if dry_run:
            transaction.set_rollback(True)
    return summary


def _load(files: list[ParsedFile], summary: LoadSummary, actor: Any) -> None:
    items = _load_items(files, summary, actor)
    problems: list[FileProblem] = []
    for parsed in files:
        for parsed_list in parsed.lists:
            for entry in parsed_list.entries:
                item = items.get(entry.item_code)
                message = None
                if item is None:
                    message = f"服务项目 {entry.item_code} 不存在（本文件和数据库中都没有；先载入定义它的文件）"
                elif item.region_code not in applicable_region_codes(parsed.region_code):
                    message = f"服务项目 {entry.item_code} 属于区划 {item.region_code}，不能列入本地区清单"
                if message:
                    problems.append(
                        FileProblem(
                            parsed.name, entry.line, f"{entry.path}.item", "item_unknown", message
                        )
                    )
    if problems:
        raise CatalogueFileError(problems)
    for parsed in files:
        for parsed_list in parsed.lists:
            _load_list(parsed, parsed_list, items, summary, actor)


def _load_items(
    files: list[ParsedFile], summary: LoadSummary, actor: Any
) -> dict[str, ServiceItem]:
    wanted = {
        entry.item_code for parsed in files for lst in parsed.lists for entry in lst.entries
    } | {item.values["code"] for parsed in files for item in parsed.items}
    existing = {item.code: item for item in ServiceItem.objects.filter(code__in=wanted)}
    problems: list[FileProblem] = []
    defined: dict[str, str] = {}
    for parsed in files:
        for index, parsed_item in enumerate(parsed.items):
            values = {**ITEM_DEFAULTS, **parsed_item.values}
            code = values["code"]
            path = f"items[{index}].code"
            if code in defined:
                problems.append(
                    FileProblem(
                        parsed.name,
                        parsed_item.line,
                        path,
                        "code_duplicate",
                        f"项目编码 {code} 已在 {defined[code]} 中定义",
                    )
                )
                continue
            defined[code] = parsed.name
            item = existing.get(code)
            if item is not None and item.region_code != parsed.region_code:
                problems.append(
                    FileProblem(
                        parsed.name,
                        parsed_item.line,
                        path,
                        "code_taken",
                        f"项目编码 {code} 已由区划 {item.region_code or '（全国）'} 设立，不能在本文件中重新定义",
                    )
                )
                continue
            if item is None:
                item = ServiceItem.objects.create(region_code=parsed.region_code, **values)
                existing[code] = item
                summary.items_created += 1
                record(
                    actor=actor,
                    action=AuditAction.IMPORT,
                    obj=item,
                    region_code=item.region_code,
                    changes=item_snapshot(item),
                    detail={"file": parsed.name},
                )
                continue
            before = item_snapshot(item)
            if all(getattr(item, key) == value for key, value in values.items()):
                summary.items_unchanged += 1
                continue
            for key, value in values.items():
                setattr(item, key, value)
            item.save()
            summary.items_changed += 1
            record_change(
                actor=actor,
                obj=item,
                region_code=item.region_code,
                before=before,
                after=item_snapshot(item),
                reason=f"载入 {parsed.name}",
            )
    if problems:
        raise CatalogueFileError(problems)
    return existing


def _load_list(
    parsed: ParsedFile,
    parsed_list: ParsedList,
    items: dict[str, ServiceItem],
    summary: LoadSummary,
    actor: Any,
) -> None:
    family = lock_family(parsed.region_code, parsed_list.kind)
    if any(version.fingerprint == parsed_list.fingerprint for version in family):
        summary.lists_unchanged += 1
        return
    published = [v for v in family if v.status == ListStatus.PUBLISHED]
    open_before = {v.pk for v in published if v.effective_to is None}
    new = ServiceList(
        region_code=parsed.region_code,
        kind=parsed_list.kind,
        version=max((v.version for v in family), default=0) + 1,
        based_on=max(published, key=lambda v: v.version, default=None),
        fingerprint=parsed_list.fingerprint,
        name=parsed_list.header["name"],
        basis=parsed_list.header.get("basis", ""),
        effective_from=parsed_list.header["effective_from"],
        effective_to=parsed_list.header.get("effective_to"),
    )
    try:
        publish_version(actor=actor, service_list=new, family=family, allow_backdating=True)
    except CatalogueDataError as error:
        raise CatalogueFileError(
            [
                FileProblem(
                    parsed.name,
                    parsed_list.date_line,
                    f"{parsed_list.path}.effective_from",
                    problem.code,
                    f"{problem.message}；内容有变化的清单须写明新版本的生效日期",
                )
                for problem in error.problems
            ]
        ) from error
    ServiceListEntry.objects.bulk_create(
        ServiceListEntry(
            service_list=new,
            item=items[entry.item_code],
            position=position,
            **_entry_values(entry, items[entry.item_code]),
        )
        for position, entry in enumerate(parsed_list.entries, start=1)
    )
    summary.lists_created += 1
    summary.lists_closed += sum(
        1 for v in published if v.pk in open_before and v.effective_to is not None
    )
    record(
        actor=actor,
        action=AuditAction.IMPORT,
        obj=new,
        region_code=new.region_code,
        changes=list_snapshot(new),
        detail={
            "file": parsed.name,
            "fingerprint": parsed_list.fingerprint,
            "entries": len(parsed_list.entries),
        },
    )


def _entry_values(entry: ParsedEntry, item: ServiceItem) -> dict[str, Any]:
    values: dict[str, Any] = dict.fromkeys(ENTRY_AUDIT_FIELDS, "")
    values.update(
        local_price_fen=item.standard_price_fen,
        is_price_example=item.is_price_example,
        is_basic=item.is_basic,
    )
    values.update(entry.values)
    return values
