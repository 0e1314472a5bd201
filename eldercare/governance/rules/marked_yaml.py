"""YAML read as a node tree, so every problem is reported with its file, line, column and key path.

`compose` gives the nodes with their marks; `Walker` turns them into values and collects problems
instead of stopping at the first one, so a malformed file is reported completely in one pass.
Scalars are read from their text (a date stays "2020-09-30" until a rule parses it), which keeps
YAML's implicit typing (`no` → False, `2020-09-30` → date) out of the data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

import yaml

__all__ = ["DataFileError", "FileProblem", "Walker", "compose"]


@dataclass(frozen=True)
class FileProblem:
    """A place in a data file: line and column are 1-based (0 when unknown); path is the key path."""

    file: str
    line: int
    column: int
    path: str
    code: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        return f"{where} {self.path}：{self.message}" if self.path else f"{where}：{self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "code": self.code,
            "message": self.message,
        }


class DataFileError(ValueError):
    """A data file is malformed; `problems` names every place. Nothing was loaded."""

    def __init__(self, problems: list[FileProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def compose(file: str, text: str) -> yaml.Node | None:
    """The node tree of `text`; a syntax error becomes a DataFileError with its place."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
        message = error.problem or error.context or "无法解析"
        raise DataFileError(
            [FileProblem(file, line, column, "", "yaml_syntax", f"YAML 格式错误：{message}")]
        ) from error
    except yaml.YAMLError as error:
        raise DataFileError(
            [FileProblem(file, 0, 0, "", "yaml_syntax", f"YAML 格式错误：{error}")]
        ) from error


_KINDS = {
    yaml.MappingNode: "映射",
    yaml.SequenceNode: "列表",
    yaml.ScalarNode: "单个值",
}
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")


class Walker:
    """Reads values out of nodes; every problem is recorded with the node's place and the path."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[FileProblem] = []

    # --- problems ---------------------------------------------------------------------------

    def problem(self, node: yaml.Node | None, path: str, code: str, message: str) -> None:
        if node is None:
            line = column = 0
        else:
            line, column = node.start_mark.line + 1, node.start_mark.column + 1
        self.problems.append(FileProblem(self.file, line, column, path, code, message))

    def raise_if_any(self) -> None:
        if self.problems:
            raise DataFileError(sorted(self.problems, key=lambda p: (p.line, p.column, p.path)))

    # --- structure --------------------------------------------------------------------------

    def mapping(
        self,
        node: yaml.Node,
        path: str,
        *,
        required: tuple[str, ...] = (),
        optional: tuple[str, ...] = (),
    ) -> dict[str, yaml.Node] | None:
        """The mapping's values by key; unknown, duplicate and missing keys are problems."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, path, "shape", f"应为映射（键: 值），实为{_kind(node)}")
            return None
        allowed = set(required) | set(optional)
        found: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else ""
            key_path = _join(path, key)
            if not key or not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, path, "key_invalid", "键应为文字")
            elif key in found:
                self.problem(key_node, key_path, "key_duplicate", f"重复的键：{key}")
            elif key not in allowed:
                self.problem(
                    key_node,
                    key_path,
                    "key_unknown",
                    f"无法识别的键：{key}（可用：{'、'.join(sorted(allowed))}）",
                )
            else:
                found[key] = value_node
        for key in required:
            if key not in found:
                self.problem(node, _join(path, key), "required", f"缺少必填的键：{key}")
        return found

    def sequence(self, node: yaml.Node | None, path: str) -> Iterator[tuple[str, yaml.Node]]:
        """(path, node) of each element; a missing or null value is an empty list."""
        if node is None or self.is_null(node):
            return
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, path, "shape", f"应为列表，实为{_kind(node)}")
            return
        for index, element in enumerate(node.value):
            yield f"{path}[{index}]", element

    # --- scalars ----------------------------------------------------------------------------

    @staticmethod
    def is_null(node: yaml.Node) -> bool:
        return (
            isinstance(node, yaml.ScalarNode)
            and node.style is None
            and bool(_NULL.match(node.value))
        )

    def text(
        self, node: yaml.Node | None, path: str, *, required: bool = False, max_length: int = 0
    ) -> str:
        if node is None:  # a missing key: Walker.mapping reports it when it is required
            return ""
        if self.is_null(node):
            if required:
                self.problem(node, path, "required", "必填，不能为空")
            return ""
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, path, "shape", f"应为文字，实为{_kind(node)}")
            return ""
        value = str(node.value).strip()
        if required and not value:
            self.problem(node, path, "required", "必填，不能为空")
        if max_length and len(value) > max_length:
            self.problem(node, path, "too_long", f"不能超过{max_length}个字（实为{len(value)}）")
        return value

    def texts(self, node: yaml.Node | None, path: str) -> list[str]:
        """A list of texts; a single text is a list of one."""
        if node is not None and isinstance(node, yaml.ScalarNode) and not self.is_null(node):
            value = self.text(node, path)
            return [value] if value else []
        values = []
        for item_path, item in self.sequence(node, path):
            value = self.text(item, item_path, required=True)
            if value:
                values.append(value)
        return values

    def decimal(
        self,
        node: yaml.Node | None,
        path: str,
        *,
        required: bool = False,
        minimum: Decimal | None = None,
        maximum: Decimal | None = None,
    ) -> Decimal | None:
        text = self.text(node, path, required=required)
        if not text:
            return None
        try:
            value = Decimal(text.replace("%", "")) / (100 if text.endswith("%") else 1)
        except InvalidOperation:
            self.problem(node, path, "number_invalid", f"应为数字：{text}")
            return None
        if not value.is_finite():
            self.problem(node, path, "number_invalid", f"应为有限的数字：{text}")
            return None
        if minimum is not None and value < minimum:
            self.problem(node, path, "number_range", f"不能小于{minimum}：{text}")
            return None
        if maximum is not None and value > maximum:
            self.problem(node, path, "number_range", f"不能大于{maximum}：{text}")
            return None
        return value

    def integer(
        self, node: yaml.Node | None, path: str, *, required: bool = False, minimum: int = 0
    ) -> int | None:
        text = self.text(node, path, required=required)
        if not text:
            return None
        if not (text.isascii() and text.lstrip("-").isdigit()):
            self.problem(node, path, "integer_invalid", f"应为整数：{text}")
            return None
        value = int(text)
        if value < minimum:
            self.problem(node, path, "number_range", f"不能小于{minimum}：{text}")
            return None
        return value

    def boolean(self, node: yaml.Node | None, path: str) -> bool:
        text = self.text(node, path)
        if text in ("", "false", "False", "no", "否"):
            return False
        if text in ("true", "True", "yes", "是"):
            return True
        self.problem(node, path, "boolean_invalid", f"应为 true 或 false：{text}")
        return False

    def date(self, node: yaml.Node | None, path: str, *, required: bool = False) -> date | None:
        text = self.text(node, path, required=required)
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.problem(node, path, "date_invalid", f"应为日期（如 2020-09-30）：{text}")
            return None

    def choice(
        self, node: yaml.Node | None, path: str, choices: tuple[str, ...], *, default: str = ""
    ) -> str:
        text = self.text(node, path, required=not default)
        if not text:
            return default
        if text not in choices:
            self.problem(
                node, path, "choice_unknown", f"无法识别“{text}”，可选：{'、'.join(choices)}"
            )
            return default
        return text


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(node: yaml.Node | None) -> str:
    return _KINDS.get(type(node), "空值") if node is not None else "空值"
