"""The scoring-sheet file format (考核表), read and checked with exact places. No Django.

The format is documented in docs/governance-data.md. `read_scoring_sheet(name, text)` returns a
ParsedSheet or raises DataFileError naming every problem. Items whose sub-items do not add up to
the declared points are not errors — the source documents have them (Huining item 3) — and come
back as `warnings` with their place, to be stored with the sheet and shown wherever it is used.
The declared totals (`total`, `bonus_total`) must match the items: a mismatch is a typing error
in the file, not in the source.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import yaml

from eldercare.governance.rules.deadlines import DeadlineError, parse_deadline
from eldercare.governance.rules.file_common import check_format, check_key, fingerprint, region_code
from eldercare.governance.rules.indicator_catalogue import CATALOGUE
from eldercare.governance.rules.marked_yaml import FileProblem, Walker, compose
from eldercare.governance.rules.scoring import (
    ZERO,
    Item,
    Rule,
    RuleKind,
    Sheet,
    SubItem,
    sheet_warnings,
)

FORMAT = "eldercare.scoring-sheet/1"
COLUMN_KEYS = ("number", "name", "requirement", "sub_items", "goals", "points", "score", "evidence")
DEFAULT_COLUMNS = {
    "number": "序号",
    "name": "工作内容",
    "requirement": "工作要求",
    "sub_items": "具体要求",
    "goals": "工作目标",
    "points": "分值",
    "score": "得分",
    "evidence": "评分依据",
}
RULE_KEYS = (
    "kind",
    "indicator",
    "as_of",
    "at_least",
    "at_most",
    "target",
    "target_indicator",
    "per_missing",
    "per_extra",
    "cap",
)


@dataclass(frozen=True)
class ParsedSubItem:
    key: str
    number: str
    text: str
    points: Decimal
    rule: Rule
    deadline_text: str
    due_on: date | None
    line: int = 0


@dataclass(frozen=True)
class ParsedItem:
    number: str
    name: str
    points: Decimal
    is_bonus: bool
    requirement: str
    goals: tuple[str, ...]
    sub_items: tuple[ParsedSubItem, ...]
    line: int = 0


@dataclass
class ParsedSheet:
    file: str
    key: str
    region_code: str
    region_name: str
    title: str
    source: str
    year: int | None
    columns: dict[str, str]
    total: Decimal
    bonus_total: Decimal
    items: list[ParsedItem] = field(default_factory=list)
    warnings: list[FileProblem] = field(default_factory=list)

    def to_sheet(self) -> Sheet:
        return Sheet(
            items=tuple(
                Item(
                    number=item.number,
                    name=item.name,
                    max_points=item.points,
                    is_bonus=item.is_bonus,
                    sub_items=tuple(
                        SubItem(key=sub.key, text=sub.text, points=sub.points, rule=sub.rule)
                        for sub in item.sub_items
                    ),
                )
                for item in self.items
            )
        )

    @property
    def fingerprint(self) -> str:
        return fingerprint(
            {
                "key": self.key,
                "region": self.region_code,
                "title": self.title,
                "source": self.source,
                "year": self.year,
                "columns": self.columns,
                "total": self.total,
                "bonus_total": self.bonus_total,
                "items": [
                    {
                        **{k: getattr(item, k) for k in ("number", "name", "points", "is_bonus")},
                        "requirement": item.requirement,
                        "goals": item.goals,
                        "sub_items": [
                            [
                                s.key,
                                s.number,
                                s.text,
                                s.points,
                                s.rule.as_dict(),
                                s.deadline_text,
                                s.due_on,
                            ]
                            for s in item.sub_items
                        ],
                    }
                    for item in self.items
                ],
            }
        )


def read_scoring_sheet(
    file: str, text: str, *, known_indicators: Collection[str] = CATALOGUE.keys()
) -> ParsedSheet:
    walker = Walker(file)
    root = compose(file, text)
    if root is None:
        walker.problem(None, "", "empty", "文件为空")
        walker.raise_if_any()
    assert root is not None
    top = walker.mapping(
        root,
        "",
        required=("format", "key", "region", "title", "total", "items"),
        optional=("region_name", "source", "year", "columns", "bonus_total"),
    )
    if top is None:
        walker.raise_if_any()
    assert top is not None
    check_format(walker, top.get("format"), FORMAT)
    columns = dict(DEFAULT_COLUMNS)
    if "columns" in top:
        for key, node in (
            walker.mapping(top["columns"], "columns", optional=COLUMN_KEYS) or {}
        ).items():
            columns[key] = walker.text(node, f"columns.{key}", required=True, max_length=40)
    parsed = ParsedSheet(
        file=file,
        key=check_key(walker, top.get("key")),
        region_code=region_code(walker, top.get("region"), allow_national=True) or "",
        region_name=walker.text(top.get("region_name"), "region_name", max_length=60),
        title=walker.text(top.get("title"), "title", required=True, max_length=200),
        source=walker.text(top.get("source"), "source", max_length=500),
        year=walker.integer(top.get("year"), "year", minimum=2000),
        columns=columns,
        total=walker.decimal(top.get("total"), "total", minimum=ZERO) or ZERO,
        bonus_total=walker.decimal(top.get("bonus_total"), "bonus_total", minimum=ZERO) or ZERO,
    )
    known = set(known_indicators)
    numbers: dict[str, int] = {}
    for path, node in walker.sequence(top.get("items"), "items"):
        item = _item(walker, node, path, known)
        if item is None:
            continue
        if item.number in numbers:
            walker.problem(
                value_node(node, "number"),
                f"{path}.number",
                "number_duplicate",
                f"序号 {item.number} 重复（第{numbers[item.number]}行已有）",
            )
            continue
        numbers[item.number] = item.line
        parsed.items.append(item)
    if not walker.problems:
        _check_totals(walker, top, parsed)
    walker.raise_if_any()
    lines = {item.number: item for item in parsed.items}
    for warning in sheet_warnings(parsed.to_sheet()):
        item = lines[warning.item]
        index = parsed.items.index(item)
        parsed.warnings.append(
            FileProblem(
                file,
                item.line,
                item_column(root, index),
                f"items[{index}].points",
                warning.code,
                warning.message,
            )
        )
    return parsed


def value_node(node: yaml.Node, key: str) -> yaml.Node:
    """The value of `key` in a mapping node (the node itself when it has none)."""
    for key_node, value in getattr(node, "value", []):
        if getattr(key_node, "value", None) == key:
            return value  # type: ignore[no-any-return]
    return node


def item_column(root: yaml.Node, index: int) -> int:
    """The column of the item's first key, for the warning's place."""
    for key_node, value_node in getattr(root, "value", []):
        if getattr(key_node, "value", None) == "items" and isinstance(
            value_node, yaml.SequenceNode
        ):
            return int(value_node.value[index].start_mark.column) + 1
    return 0


def _item(walker: Walker, node: yaml.Node, path: str, known: set[str]) -> ParsedItem | None:
    mapping = walker.mapping(
        node,
        path,
        required=("number", "name", "points", "sub_items"),
        optional=("bonus", "requirement", "goals"),
    )
    if mapping is None:
        return None
    number = walker.text(mapping.get("number"), f"{path}.number", required=True, max_length=10)
    points = walker.decimal(mapping.get("points"), f"{path}.points", required=True, minimum=ZERO)
    sub_items = []
    nodes = list(walker.sequence(mapping.get("sub_items"), f"{path}.sub_items"))
    for index, (sub_path, sub_node) in enumerate(nodes):
        sub = _sub_item(walker, sub_node, sub_path, f"{number}.{index + 1}", known)
        if sub is not None:
            sub_items.append(sub)
    if "sub_items" in mapping and not nodes:
        walker.problem(
            mapping["sub_items"], f"{path}.sub_items", "required", "每个考核项目至少要有一个细项"
        )
    if points is None or not number:
        return None
    return ParsedItem(
        number=number,
        name=walker.text(mapping.get("name"), f"{path}.name", required=True, max_length=200),
        points=points,
        is_bonus=walker.boolean(mapping.get("bonus"), f"{path}.bonus"),
        requirement=walker.text(mapping.get("requirement"), f"{path}.requirement"),
        goals=tuple(walker.texts(mapping.get("goals"), f"{path}.goals")),
        sub_items=tuple(sub_items),
        line=node.start_mark.line + 1,
    )


def _sub_item(
    walker: Walker, node: yaml.Node, path: str, key: str, known: set[str]
) -> ParsedSubItem | None:
    mapping = walker.mapping(
        node, path, required=("text", "points"), optional=("number", "rule", "deadline", "due")
    )
    if mapping is None:
        return None
    text = walker.text(mapping.get("text"), f"{path}.text", required=True)
    points = walker.decimal(mapping.get("points"), f"{path}.points", required=True, minimum=ZERO)
    rule = _rule(walker, mapping.get("rule"), f"{path}.rule", known)
    deadline_text = walker.text(mapping.get("deadline"), f"{path}.deadline", max_length=100)
    due_on = walker.date(mapping.get("due"), f"{path}.due")
    if due_on is None and deadline_text:
        try:
            due_on = parse_deadline(deadline_text).due_on
        except DeadlineError as error:
            walker.problem(
                mapping.get("deadline"), f"{path}.deadline", "deadline_invalid", str(error)
            )
    if points is None or rule is None:
        return None
    return ParsedSubItem(
        key=key,
        number=walker.text(mapping.get("number"), f"{path}.number", max_length=10)
        if "number" in mapping
        else key.split(".")[1],
        text=text,
        points=points,
        rule=rule,
        deadline_text=deadline_text,
        due_on=due_on,
        line=node.start_mark.line + 1,
    )


def _rule(walker: Walker, node: yaml.Node | None, path: str, known: set[str]) -> Rule | None:
    """`rule: manual` (the default when left out) or a mapping with `kind` and its parameters."""
    kinds = tuple(kind.value for kind in RuleKind)
    if node is None:
        return Rule()
    if isinstance(node, yaml.ScalarNode):
        kind = walker.choice(node, path, kinds, default="")
        if kind and kind != RuleKind.MANUAL:
            walker.problem(node, path, "rule_incomplete", f"{kind} 规则须写成映射并给出参数")
            return None
        return Rule() if kind else None
    mapping = walker.mapping(node, path, required=("kind",), optional=RULE_KEYS)
    if mapping is None:
        return None
    kind = walker.choice(mapping.get("kind"), f"{path}.kind", kinds, default="")
    if not kind:
        return None
    before = len(walker.problems)
    numbers = {
        name: walker.decimal(mapping.get(name), f"{path}.{name}")
        for name in ("at_least", "at_most", "target", "cap")
    }
    per_missing = walker.decimal(mapping.get("per_missing"), f"{path}.per_missing") or ZERO
    per_extra = walker.decimal(mapping.get("per_extra"), f"{path}.per_extra") or ZERO
    indicator = walker.text(mapping.get("indicator"), f"{path}.indicator")
    target_indicator = walker.text(mapping.get("target_indicator"), f"{path}.target_indicator")
    for name, code in (("indicator", indicator), ("target_indicator", target_indicator)):
        if code and code not in known:
            walker.problem(
                mapping[name], f"{path}.{name}", "indicator_unknown", f"没有这个指标：{code}"
            )
    if kind == RuleKind.MANUAL and len(mapping) > 1:
        extra = sorted(set(mapping) - {"kind"})
        walker.problem(
            mapping[extra[0]], f"{path}.{extra[0]}", "rule_parameter", "人工评分规则不带参数"
        )
    rule = Rule(
        kind=RuleKind(kind),
        indicator=indicator,
        as_of=walker.date(mapping.get("as_of"), f"{path}.as_of"),
        at_least=numbers["at_least"],
        at_most=numbers["at_most"],
        target=numbers["target"],
        target_indicator=target_indicator,
        per_missing=per_missing,
        per_extra=per_extra,
        cap=numbers["cap"],
    )
    for key, message in rule.problems():
        walker.problem(mapping.get(key, node), f"{path}.{key}", "rule_invalid", message)
    return rule if len(walker.problems) == before else None


def _check_totals(walker: Walker, top: dict[str, yaml.Node], parsed: ParsedSheet) -> None:
    base = sum((i.points for i in parsed.items if not i.is_bonus), ZERO)
    bonus = sum((i.points for i in parsed.items if i.is_bonus), ZERO)
    if base != parsed.total:
        walker.problem(
            top["total"],
            "total",
            "total_mismatch",
            f"声明总分 {parsed.total}，各项（不含加分项）合计 {base}",
        )
    if bonus != parsed.bonus_total:
        walker.problem(
            top.get("bonus_total", top["total"]),
            "bonus_total",
            "total_mismatch",
            f"声明加分 {parsed.bonus_total}，加分项合计 {bonus}",
        )
