"""The task-list file format (任务清单、工作要求表), read and checked with exact places. No Django.

The format is documented in docs/governance-data.md. `read_task_list(name, text)` returns a
ParsedTaskList or raises DataFileError naming every problem (file, line, column, key path,
message). Deadline texts without a derivable date are not errors; they come back as warnings.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import yaml

from eldercare.governance.rules.deadlines import (
    Deadline,
    DeadlineError,
    DeadlineKind,
    parse_deadline,
)
from eldercare.governance.rules.file_common import (
    check_format,
    check_key,
    fingerprint,
    region_code,
)
from eldercare.governance.rules.indicator_catalogue import CATALOGUE
from eldercare.governance.rules.marked_yaml import FileProblem, Walker, compose

FORMAT = "eldercare.task-list/1"
LIST_KINDS = ("task_list", "requirements")
UNIT_KINDS = ("government", "department", "committee", "party", "group", "collective")
COLUMN_KEYS = ("number", "name", "requirement", "content", "lead", "co", "deadline", "goals")
DEFAULT_COLUMNS = {
    "task_list": {
        "number": "序号",
        "name": "工作任务",
        "content": "具体内容",
        "lead": "牵头单位",
        "co": "责任单位",
        "deadline": "完成时限",
    },
    "requirements": {
        "number": "序号",
        "name": "工作内容",
        "requirement": "工作要求",
        "content": "具体要求",
        "deadline": "完成时限",
        "goals": "工作目标",
    },
}
PART_KEYS = ("content", "lead", "lead_text", "co", "co_text", "deadline", "due", "targets")


@dataclass(frozen=True)
class ParsedUnit:
    name: str
    kind: str
    full_name: str


@dataclass(frozen=True)
class ParsedTarget:
    indicator: str
    value: Decimal
    due_on: date | None


@dataclass(frozen=True)
class ParsedTask:
    section: str
    section_position: int
    number: str
    part: int  # 1-based; a numbered task with one row has part 1
    parts_in_task: int
    position: int  # order in the file
    name: str
    requirement: str
    goals: tuple[str, ...]
    content: tuple[str, ...]
    lead: tuple[str, ...]
    co: tuple[str, ...]
    lead_text: str
    co_text: str
    deadline: Deadline
    targets: tuple[ParsedTarget, ...] = ()
    line: int = 0

    @property
    def key(self) -> str:
        return f"{self.section_position}.{self.number}.{self.part}"


@dataclass
class ParsedTaskList:
    file: str
    key: str
    region_code: str
    region_name: str
    kind: str
    title: str
    source: str
    period_start: date | None
    period_end: date | None
    columns: dict[str, str]
    units: list[ParsedUnit] = field(default_factory=list)
    tasks: list[ParsedTask] = field(default_factory=list)
    warnings: list[FileProblem] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        return fingerprint(
            {
                "key": self.key,
                "region": self.region_code,
                "kind": self.kind,
                "title": self.title,
                "source": self.source,
                "period": [self.period_start, self.period_end],
                "columns": self.columns,
                "units": self.units,
                "tasks": self.tasks,
            }
        )


def read_task_list(
    file: str, text: str, *, known_indicators: Collection[str] = CATALOGUE.keys()
) -> ParsedTaskList:
    walker = Walker(file)
    root = compose(file, text)
    if root is None:
        walker.problem(None, "", "empty", "文件为空")
        walker.raise_if_any()
    assert root is not None
    top = walker.mapping(
        root,
        "",
        required=("format", "key", "region", "kind", "title"),
        optional=("region_name", "source", "period", "columns", "units", "sections", "tasks"),
    )
    if top is None:
        walker.raise_if_any()
    assert top is not None
    check_format(walker, top.get("format"), FORMAT)
    kind = walker.choice(top.get("kind"), "kind", LIST_KINDS, default="") if "kind" in top else ""
    start, end = _period(walker, top.get("period"))
    parsed = ParsedTaskList(
        file=file,
        key=check_key(walker, top.get("key")),
        region_code=region_code(walker, top.get("region"), allow_national=True) or "",
        region_name=walker.text(top.get("region_name"), "region_name", max_length=60),
        kind=kind,
        title=walker.text(top.get("title"), "title", required=True, max_length=200),
        source=walker.text(top.get("source"), "source", max_length=500),
        period_start=start,
        period_end=end,
        columns=_columns(walker, top.get("columns"), kind),
    )
    parsed.units, unit_names = _units(walker, top.get("units"))
    reader = _TaskReader(walker, parsed, unit_names, set(known_indicators))
    if "sections" in top and "tasks" in top:
        walker.problem(top["tasks"], "tasks", "shape", "sections 与 tasks 只能用其一")
    elif "sections" in top:
        for section_index, (path, node) in enumerate(walker.sequence(top["sections"], "sections")):
            section = walker.mapping(node, path, required=("tasks",), optional=("name",))
            if section is None:
                continue
            name = walker.text(section.get("name"), f"{path}.name", max_length=100)
            reader.tasks(section.get("tasks"), f"{path}.tasks", name, section_index + 1)
    else:
        reader.tasks(top.get("tasks"), "tasks", "", 1)
    if not parsed.tasks and not walker.problems:
        walker.problem(root, "tasks", "required", "清单中没有任务")
    walker.raise_if_any()
    return parsed


def _period(walker: Walker, node: yaml.Node | None) -> tuple[date | None, date | None]:
    if node is None:
        return None, None
    period = walker.mapping(node, "period", optional=("start", "end"))
    if period is None:
        return None, None
    start = walker.date(period.get("start"), "period.start")
    end = walker.date(period.get("end"), "period.end")
    if start and end and start > end:
        walker.problem(period["end"], "period.end", "period_order", "结束日期早于开始日期")
    return start, end


def _columns(walker: Walker, node: yaml.Node | None, kind: str) -> dict[str, str]:
    columns = dict(DEFAULT_COLUMNS.get(kind, {}))
    if node is None:
        return columns
    mapping = walker.mapping(node, "columns", optional=COLUMN_KEYS)
    for key, value in (mapping or {}).items():
        columns[key] = walker.text(value, f"columns.{key}", required=True, max_length=40)
    return columns


def _units(walker: Walker, node: yaml.Node | None) -> tuple[list[ParsedUnit], set[str]]:
    """The valid units, and the names of all units (a unit with a wrong kind is reported once,
    not again at every task that names it)."""
    units: list[ParsedUnit] = []
    seen: dict[str, int] = {}
    for path, unit_node in walker.sequence(node, "units"):
        mapping = walker.mapping(
            unit_node, path, required=("name", "kind"), optional=("full_name",)
        )
        if mapping is None:
            continue
        name = walker.text(mapping.get("name"), f"{path}.name", required=True, max_length=60)
        kind = walker.choice(mapping.get("kind"), f"{path}.kind", UNIT_KINDS, default="")
        if name in seen:
            walker.problem(
                mapping["name"],
                f"{path}.name",
                "unit_duplicate",
                f"单位重复：{name}（第{seen[name]}行已有）",
            )
            continue
        if name:
            seen[name] = unit_node.start_mark.line + 1
        full_name = walker.text(mapping.get("full_name"), f"{path}.full_name", max_length=100)
        if name and kind:
            units.append(ParsedUnit(name=name, kind=kind, full_name=full_name or name))
    return units, set(seen)


class _TaskReader:
    def __init__(
        self,
        walker: Walker,
        parsed: ParsedTaskList,
        unit_names: set[str],
        known_indicators: set[str],
    ) -> None:
        self.walker = walker
        self.parsed = parsed
        self.unit_names = unit_names
        self.known_indicators = known_indicators
        self.seen: dict[tuple[int, str], int] = {}

    def tasks(self, node: yaml.Node | None, path: str, section: str, section_position: int) -> None:
        walker = self.walker
        for task_path, task_node in walker.sequence(node, path):
            task = walker.mapping(
                task_node,
                task_path,
                required=("number", "name"),
                optional=("requirement", "goals", "parts", *PART_KEYS),
            )
            if task is None:
                continue
            number = walker.text(
                task.get("number"), f"{task_path}.number", required=True, max_length=10
            )
            if number:
                where = (section_position, number)
                if where in self.seen:
                    walker.problem(
                        task["number"],
                        f"{task_path}.number",
                        "number_duplicate",
                        f"序号 {number} 重复（第{self.seen[where]}行已有）",
                    )
                self.seen.setdefault(where, task_node.start_mark.line + 1)
            common = {
                "section": section,
                "section_position": section_position,
                "number": number,
                "name": walker.text(
                    task.get("name"), f"{task_path}.name", required=True, max_length=200
                ),
                "requirement": walker.text(task.get("requirement"), f"{task_path}.requirement"),
                "goals": tuple(walker.texts(task.get("goals"), f"{task_path}.goals")),
            }
            if "parts" in task:
                inline = [key for key in PART_KEYS if key in task]
                if inline:
                    walker.problem(
                        task_node,
                        f"{task_path}.{inline[0]}",
                        "shape",
                        f"已有 parts 时不能在任务上直接写 {'、'.join(inline)}",
                    )
                parts = list(walker.sequence(task["parts"], f"{task_path}.parts"))
                if not parts:
                    walker.problem(
                        task["parts"], f"{task_path}.parts", "required", "parts 不能为空"
                    )
                for index, (part_path, part_node) in enumerate(parts):
                    mapping = walker.mapping(part_node, part_path, optional=PART_KEYS)
                    if mapping is not None:
                        self.part(mapping, part_node, part_path, common, index + 1, len(parts))
            else:
                self.part(task, task_node, task_path, common, 1, 1)

    def part(
        self,
        mapping: dict[str, yaml.Node],
        node: yaml.Node,
        path: str,
        common: dict[str, object],
        part: int,
        parts_in_task: int,
    ) -> None:
        walker = self.walker
        lead = self.unit_list(mapping.get("lead"), f"{path}.lead")
        co = self.unit_list(mapping.get("co"), f"{path}.co")
        deadline = self.deadline(mapping, path)
        content = tuple(walker.texts(mapping.get("content"), f"{path}.content"))
        if not content and not common["requirement"]:
            walker.problem(node, f"{path}.content", "required", "缺少具体内容（content）")
        self.parsed.tasks.append(
            ParsedTask(
                part=part,
                parts_in_task=parts_in_task,
                position=len(self.parsed.tasks) + 1,
                content=content,
                lead=lead,
                co=co,
                lead_text=walker.text(mapping.get("lead_text"), f"{path}.lead_text", max_length=500)
                or "、".join(lead),
                co_text=walker.text(mapping.get("co_text"), f"{path}.co_text", max_length=500)
                or "、".join(co),
                deadline=deadline,
                targets=self.targets(mapping.get("targets"), f"{path}.targets", deadline),
                line=node.start_mark.line + 1,
                **common,  # type: ignore[arg-type]
            )
        )

    def unit_list(self, node: yaml.Node | None, path: str) -> tuple[str, ...]:
        names = []
        for item_path, item in (
            self.walker.sequence(node, path) if not _is_scalar(node) else [(path, node)]
        ):
            name = self.walker.text(item, item_path, required=True)
            if not name:
                continue
            if name not in self.unit_names:
                self.walker.problem(
                    item, item_path, "unit_unknown", f"单位“{name}”不在本文件的 units 中"
                )
                continue
            names.append(name)
        return tuple(names)

    def deadline(self, mapping: dict[str, yaml.Node], path: str) -> Deadline:
        walker = self.walker
        node = mapping.get("deadline")
        text = walker.text(node, f"{path}.deadline", max_length=100)
        try:
            deadline = parse_deadline(text, pilot_end=self.parsed.period_end)
        except DeadlineError as error:
            walker.problem(node, f"{path}.deadline", "deadline_invalid", str(error))
            deadline = Deadline(text=text, kind=DeadlineKind.TEXT)
        override = walker.date(mapping.get("due"), f"{path}.due")
        if override is not None:
            deadline = Deadline(
                text=deadline.text,
                kind=deadline.kind,
                milestones=deadline.milestones,
                due_on=override,
            )
        elif deadline.kind == DeadlineKind.TEXT:
            self.warn(
                node,
                f"{path}.deadline",
                "deadline_no_date",
                f"无法从“{text}”推算到期日；可写 due: 指定",
            )
        elif deadline.kind == DeadlineKind.PILOT and deadline.due_on is None:
            self.warn(
                node,
                f"{path}.deadline",
                "pilot_end_missing",
                "“试点期间”需要 period.end 才能推算到期日",
            )
        return deadline

    def targets(
        self, node: yaml.Node | None, path: str, deadline: Deadline
    ) -> tuple[ParsedTarget, ...]:
        walker = self.walker
        found = []
        for target_path, target_node in walker.sequence(node, path):
            mapping = walker.mapping(
                target_node, target_path, required=("indicator", "value"), optional=("by",)
            )
            if mapping is None:
                continue
            code = walker.text(mapping.get("indicator"), f"{target_path}.indicator", required=True)
            if code and code not in self.known_indicators:
                walker.problem(
                    mapping["indicator"],
                    f"{target_path}.indicator",
                    "indicator_unknown",
                    f"没有这个指标：{code}",
                )
            value = walker.decimal(mapping.get("value"), f"{target_path}.value", required=True)
            by = walker.date(mapping.get("by"), f"{target_path}.by") or deadline.due_on
            if code in self.known_indicators and value is not None:
                found.append(ParsedTarget(indicator=code, value=value, due_on=by))
        return tuple(found)

    def warn(self, node: yaml.Node | None, path: str, code: str, message: str) -> None:
        line, column = (node.start_mark.line + 1, node.start_mark.column + 1) if node else (0, 0)
        self.parsed.warnings.append(
            FileProblem(self.parsed.file, line, column, path, code, message)
        )


def _is_scalar(node: yaml.Node | None) -> bool:
    return isinstance(node, yaml.ScalarNode) and not Walker.is_null(node)
