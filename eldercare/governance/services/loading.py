"""Loading task lists and scoring sheets from their data files (rules/*_file.py read them).

Every file is read and checked before anything is written, and a load runs in one transaction:
all or nothing. Loading is idempotent: a list or sheet whose content is unchanged (same
fingerprint) is left alone. A changed task list is updated in place — tasks are matched by
section, number and part, so their reports and status stay — but a task that has reports or
findings cannot disappear from the file. A changed scoring sheet is replaced, unless it has
manual scores or runs: a sheet in use is never rewritten under its results (load it under a new
key instead). `region` loads a file for another region than its own (the national table for a
pilot county, the Huining sheet for a demo county).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from eldercare.core.audit import record
from eldercare.core.models import AuditAction
from eldercare.governance.errors import DataFileError, FileProblem
from eldercare.governance.models import (
    IndicatorTarget,
    ManualScore,
    Organisation,
    ScoringItem,
    ScoringSheet,
    ScoringSubItem,
    Task,
    TaskList,
)
from eldercare.governance.rules.scoring_sheet_file import ParsedSheet, read_scoring_sheet
from eldercare.governance.rules.task_list_file import ParsedTask, ParsedTaskList, read_task_list
from eldercare.regions.codes import RegionCodeError, level_of, normalize_code

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
TASK_LIST_DIR = DATA_DIR / "task-lists"
SCORING_SHEET_DIR = DATA_DIR / "scoring-sheets"


def shipped_task_lists() -> list[Path]:
    return sorted(TASK_LIST_DIR.glob("*.yaml"))


def shipped_scoring_sheets() -> list[Path]:
    return sorted(SCORING_SHEET_DIR.glob("*.yaml"))


@dataclass
class LoadSummary:
    files: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    tasks_created: int = 0
    tasks_updated: int = 0
    tasks_removed: int = 0
    organisations_created: int = 0
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "files": list(self.files),
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "tasks_created": self.tasks_created,
            "tasks_updated": self.tasks_updated,
            "tasks_removed": self.tasks_removed,
            "organisations_created": self.organisations_created,
            "warnings": list(self.warnings),
        }


def override_region(region: str | None) -> str | None:
    """The `--region` option as a 12-digit code of a province, city or county."""
    if region is None:
        return None
    code = normalize_code(region)
    if level_of(code) > 3:
        raise RegionCodeError(f"应为省、市或县级区划：{code}")
    return code


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise DataFileError(
            [FileProblem(path.name, 0, 0, "", "encoding", f"文件应为 UTF-8 编码：{error}")]
        ) from error


def _read_all(paths: Sequence[Path], reader: Any) -> list[Any]:
    parsed, problems = [], []
    for path in paths:
        try:
            parsed.append(reader(path.name, _text(path)))
        except DataFileError as error:
            problems.extend(error.problems)
    if problems:
        raise DataFileError(problems)
    return parsed


def _check_identities(files: Sequence[ParsedTaskList | ParsedSheet]) -> None:
    seen: dict[tuple[str, str], str] = {}
    problems = []
    for parsed in files:
        identity = (parsed.key, parsed.region_code)
        if identity in seen:
            problems.append(
                FileProblem(
                    parsed.file,
                    0,
                    0,
                    "key",
                    "key_duplicate",
                    f"key {parsed.key} 与 {seen[identity]} 重复",
                )
            )
        seen.setdefault(identity, parsed.file)
    if problems:
        raise DataFileError(problems)


# --- task lists ---------------------------------------------------------------------------------


def load_task_lists(
    paths: Sequence[Path], *, region: str | None = None, dry_run: bool = False, actor: Any = None
) -> LoadSummary:
    return _load_files(paths, read_task_list, _load_task_list, region, dry_run, actor)


def _load_files(
    paths: Sequence[Path],
    read: Callable[[str, str], Any],
    load_one: Callable[[Any, LoadSummary, Any], None],
    region: str | None,
    dry_run: bool,
    actor: Any,
) -> LoadSummary:
    """Read and check every file first, then load them all in one transaction (or none)."""
    files = _read_all(paths, read)
    code = override_region(region)
    for parsed in files:
        if code is not None:
            parsed.region_code = code
    _check_identities(files)
    summary = LoadSummary(files=[p.file for p in files])
    with transaction.atomic():
        for parsed in files:
            summary.warnings.extend(str(w) for w in parsed.warnings)
            load_one(parsed, summary, actor)
        if dry_run:
            transaction.set_rollback(True)
    return summary


def _load_task_list(parsed: ParsedTaskList, summary: LoadSummary, actor: Any) -> None:
    existing = (
        TaskList.objects.select_for_update()
        .filter(key=parsed.key, region_code=parsed.region_code)
        .first()
    )
    fingerprint = parsed.fingerprint
    if existing is not None and existing.fingerprint == fingerprint:
        summary.unchanged += 1
        return
    units = _organisations(parsed, summary)
    values = {
        "region_name": parsed.region_name,
        "kind": parsed.kind,
        "title": parsed.title,
        "source": parsed.source,
        "period_start": parsed.period_start,
        "period_end": parsed.period_end,
        "columns": parsed.columns,
        "warnings": [w.as_dict() for w in parsed.warnings],
        "file_name": parsed.file,
        "fingerprint": fingerprint,
    }
    if existing is None:
        task_list = TaskList.objects.create(
            key=parsed.key, region_code=parsed.region_code, **values
        )
        summary.created += 1
    else:
        task_list = existing
        for name, value in values.items():
            setattr(task_list, name, value)
        task_list.save()
        summary.updated += 1
    _sync_tasks(task_list, parsed, units, summary)
    record(
        actor=actor,
        action=AuditAction.IMPORT if existing is None else AuditAction.UPDATE,
        obj=task_list,
        region_code=task_list.region_code,
        detail={"file": parsed.file, "tasks": len(parsed.tasks)},
    )


def _organisations(parsed: ParsedTaskList, summary: LoadSummary) -> dict[str, Organisation]:
    units: dict[str, Organisation] = {}
    for unit in parsed.units:
        organisation, created = Organisation.objects.get_or_create(
            region_code=parsed.region_code,
            name=unit.name,
            defaults={"kind": unit.kind, "full_name": unit.full_name},
        )
        if created:
            summary.organisations_created += 1
        elif (organisation.kind, organisation.full_name) != (unit.kind, unit.full_name):
            organisation.kind, organisation.full_name = unit.kind, unit.full_name
            organisation.save(update_fields=["kind", "full_name"])
        units[unit.name] = organisation
    return units


def _task_values(parsed: ParsedTask) -> dict[str, Any]:
    deadline = parsed.deadline
    return {
        "position": parsed.position,
        "section": parsed.section,
        "parts_in_task": parsed.parts_in_task,
        "name": parsed.name,
        "requirement": parsed.requirement,
        "goals": list(parsed.goals),
        "content": list(parsed.content),
        "lead_text": parsed.lead_text,
        "co_text": parsed.co_text,
        "deadline_text": deadline.text,
        "deadline_kind": deadline.kind.value,
        "milestones": [
            {"label": m.label, "due_on": m.due_on.isoformat()} for m in deadline.milestones
        ],
        "due_on": deadline.due_on,
    }


def _sync_tasks(
    task_list: TaskList,
    parsed: ParsedTaskList,
    units: dict[str, Organisation],
    summary: LoadSummary,
) -> None:
    existing = {
        (t.section_position, t.number, t.part): t for t in task_list.tasks.select_for_update()
    }
    wanted = {(p.section_position, p.number, p.part): p for p in parsed.tasks}
    gone = [task for key, task in existing.items() if key not in wanted]
    in_use = [t for t in gone if t.reports.exists() or t.findings.exists()]
    if in_use:
        raise DataFileError(
            [
                FileProblem(
                    parsed.file,
                    0,
                    0,
                    "tasks",
                    "task_in_use",
                    f"任务 {t.display_number}（{t.name}）已有进展报告或督查问题，不能从文件中删除",
                )
                for t in in_use
            ]
        )
    IndicatorTarget.objects.filter(task__task_list=task_list).delete()
    for removed in gone:
        removed.delete()
        summary.tasks_removed += 1
    for key, item in wanted.items():
        values = _task_values(item)
        task = existing.get(key)
        if task is None:
            task = Task.objects.create(
                task_list=task_list,
                section_position=item.section_position,
                number=item.number,
                part=item.part,
                **values,
            )
            summary.tasks_created += 1
        else:
            for name, value in values.items():
                setattr(task, name, value)
            task.save()
            summary.tasks_updated += 1
        task.lead_units.set([units[name] for name in item.lead])
        task.co_units.set([units[name] for name in item.co])
        IndicatorTarget.objects.bulk_create(
            IndicatorTarget(
                code=target.indicator,
                region_code=task_list.region_code,
                value=target.value,
                due_on=target.due_on,
                label=f"{task_list.title} 第{task.display_number}项",
                task=task,
            )
            for target in item.targets
        )


# --- scoring sheets -----------------------------------------------------------------------------


def load_scoring_sheets(
    paths: Sequence[Path], *, region: str | None = None, dry_run: bool = False, actor: Any = None
) -> LoadSummary:
    return _load_files(paths, read_scoring_sheet, _load_sheet, region, dry_run, actor)


def _load_sheet(parsed: ParsedSheet, summary: LoadSummary, actor: Any) -> None:
    existing = (
        ScoringSheet.objects.select_for_update()
        .filter(key=parsed.key, region_code=parsed.region_code)
        .first()
    )
    fingerprint = parsed.fingerprint
    if existing is not None and existing.fingerprint == fingerprint:
        summary.unchanged += 1
        return
    if existing is not None and (
        existing.runs.exists()
        or ManualScore.objects.filter(sub_item__item__sheet=existing).exists()
    ):
        raise DataFileError(
            [
                FileProblem(
                    parsed.file,
                    0,
                    0,
                    "key",
                    "sheet_in_use",
                    f"考核表 {parsed.key} 已有评分记录，内容变化后请以新的 key 载入",
                )
            ]
        )
    values = {
        "region_name": parsed.region_name,
        "title": parsed.title,
        "source": parsed.source,
        "year": parsed.year,
        "columns": parsed.columns,
        "total": parsed.total,
        "bonus_total": parsed.bonus_total,
        "warnings": [w.as_dict() for w in parsed.warnings],
        "file_name": parsed.file,
        "fingerprint": fingerprint,
    }
    if existing is None:
        sheet = ScoringSheet.objects.create(
            key=parsed.key, region_code=parsed.region_code, **values
        )
        summary.created += 1
    else:
        sheet = existing
        for name, value in values.items():
            setattr(sheet, name, value)
        sheet.save()
        sheet.items.all().delete()
        summary.updated += 1
    for position, item in enumerate(parsed.items, start=1):
        row = ScoringItem.objects.create(
            sheet=sheet,
            position=position,
            number=item.number,
            name=item.name,
            max_points=item.points,
            is_bonus=item.is_bonus,
            requirement=item.requirement,
            goals=list(item.goals),
        )
        for sub_position, sub in enumerate(item.sub_items, start=1):
            sub_row = ScoringSubItem.objects.create(
                item=row,
                position=sub_position,
                key=sub.key,
                number=sub.number,
                text=sub.text,
                points=sub.points,
                rule=sub.rule.as_dict(),
                deadline_text=sub.deadline_text,
                due_on=sub.due_on,
            )
            _sheet_targets(sheet, sub_row, sub)
    record(
        actor=actor,
        action=AuditAction.IMPORT if existing is None else AuditAction.UPDATE,
        obj=sheet,
        region_code=sheet.region_code,
        detail={"file": parsed.file, "warnings": [w.message for w in parsed.warnings]},
    )


def _sheet_targets(sheet: ScoringSheet, row: ScoringSubItem, sub: Any) -> None:
    """Threshold bounds and proportional targets are targets of their indicator."""
    rule = sub.rule
    label = f"{sheet.title} 第{row.key}项"
    due = rule.as_of or sub.due_on
    targets = []
    if rule.kind == "threshold" and rule.at_least is not None:
        targets.append((rule.at_least, False))
    if rule.kind == "threshold" and rule.at_most is not None:
        targets.append((rule.at_most, True))
    if rule.kind == "proportional" and rule.target is not None:
        targets.append((rule.target, False))
    for value, is_upper in targets:
        IndicatorTarget.objects.create(
            code=rule.indicator,
            region_code=sheet.region_code,
            value=value,
            is_upper_bound=is_upper,
            due_on=due,
            label=label,
            sub_item=row,
        )
