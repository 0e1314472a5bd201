"""The condition tree of a rule: each node checks one person and says, in Chinese, why it fails.

`failing(person, age)` returns None when the condition holds, else the node that decided: the
first failing condition of an all_of (in the order written), the any_of itself when no alternative
holds, the not itself when what it excludes holds. `explain` is only asked of the deciding node.
Nodes keep the file position and path they came from, so an explanation can point at the line.
"""

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from datetime import date
from operator import attrgetter

from eldercare.entitlements.policy.facts import PersonFacts
from eldercare.entitlements.policy.vocabulary import (
    ACTIVE,
    CATEGORIES,
    DISABILITY_GRADES,
    RESIDENT_STATUSES,
    STANDARD_SHORT_NAMES,
    label,
    level_label,
)
from eldercare.registry.rules import age_on


class Condition(ABC):
    """A node of a rule's `when`."""

    __slots__ = ("column", "line", "path")

    def __init__(self, path: str, line: int, column: int) -> None:
        self.path = path
        self.line = line
        self.column = column

    @abstractmethod
    def failing(self, person: PersonFacts, age: int) -> "Condition | None":
        """None when the condition holds for the person, else the node that decided."""

    @abstractmethod
    def describe(self) -> str:
        """What the condition requires, e.g. `年龄 ≥ 80`."""

    @abstractmethod
    def actual(self, person: PersonFacts, age: int) -> str:
        """The person's values this condition looks at, e.g. `年龄 78`."""

    @abstractmethod
    def explain(self, person: PersonFacts, age: int) -> str:
        """Why the condition fails for the person, e.g. `年龄 78 < 80`."""

    def looks_at(self, person: PersonFacts, age: int) -> list[str]:
        """The person's values of every leaf below, in order (an actual value per leaf)."""
        return [self.actual(person, age)]

    def holds(self, person: PersonFacts, on: date) -> bool:
        return self.failing(person, age_on(person.birth_date, on)) is None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.path}: {self.describe()}>"


def _names(codes: Mapping[str, str], values: tuple[str, ...]) -> str:
    return "、".join(codes[value] for value in values)


class AgeCondition(Condition):
    """`age: {min, max}`: full years on the evaluation date, both bounds inclusive."""

    __slots__ = ("high", "low", "maximum", "minimum")

    def __init__(
        self, path: str, line: int, column: int, minimum: int | None, maximum: int | None
    ) -> None:
        super().__init__(path, line, column)
        self.minimum = minimum
        self.maximum = maximum
        self.low = -1 if minimum is None else minimum
        self.high = 1 << 30 if maximum is None else maximum

    def failing(self, person: PersonFacts, age: int) -> Condition | None:
        return None if self.low <= age <= self.high else self

    def describe(self) -> str:
        if self.maximum is None:
            return f"年龄 ≥ {self.minimum}"
        if self.minimum is None:
            return f"年龄 ≤ {self.maximum}"
        return f"年龄在 {self.minimum} 至 {self.maximum} 之间"

    def actual(self, person: PersonFacts, age: int) -> str:
        return f"年龄 {age}"

    def explain(self, person: PersonFacts, age: int) -> str:
        if age < self.low:
            return f"年龄 {age} < {self.minimum}"
        return f"年龄 {age} > {self.maximum}"


class ChoiceCondition(Condition):
    """`economic_status` / `living_arrangement` / `family_planning_status` / `household`: any_of."""

    __slots__ = ("attribute", "codes", "get", "title", "value_set", "values")

    def __init__(
        self,
        path: str,
        line: int,
        column: int,
        *,
        attribute: str,
        title: str,
        codes: Mapping[str, str],
        values: tuple[str, ...],
    ) -> None:
        super().__init__(path, line, column)
        self.attribute = attribute
        self.title = title
        self.codes = codes
        self.values = values
        self.value_set = frozenset(values)
        self.get: Callable[[PersonFacts], str] = attrgetter(attribute)

    def failing(self, person: PersonFacts, age: int) -> Condition | None:
        return None if self.get(person) in self.value_set else self

    def describe(self) -> str:
        return f"{self.title}属于 {_names(self.codes, self.values)}"

    def actual(self, person: PersonFacts, age: int) -> str:
        return f"{self.title} {label(self.codes, self.get(person))}"

    def explain(self, person: PersonFacts, age: int) -> str:
        return f"{self.actual(person, age)} 不属于 {_names(self.codes, self.values)}"


