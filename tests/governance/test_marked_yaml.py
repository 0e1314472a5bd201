"""The YAML walker: every value reader from a table, with the place of each problem."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from eldercare.governance.rules.marked_yaml import DataFileError, FileProblem, Walker, compose


def read(text: str, method: str, **options: Any) -> tuple[Any, list[tuple[int, int, str, str]]]:
    walker = Walker("w.yaml")
    root = compose("w.yaml", text)
    node = root.value[0][1]  # the value of the first key
    value = getattr(walker, method)(node, "v", **options)
    if method == "sequence":
        value = [path for path, _node in value]
    return value, [(p.line, p.column, p.path, p.code) for p in walker.problems]


@pytest.mark.parametrize(
    ("text", "method", "options", "value", "problems"),
    [
        ("v: 3", "integer", {}, 3, []),
        ("v: -1", "integer", {}, None, [(1, 4, "v", "number_range")]),
        ("v: 3.5", "integer", {}, None, [(1, 4, "v", "integer_invalid")]),
        ("v:", "integer", {"required": True}, None, [(1, 3, "v", "required")]),
        ("v: 12%", "decimal", {}, Decimal("0.12"), []),
        ("v: .inf", "decimal", {}, None, [(1, 4, "v", "number_invalid")]),
        ("v: 7", "decimal", {"maximum": Decimal(5)}, None, [(1, 4, "v", "number_range")]),
        ("v: true", "boolean", {}, True, []),
        ("v: 否", "boolean", {}, False, []),
        ("v: 2020-02-30", "date", {}, None, [(1, 4, "v", "date_invalid")]),
        ("v: 2020-02-29", "date", {}, date(2020, 2, 29), []),
        ("v: 一二三四五", "text", {"max_length": 3}, "一二三四五", [(1, 4, "v", "too_long")]),
        ("v: [a]", "text", {}, "", [(1, 4, "v", "shape")]),
        ("v: '  '", "text", {"required": True}, "", [(1, 4, "v", "required")]),
        ("v: ~", "text", {"required": True}, "", [(1, 4, "v", "required")]),
        ("v: ''", "texts", {}, [], []),
        ("v: 单个", "texts", {}, ["单个"], []),
        ("v: [甲, '', 乙]", "texts", {}, ["甲", "乙"], [(1, 8, "v[1]", "required")]),
        ("v: ~", "sequence", {}, [], []),
        ("v: {a: 1}", "sequence", {}, [], [(1, 4, "v", "shape")]),
        ("v: [1, 2]", "sequence", {}, ["v[0]", "v[1]"], []),
        (
            "v: x",
            "choice",
            {"choices": ("a", "b"), "default": "a"},
            "a",
            [(1, 4, "v", "choice_unknown")],
        ),
        ("v: ''", "choice", {"choices": ("a", "b"), "default": "a"}, "a", []),
        ("v: {1: x}", "mapping", {"optional": ("1",)}, {"1": None}, []),
        ("v: {[a]: x}", "mapping", {}, {}, [(1, 5, "v", "key_invalid")]),
    ],
)
def test_walker_readers(text: str, method: str, options: dict, value: Any, problems: list) -> None:
    got, found = read(text, method, **options)
    if method == "mapping":
        got = dict.fromkeys(got or {})
    assert (got, found) == (value, problems)


def test_problems_are_sorted_by_place_and_printed_with_it() -> None:
    walker = Walker("w.yaml")
    walker.problem(None, "b", "x", "第二")
    walker.problem(compose("w.yaml", "a: 1"), "a", "y", "第一")
    with pytest.raises(DataFileError) as caught:
        walker.raise_if_any()
    assert [str(p) for p in caught.value.problems] == ["w.yaml b：第二", "w.yaml:1:1 a：第一"]
    assert str(FileProblem("f", 0, 0, "", "c", "整体")) == "f：整体"


def test_a_scanner_error_has_its_place() -> None:
    with pytest.raises(DataFileError) as caught:
        compose("w.yaml", "a: 'unclosed\n")
    (problem,) = caught.value.problems
    assert (problem.line, problem.code) == (2, "yaml_syntax")
