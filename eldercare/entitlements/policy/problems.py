"""The errors of a rule file: every problem with its exact place, collected, then raised once."""

from collections.abc import Iterable
from typing import NamedTuple


class Problem(NamedTuple):
    """One thing wrong with a rule file.

    `line` and `column` count from 1 (the YAML node's start); `path` names the field the way the
    documentation does (`rules[3].when.age.min`, "" for the whole file); `message` is Chinese.
    """

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class PolicyError(ValueError):
    """A rule file (or a directory of them) that cannot be loaded; `problems` lists all of them."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(
            sorted(problems, key=lambda p: (p.file, p.line, p.column))
        )
        count = len(self.problems)
        super().__init__(f"规则文件有 {count} 处错误：\n" + "\n".join(map(str, self.problems)))
