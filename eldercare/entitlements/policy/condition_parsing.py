"""Reading a rule's `when`: condition mappings, attribute conditions and combinators, checked.

Each check reports at the field's position; satisfiability is decided later (analysis.py), on the
condition tree built here.
"""

from collections.abc import Mapping
from types import MappingProxyType

from yaml.nodes import MappingNode, Node

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
from eldercare.entitlements.policy.problems import PolicyError
from eldercare.entitlements.policy.vocabulary import (
    CATEGORIES,
    DISABILITY_GRADES,
    ECONOMIC_STATUSES,
    FAMILY_PLANNING_STATUSES,
    LIVING_ARRANGEMENTS,
    MAX_AGE,
    MAX_LEVEL,
    MIN_AGE,
    RESIDENCE_TYPES,
    STANDARD_SHORT_NAMES,
    STANDARDS,
    level_label,
)
from eldercare.entitlements.policy.yamlreader import Reader, join

BOUNDS = {"min": False, "max": False}
CHOICES = {
    # file field: (PersonFacts attribute, Chinese title, codes)
    "economic_status": ("economic_status", "经济状况", ECONOMIC_STATUSES),
    "living_arrangement": ("living_arrangement", "居住状况", LIVING_ARRANGEMENTS),
    "family_planning_status": ("family_planning_status", "计生家庭状况", FAMILY_PLANNING_STATUSES),
    "household": ("residence_type", "户籍与居住", RESIDENCE_TYPES),
    "category": ("categories", "人群类别", CATEGORIES),
}
CONDITION_FIELDS = {
    "age": False,
    "economic_status": False,
    "living_arrangement": False,
    "family_planning_status": False,
    "household": False,
    "category": False,
    "capability_level": False,
    "disability_grade": False,
    "all_of": False,
    "any_of": False,
    "not": False,
}


def parse_condition(
    text: str,
    *,
    source: str = "<condition>",
    disabled_threshold: Mapping[str, int] | None = None,
) -> Condition:
    """One condition mapping (the YAML of a rule's `when`), checked field by field.

    Satisfiability is not checked here (see analysis.impossibilities); a page composing a rule
    from rows uses this, then loads the whole file.
    """
    reader = Reader(source)
    root = reader.compose(text)
    thresholds = None if disabled_threshold is None else MappingProxyType(dict(disabled_threshold))
    condition = None if root is None else ConditionParser(reader, thresholds).mapping(root, "when")
    if reader.problems:
        raise PolicyError(reader.problems)
    assert condition is not None
    return condition


