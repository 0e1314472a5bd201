"""Views and API modules may reach a scoped model only through accounts.access."""

import ast
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parents[2] / "eldercare"
INTERFACE_MODULES = sorted(
    path
    for pattern in ("**/views.py", "**/*_views.py", "**/api.py", "**/views/*.py")
    for path in ROOT.glob(pattern)
)
ACCESS_FUNCTIONS = {"scoped", "get_scoped_or_404"}


def scoped_model_names() -> set[str]:
    return {model.__name__ for model in apps.get_models() if hasattr(model, "scope_field")}


def unscoped_manager_uses(source: str, model_names: set[str]) -> list[int]:
    tree = ast.parse(source)
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    offending = []
    for node in ast.walk(tree):
        is_manager = (
            isinstance(node, ast.Attribute)
            and node.attr in ("objects", "_default_manager", "_base_manager")
            and isinstance(node.value, ast.Name)
            and node.value.id in model_names
        )
        if is_manager and not _inside_access_call(node, parents):
            offending.append(node.lineno)
    return offending


def _inside_access_call(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    current = parents.get(node)
    while current is not None:
        if isinstance(current, ast.Call):
            func = current.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in ACCESS_FUNCTIONS:
                return True
        current = parents.get(current)
    return False


def test_there_are_interface_modules_to_check() -> None:
    assert any(path.name == "views.py" for path in INTERFACE_MODULES)


@pytest.mark.parametrize("path", INTERFACE_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_interface_module_queries_scoped_models_only_through_access(path: Path) -> None:
    lines = unscoped_manager_uses(path.read_text(), scoped_model_names())
    assert lines == [], f"{path}: direct queries of a scoped model on lines {lines}"


def test_the_checker_catches_a_direct_query() -> None:
    bad = "def view(request):\n    return Resident.objects.get(pk=1)\n"
    good = "def view(request):\n    return scoped(request.user, Resident.objects.all())\n"
    assert unscoped_manager_uses(bad, {"Resident"}) == [2]
    assert unscoped_manager_uses(good, {"Resident"}) == []