class CategoryCondition(Condition):
    """`category: {any_of}`: the person has at least one of the derived categories."""

    __slots__ = ("value_set", "values")

    def __init__(self, path: str, line: int, column: int, values: tuple[str, ...]) -> None:
        super().__init__(path, line, column)
        self.values = values
        self.value_set = frozenset(values)

    def failing(self, person: PersonFacts, age: int) -> Condition | None:
        return self if self.value_set.isdisjoint(person.categories) else None

    def describe(self) -> str:
        if len(self.values) == 1:
            return f"人群类别含 {CATEGORIES[self.values[0]]}"
        return f"人群类别含 {_names(CATEGORIES, self.values)} 之一"

    def actual(self, person: PersonFacts, age: int) -> str:
        have = [name for code, name in CATEGORIES.items() if code in person.categories]
        return f"人群类别（{'、'.join(have) or '无'}）"

    def explain(self, person: PersonFacts, age: int) -> str:
        wanted = _names(CATEGORIES, self.values)
        if len(self.values) == 1:
            return f"{self.actual(person, age)}不含 {wanted}"
        return f"{self.actual(person, age)}不含 {wanted} 中任何一项"


def _capability_actual(person: PersonFacts) -> str:
    capability = person.capability
    if capability is None:
        return "无能力评估结果"
    standard, level = capability
    if standard not in STANDARD_SHORT_NAMES:
        return f"能力评估标准 {standard} 未知"
    return f"能力等级 {STANDARD_SHORT_NAMES[standard]} {level_label(standard, level)}"


class CapabilityCondition(Condition):
    """`capability_level: {standard, min, max}`: assessed under that standard, level in range."""

    __slots__ = ("high", "low", "maximum", "minimum", "standard")

    def __init__(
        self,
        path: str,
        line: int,
        column: int,
        *,
        standard: str,
        minimum: int | None,
        maximum: int | None,
        top: int,
    ) -> None:
        super().__init__(path, line, column)
        self.standard = standard
        self.minimum = minimum
        self.maximum = maximum
        self.low = 0 if minimum is None else minimum
        self.high = top if maximum is None else maximum

    def failing(self, person: PersonFacts, age: int) -> Condition | None:
        capability = person.capability
        if capability is None or capability[0] != self.standard:
            return self
        return None if self.low <= capability[1] <= self.high else self

    def describe(self) -> str:
        name = STANDARD_SHORT_NAMES[self.standard]
        if self.minimum is None and self.maximum is None:
            return f"已按 {name} 评估"
        if self.maximum is None:
            return f"{name} 能力等级 ≥ {level_label(self.standard, self.low)}"
        if self.minimum is None:
            return f"{name} 能力等级 ≤ {level_label(self.standard, self.high)}"
        return (
            f"{name} 能力等级在 {level_label(self.standard, self.low)} 至 "
            f"{level_label(self.standard, self.high)} 之间"
        )

    def actual(self, person: PersonFacts, age: int) -> str:
        return _capability_actual(person)

    def explain(self, person: PersonFacts, age: int) -> str:
        capability = person.capability
        if capability is None:
            return f"无能力评估结果（要求 {self.describe()}）"
        standard, level = capability
        if standard != self.standard:
            return (
                f"能力评估依据 {STANDARD_SHORT_NAMES.get(standard, standard)}，"
                f"规则要求 {STANDARD_SHORT_NAMES[self.standard]}"
            )
        if level < self.low:
            return f"能力等级 {level_label(standard, level)} < {level_label(standard, self.low)}"
        return f"能力等级 {level_label(standard, level)} > {level_label(standard, self.high)}"


class DisabledCondition(Condition):
    """`capability_level: {disabled: true}`: level ≥ the file's `disabled_threshold` of its standard."""

    __slots__ = ("thresholds",)

    def __init__(self, path: str, line: int, column: int, thresholds: Mapping[str, int]) -> None:
        super().__init__(path, line, column)
        self.thresholds = thresholds

    def failing(self, person: PersonFacts, age: int) -> Condition | None:
        capability = person.capability
        if capability is None:
            return self
        threshold = self.thresholds.get(capability[0])
        return self if threshold is None or capability[1] < threshold else None

    def describe(self) -> str:
        parts = [
            f"{STANDARD_SHORT_NAMES[standard]} 等级 ≥ {level_label(standard, level)}"
            for standard, level in self.thresholds.items()
        ]
        return f"失能（{'，'.join(parts)}）"

    def actual(self, person: PersonFacts, age: int) -> str:
        return _capability_actual(person)

    def explain(self, person: PersonFacts, age: int) -> str:
        capability = person.capability
        if capability is None:
            return "无能力评估结果，不能认定失能"
        standard = capability.standard
        if standard not in self.thresholds:
            return f"能力评估标准 {standard} 未知，不能认定失能"
        threshold = self.thresholds[standard]
        return (
            f"{_capability_actual(person)} 未达失能标准（{STANDARD_SHORT_NAMES[standard]} 等级 ≥ "
            f"{level_label(standard, threshold)}）"
        )