class ConditionParser:
    def __init__(self, reader: Reader, thresholds: Mapping[str, int] | None) -> None:
        self.reader = reader
        self.thresholds = thresholds  # the file's disabled_threshold, if declared and valid

    def mapping(self, node: Node, path: str) -> Condition | None:
        """A mapping of conditions, all of which must hold (one field: that condition itself)."""
        r = self.reader
        fields = r.mapping(node, path, CONDITION_FIELDS)
        if fields is None:
            return None
        if not fields:
            if isinstance(node, MappingNode) and not node.value:
                r.report(node, path, "条件不能为空，至少写一个条件")
            return None
        children: list[Condition | None] = [
            self.condition(name, value, join(path, name)) for name, value in fields.items()
        ]
        if any(child is None for child in children):
            return None
        valid = tuple(child for child in children if child is not None)
        if len(valid) == 1:
            return valid[0]
        return AllOf(path, *self.reader.position(node), valid)

    def condition(self, name: str, node: Node, path: str) -> Condition | None:
        line, column = self.reader.position(node)
        if name in ("all_of", "any_of"):
            items = self.reader.sequence(node, path)
            if items is None:
                return None
            children = [self.mapping(item, f"{path}[{i}]") for i, item in enumerate(items)]
            if any(child is None for child in children):
                return None
            valid = tuple(child for child in children if child is not None)
            return (AllOf if name == "all_of" else AnyOf)(path, line, column, valid)
        if name == "not":
            inner = self.mapping(node, path)
            return None if inner is None else Not(path, line, column, inner)
        if name == "age":
            bounds = self.bounds(node, path, MIN_AGE, MAX_AGE, "年龄")
            return None if bounds is None else AgeCondition(path, line, column, *bounds)
        if name == "disability_grade":
            bounds = self.bounds(node, path, 1, len(DISABILITY_GRADES), "残疾等级")
            return None if bounds is None else GradeCondition(path, line, column, *bounds)
        if name == "capability_level":
            return self.capability(node, path)
        attribute, title, codes = CHOICES[name]
        fields = self.reader.mapping(node, path, {"any_of": True})
        if fields is None or "any_of" not in fields:
            return None
        values = self.reader.codes(fields["any_of"], join(path, "any_of"), codes, title)
        if values is None:
            return None
        if name == "category":
            return CategoryCondition(path, line, column, values)
        return ChoiceCondition(
            path, line, column, attribute=attribute, title=title, codes=codes, values=values
        )

    def bounds(
        self, node: Node, path: str, low: int, high: int, what: str
    ) -> tuple[int | None, int | None] | None:
        r = self.reader
        fields = r.mapping(node, path, BOUNDS)
        if fields is None:
            return None
        if not fields:
            if isinstance(node, MappingNode) and not node.value:
                r.report(node, path, f"{what}条件至少需要 min 或 max")
            return None
        minimum = maximum = None
        ok = True
        if "min" in fields:
            minimum = r.integer(fields["min"], join(path, "min"), low, high, what)
            ok = minimum is not None
        if "max" in fields:
            maximum = r.integer(fields["max"], join(path, "max"), low, high, what)
            ok = ok and maximum is not None
        if not ok:
            return None
        if minimum is not None and maximum is not None and minimum > maximum:
            r.report(
                fields["min"],
                join(path, "min"),
                f"{what}下限 {minimum} 大于上限 {maximum}，条件永远不成立",
            )
            return None
        return minimum, maximum

    def capability(self, node: Node, path: str) -> Condition | None:
        r = self.reader
        fields = r.mapping(
            node, path, {"standard": False, "min": False, "max": False, "disabled": False}
        )
        if fields is None:
            return None
        line, column = self.reader.position(node)
        if "disabled" in fields:
            where = join(path, "disabled")
            others = [name for name in ("standard", "min", "max") if name in fields]
            if others:
                r.report(node, path, f"disabled 不能与 {'、'.join(others)} 同时使用")
                return None
            disabled = r.boolean(fields["disabled"], where)
            if disabled is None:
                return None
            if not disabled:
                r.report(
                    fields["disabled"],
                    where,
                    "disabled 只能写 true；“未失能”请写成 not: {capability_level: {disabled: true}}",
                )
                return None
            if self.thresholds is None:
                r.report(
                    fields["disabled"],
                    where,
                    "使用了 disabled: true，但文件没有声明 disabled_threshold（各标准的失能起点等级）",
                )
                return None
            return DisabledCondition(path, line, column, self.thresholds)
        if "standard" not in fields:
            r.report(node, join(path, "standard"), "缺少必填字段 “standard”（或写 disabled: true）")
            return None
        standard = r.code(fields["standard"], join(path, "standard"), STANDARDS, "评估标准")
        if standard is None:
            return None
        top = MAX_LEVEL[standard]
        levels: dict[str, int] = {}
        for bound in ("min", "max"):
            if bound not in fields:
                continue
            value_node = fields[bound]
            level = r.integer(value_node, join(path, bound), -(1 << 30), 1 << 30, "能力等级")
            if level is None:
                return None
            if not 0 <= level <= top:
                r.report(
                    value_node,
                    join(path, bound),
                    f"能力等级 {level} 超出 {STANDARD_SHORT_NAMES[standard]} 的范围 0–{top}",
                )
                return None
            levels[bound] = level
        minimum, maximum = levels.get("min"), levels.get("max")
        if minimum is not None and maximum is not None and minimum > maximum:
            r.report(
                fields["min"],
                join(path, "min"),
                f"能力等级下限 {level_label(standard, minimum)} 大于上限 "
                f"{level_label(standard, maximum)}，条件永远不成立",
            )
            return None
        return CapabilityCondition(
            path, line, column, standard=standard, minimum=minimum, maximum=maximum, top=top
        )
