"""The conditions of the rules in effect on a day, compiled into one Python function.

`compile_rules(conditions)(person, age)` returns, per condition, exactly what
`condition.failing(person, age)` returns (None, or the deciding node) — a property test checks it —
but in one call with no per-node method calls: the monthly run evaluates a million residents.

The generated source contains only integer literals, the names of the PersonFacts attributes below
and names of constants; every set, code and node is passed as a constant, never as text.
"""

from collections.abc import Callable, Sequence

from eldercare.entitlements.policy.conditions import (
    AgeCondition,
    AllOf,
    AnyOf,
    CapabilityCondition,
    CategoryCondition,
    ChoiceCondition,
    Condition,
    DisabledCondition,
    GradeCondition,
    Not,
)
from eldercare.entitlements.policy.facts import PersonFacts

Compiled = Callable[[PersonFacts, int], list[Condition | None]]
CHOICE_ATTRIBUTES = frozenset(
    {"economic_status", "living_arrangement", "family_planning_status", "residence_type"}
)
NEVER = 1 << 30  # a level no threshold reaches: an unknown standard is never 失能


class _Source:
    def __init__(self) -> None:
        self.constants: dict[str, object] = {}

    def constant(self, value: object) -> str:
        name = f"k{len(self.constants)}"
        self.constants[name] = value
        return name

    def holds(self, node: Condition) -> str:
        """A side-effect-free expression that is true iff the node holds."""
        if isinstance(node, AgeCondition):
            return f"({int(node.low)} <= age <= {int(node.high)})"
        if isinstance(node, ChoiceCondition):
            assert node.attribute in CHOICE_ATTRIBUTES, node.attribute
            return f"(p.{node.attribute} in {self.constant(node.value_set)})"
        if isinstance(node, CategoryCondition):
            return f"(not {self.constant(node.value_set)}.isdisjoint(categories))"
        if isinstance(node, CapabilityCondition):
            return (
                f"(capability is not None and capability[0] == {self.constant(node.standard)}"
                f" and {int(node.low)} <= capability[1] <= {int(node.high)})"
            )
        if isinstance(node, DisabledCondition):
            thresholds = self.constant(node.thresholds)
            return (
                f"(capability is not None and capability[1] >= "
                f"{thresholds}.get(capability[0], {NEVER}))"
            )
        if isinstance(node, GradeCondition):
            return f"(grade is not None and {int(node.low)} <= grade <= {int(node.high)})"
        if isinstance(node, AllOf):
            return "(" + " and ".join(self.holds(child) for child in node.children) + ")"
        if isinstance(node, AnyOf):
            return "(" + " or ".join(self.holds(child) for child in node.children) + ")"
        assert isinstance(node, Not), node
        return f"(not {self.holds(node.child)})"

    def steps(self, node: Condition) -> list[tuple[str, str]]:
        """(holds expression, deciding node) in the order `failing` checks them."""
        if isinstance(node, AllOf):
            return [step for child in node.children for step in self.steps(child)]
        return [(self.holds(node), self.constant(node))]


def compile_rules(conditions: Sequence[Condition]) -> Compiled:
    source = _Source()
    lines = [
        "def decide(p, age):",
        "    capability = p.capability",
        "    grade = p.disability_grade",
        "    categories = p.categories",
    ]
    for index, condition in enumerate(conditions):
        for number, (holds, node) in enumerate(source.steps(condition)):
            lines.append(f"    {'elif' if number else 'if'} not {holds}:")
            lines.append(f"        d{index} = {node}")
        lines.append("    else:")
        lines.append(f"        d{index} = None")
    lines.append("    return [" + ", ".join(f"d{i}" for i in range(len(conditions))) + "]")
    namespace = dict(source.constants)
    exec(compile("\n".join(lines), "<entitlement rules>", "exec"), namespace)
    decide: Compiled = namespace["decide"]  # type: ignore[assignment]
    return decide