class GradeCondition(Condition):
    """`disability_grade: {min, max}`: certificate grade 1 (most severe) … 4, both inclusive."""

    __slots__ = ("high", "low")

    def __init__(
        self, path: str, line: int, column: int, minimum: int | None, maximum: int | None
    ) -> None:
        super().__init__(path, line, column)
        self.low = 1 if minimum is None else minimum
        self.high = 4 if maximum is None else maximum

    def failing(self, person: PersonFacts, age: int) -> Condition | None:
        grade = person.disability_grade
        return None if grade is not None and self.low <= grade <= self.high else self

    def _range(self) -> str:
        if self.low == self.high:
            return DISABILITY_GRADES[self.low]
        return f"{DISABILITY_GRADES[self.low]}至{DISABILITY_GRADES[self.high]}"

    def describe(self) -> str:
        return f"残疾等级 {self._range()}"

    def actual(self, person: PersonFacts, age: int) -> str:
        grade = person.disability_grade
        if grade is None:
            return "无残疾等级"
        return f"残疾等级 {DISABILITY_GRADES.get(grade, str(grade))}"

    def explain(self, person: PersonFacts, age: int) -> str:
        if person.disability_grade is None:
            return f"无残疾等级（要求 {self._range()}）"
        if self.low == self.high:
            return f"{self.actual(person, age)}，要求 {self._range()}"
        return f"{self.actual(person, age)} 不在 {self._range()} 之内"


class Compound(Condition):
    __slots__ = ("children",)

    def __init__(self, path: str, line: int, column: int, children: tuple[Condition, ...]) -> None:
        super().__init__(path, line, column)
        self.children = children

    def looks_at(self, person: PersonFacts, age: int) -> list[str]:
        return [part for child in self.children for part in child.looks_at(person, age)]

    def actual(self, person: PersonFacts, age: int) -> str:
        return "，".join(dict.fromkeys(self.looks_at(person, age)))


class AllOf(Compound):
    """`all_of: [...]`, and the fields of one condition mapping: every child holds."""

    __slots__ = ()

    def failing(self, person: PersonFacts, age: int) -> Condition | None:
        for child in self.children:
            failed = child.failing(person, age)
            if failed is not None:
                return failed
        return None

    def describe(self) -> str:
        return "同时满足（" + "；".join(child.describe() for child in self.children) + "）"

    def explain(self, person: PersonFacts, age: int) -> str:
        failed = self.failing(person, age)
        assert failed is not None, "explain() is only asked of a failing condition"
        return failed.explain(person, age)


class AnyOf(Compound):
    """`any_of: [...]`: at least one child holds."""

    __slots__ = ()

    def failing(self, person: PersonFacts, age: int) -> Condition | None:
        for child in self.children:
            if child.failing(person, age) is None:
                return None
        return self

    def describe(self) -> str:
        return "满足其一（" + "；".join(child.describe() for child in self.children) + "）"

    def explain(self, person: PersonFacts, age: int) -> str:
        reasons = []
        for child in self.children:
            failed = child.failing(person, age)
            assert failed is not None
            reasons.append(failed.explain(person, age))
        return "以下条件均不满足：" + "；".join(reasons)


class Not(Condition):
    """`not: {...}`: the condition inside does not hold."""

    __slots__ = ("child",)

    def __init__(self, path: str, line: int, column: int, child: Condition) -> None:
        super().__init__(path, line, column)
        self.child = child

    def failing(self, person: PersonFacts, age: int) -> Condition | None:
        return self if self.child.failing(person, age) is None else None

    def describe(self) -> str:
        return f"不满足（{self.child.describe()}）"

    def looks_at(self, person: PersonFacts, age: int) -> list[str]:
        return self.child.looks_at(person, age)

    def actual(self, person: PersonFacts, age: int) -> str:
        return self.child.actual(person, age)

    def explain(self, person: PersonFacts, age: int) -> str:
        return f"排除条件成立：{self.child.describe()}（本人：{self.child.actual(person, age)}）"


class StatusCondition(Condition):
    """Implicit in every rule: only residents on the register (在册) are entitled."""

    __slots__ = ()

    def failing(self, person: PersonFacts, age: int) -> Condition | None:
        return None if person.status == ACTIVE else self

    def describe(self) -> str:
        return "人员在册"

    def actual(self, person: PersonFacts, age: int) -> str:
        return f"人员状态 {label(RESIDENT_STATUSES, person.status)}"

    def explain(self, person: PersonFacts, age: int) -> str:
        return f"{self.actual(person, age)}，不在册"


ON_REGISTER = StatusCondition("status", 0, 0)
