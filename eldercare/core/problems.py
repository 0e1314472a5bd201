"""What is wrong with a request, in Chinese: the input problems and the refused transitions.

Every domain app reports bad input as a `DataError` listing one `Problem` per field, and a request
its records' state does not allow as a `StateError`. An app's errors module subclasses them to give
its fields their labels and its errors their names; core/api_problems.py turns them into API
responses. Plain Python, so that pure rule modules can raise them.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar


@dataclass(frozen=True)
class Problem:
    """One wrong input: the field ("" for the request as a whole), a stable code, a message."""

    field: str
    code: str
    message: str

    # A subclass names its app's fields here; a field without a label is shown by its name.
    labels: ClassVar[Mapping[str, str]] = {}

    @property
    def label(self) -> str:
        return self.labels.get(self.field, self.field)

    def __str__(self) -> str:
        return f"{self.label}：{self.message}" if self.field else self.message


ProblemT = TypeVar("ProblemT", bound=Problem)


class DataError(ValueError, Generic[ProblemT]):
    """One or more inputs are wrong; `problems` names each of them."""

    def __init__(self, problems: list[ProblemT]) -> None:
        self.problems = problems
        super().__init__("；".join(str(p) for p in problems))


class StateError(ValueError):
    """The record is not in a state that allows the request (an illegal transition)."""

    def __init__(self, message: str, *, code: str = "state") -> None:
        super().__init__(message)
        self.code = code


def refuse_unknown_fields(data: Mapping[str, Any], allowed: Collection[str]) -> None:
    """A key outside `allowed` is refused rather than silently dropped; the error names them all."""
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise DataError(
            [Problem(name, "field_unknown", f"无法识别的字段：{name}") for name in unknown]
        )
