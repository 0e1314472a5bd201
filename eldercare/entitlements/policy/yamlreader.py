"""Reading YAML nodes with their positions: every value check reports file, line, column and path.

The file is composed (yaml.compose with SafeLoader), never constructed: nothing in it is executed,
and each node keeps the mark of where it starts. Problems are collected, not raised.
"""

import difflib
import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from eldercare.entitlements.policy.problems import Problem

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
TIMESTAMP = "tag:yaml.org,2002:timestamp"
SCALAR_NAMES = {
    STR: "文本",
    INT: "整数",
    FLOAT: "小数",
    BOOL: "布尔值",
    NULL: "空值",
    TIMESTAMP: "日期",
}

DECIMAL_INTEGER = re.compile(r"[+-]?(0|[1-9][0-9]*)")
AMOUNT = re.compile(r"(0|[1-9][0-9]*)(\.[0-9]+)?")
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def kind_of(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "映射"
    if isinstance(node, SequenceNode):
        return "列表"
    if node.tag in SCALAR_NAMES:
        name = SCALAR_NAMES[node.tag]
        return name if node.tag == NULL else f"{name} “{node.value}”"
    return f"带标签 {node.tag} 的值"


def suggestion(word: str, known: Iterable[str]) -> str:
    """`，是否想写 “amount”？` when a known word is close, else the list of known words."""
    candidates = list(known)
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    if close:
        return f"，是否想写 “{close[0]}”？"
    return f"；可用：{'、'.join(candidates)}"


class Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.key_of: dict[int, Node] = {}  # id(value node) → its key node, filled by mapping()

    def report(self, node: Node, path: str, message: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.source, mark.line + 1, mark.column + 1, path, message))

    def position(self, value: Node) -> tuple[int, int]:
        """Line and column of the field holding this value (its key), else of the value."""
        mark = self.key_of.get(id(value), value).start_mark
        return mark.line + 1, mark.column + 1

    def report_at(self, line: int, column: int, path: str, message: str) -> None:
        self.problems.append(Problem(self.source, line, column, path, message))

    def compose(self, text: str) -> Node | None:
        try:
            aliases = [
                event
                for event in yaml.parse(text, Loader=yaml.SafeLoader)
                if isinstance(event, yaml.AliasEvent)
            ]
            for alias in aliases:
                mark = alias.start_mark
                assert mark is not None  # the parser marks every event
                self.report_at(
                    mark.line + 1,
                    mark.column + 1,
                    "",
                    f"不支持 YAML 别名（*{alias.anchor}）：请把内容直接写出，出错位置才能指到原处",
                )
            if aliases:
                return None
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            detail = " ".join(part for part in (error.context, error.problem) if part)
            self.problems.append(Problem(self.source, line, column, "", f"YAML 语法错误：{detail}"))
            return None
        if node is None:
            self.problems.append(Problem(self.source, 1, 1, "", "文件为空"))
        return node

    def wrong_type(self, node: Node, path: str, expected: str) -> None:
        self.report(node, path, f"类型错误：应为{expected}，实际为{kind_of(node)}")

    def mapping(
        self,
        node: Node,
        path: str,
        fields: Mapping[str, bool],
        *,
        misplaced: Mapping[str, str] | None = None,
        open_keys: bool = False,
    ) -> dict[str, Node] | None:
        """The fields of a mapping (name → required), checked: unknown, duplicate and missing.

        `misplaced` gives a better message for a known field that is wrong here; `open_keys`
        accepts any key (the caller checks them), e.g. the group names under `groups`.
        """
        if not isinstance(node, MappingNode):
            self.wrong_type(node, path, "映射（字段: 值）")
            return None
        found: dict[str, Node] = {}
        first_line: dict[str, int] = {}
        suggested: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == NULL:
                self.report(key_node, path, f"字段名应为文本，实际为{kind_of(key_node)}")
                continue
            name = str(key_node.value)
            where = join(path, name)
            if name in found:
                self.report(
                    key_node, where, f"字段 “{name}” 重复（第 {first_line[name]} 行已写过）"
                )
                continue
            first_line[name] = key_node.start_mark.line + 1
            if misplaced and name in misplaced:
                self.report(key_node, where, misplaced[name])
            elif not open_keys and name not in fields:
                close = difflib.get_close_matches(name, list(fields), n=1, cutoff=0.6)
                suggested.update(close)
                self.report(key_node, where, f"未知字段 “{name}”{suggestion(name, fields)}")
            else:
                found[name] = value_node
                self.key_of[id(value_node)] = key_node
        for name, required in fields.items():
            # A misspelt required field is reported once, as the unknown field with the suggestion.
            if required and name not in first_line and name not in suggested:
                self.report(node, join(path, name), f"缺少必填字段 “{name}”")
        return found

    def sequence(self, node: Node, path: str) -> list[Node] | None:
        """The items of a non-empty list."""
        if not isinstance(node, SequenceNode):
            self.wrong_type(node, path, "列表")
            return None
        if not node.value:
            self.report(node, path, "列表不能为空")
            return None
        return list(node.value)

    def text(self, node: Node, path: str) -> str | None:
        if not isinstance(node, ScalarNode) or node.tag != STR:
            self.wrong_type(node, path, "文本")
            return None
        value = str(node.value).strip()
        if not value:
            self.report(node, path, "不能为空")
            return None
        return value

    def scalar_text(self, node: Node, path: str) -> str | None:
        """Any plain scalar as written (a version `2021.1`, a code `320700000000`)."""
        if not isinstance(node, ScalarNode) or node.tag not in (STR, INT, FLOAT):
            self.wrong_type(node, path, "文本或数字")
            return None
        value = str(node.value).strip()
        if not value:
            self.report(node, path, "不能为空")
            return None
        return value

    def integer(self, node: Node, path: str, low: int, high: int, what: str) -> int | None:
        if (
            not isinstance(node, ScalarNode)
            or node.tag != INT
            or not DECIMAL_INTEGER.fullmatch(node.value)
        ):
            self.wrong_type(node, path, "十进制整数")
            return None
        value = int(node.value)
        if not low <= value <= high:
            self.report(node, path, f"{what}应在 {low} 至 {high} 之间，实际为 {value}")
            return None
        return value

    def boolean(self, node: Node, path: str) -> bool | None:
        if not isinstance(node, ScalarNode) or node.tag != BOOL:
            self.wrong_type(node, path, "布尔值（true 或 false）")
            return None
        return str(node.value).lower() in ("true", "yes", "on")

    def day(self, node: Node, path: str) -> date | None:
        if (
            not isinstance(node, ScalarNode)
            or node.tag not in (TIMESTAMP, STR)
            or not DAY.fullmatch(node.value)
        ):
            self.wrong_type(node, path, "日期（YYYY-MM-DD）")
            return None
        try:
            return date.fromisoformat(node.value)
        except ValueError:
            self.report(node, path, f"日期 {node.value} 不存在")
            return None

    def amount_fen(self, node: Node, path: str) -> int | None:
        """Yuan with at most two decimals (60, 60.5, 60.00) as integer fen, exactly."""
        if (
            not isinstance(node, ScalarNode)
            or node.tag not in (INT, FLOAT)
            or not AMOUNT.fullmatch(node.value)
        ):
            self.wrong_type(node, path, "金额（元，如 60 或 60.00）")
            return None
        amount = Decimal(node.value)
        if amount != amount.quantize(Decimal("0.01")):
            self.report(node, path, f"金额 {node.value} 元最多两位小数（到分）")
            return None
        if amount == 0:
            self.report(node, path, "金额必须大于 0")
            return None
        return int(amount * 100)

    def code(self, node: Node, path: str, codes: Mapping[str, str], what: str) -> str | None:
        """One code of a vocabulary, with a suggestion when it is misspelt."""
        if not isinstance(node, ScalarNode) or node.tag != STR:
            self.wrong_type(node, path, f"{what}代码（文本）")
            return None
        value = str(node.value)
        if value not in codes:
            known = "、".join(f"{code}（{name}）" for code, name in codes.items())
            close = difflib.get_close_matches(value, list(codes), n=1, cutoff=0.6)
            hint = f"是否想写 “{close[0]}”？" if close else ""
            self.report(node, path, f"未知的{what}代码 “{value}”。{hint}可用：{known}")
            return None
        return value

    def codes(
        self, node: Node, path: str, codes: Mapping[str, str], what: str
    ) -> tuple[str, ...] | None:
        """A non-empty list of distinct codes; None if anything in it is wrong."""
        items = self.sequence(node, path)
        if items is None:
            return None
        values: list[str] = []
        ok = True
        for index, item in enumerate(items):
            where = f"{path}[{index}]"
            value = self.code(item, where, codes, what)
            if value is None:
                ok = False
            elif value in values:
                self.report(item, where, f"{what}代码 “{value}” 重复")
                ok = False
            else:
                values.append(value)
        return tuple(values) if ok else None
