"""Which residents need a care agreement (重点空巢独居老人). No Django.

Seed 003 row 5: economically difficult very old, disabled left-behind and bereaved living-alone
elderly. The rule is "a living situation AND a difficulty": the resident lives alone, in an empty
nest or is left behind, and has at least one difficulty. Both lists are configurable per region.
SPECIAL_DIFFICULTY is not offered as a difficulty: living alone alone already makes a resident
special-difficulty, so it would turn every lone resident into a key one.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from eldercare.registry.rules import Category

ARRANGEMENTS = (Category.LIVING_ALONE, Category.EMPTY_NEST, Category.LEFT_BEHIND)
DIFFICULTIES = (
    Category.VERY_OLD,
    Category.ECONOMICALLY_DIFFICULT,
    Category.DESTITUTE,
    Category.DIBAO,
    Category.MARGINAL,
    Category.POVERTY_ALLEVIATED,
    Category.SEVERELY_DISABLED,
    Category.FAMILY_PLANNING_SPECIAL,
    Category.BEREAVED,
)


class KeyRuleError(ValueError):
    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class KeyRule:
    arrangements: frozenset[Category]
    difficulties: frozenset[Category]

    def applies(self, categories: Iterable[Category]) -> bool:
        found = frozenset(categories)
        return bool(found & self.arrangements) and bool(found & self.difficulties)

    def as_dict(self) -> dict[str, list[str]]:
        return {
            "arrangements": sorted(str(c) for c in self.arrangements),
            "difficulties": sorted(str(c) for c in self.difficulties),
        }


DEFAULT_KEY_RULE = KeyRule(
    arrangements=frozenset(ARRANGEMENTS),
    difficulties=frozenset(
        {
            Category.VERY_OLD,
            Category.ECONOMICALLY_DIFFICULT,
            Category.SEVERELY_DISABLED,
            Category.FAMILY_PLANNING_SPECIAL,
        }
    ),
)


def _categories(values: Any, allowed: tuple[Category, ...], field: str) -> frozenset[Category]:
    if not isinstance(values, list | tuple) or not values:
        raise KeyRuleError(f"{field} 至少选择一项", code="required")
    chosen = set()
    for value in values:
        if value not in {str(c) for c in allowed}:
            raise KeyRuleError(f"{field} 不能包含“{value}”", code="invalid")
        chosen.add(Category(value))
    return frozenset(chosen)


def parse_key_rule(data: Mapping[str, Any]) -> KeyRule:
    """A rule from its stored form; refuses unknown categories and empty lists."""
    return KeyRule(
        arrangements=_categories(data.get("arrangements"), ARRANGEMENTS, "居住状况"),
        difficulties=_categories(data.get("difficulties"), DIFFICULTIES, "困难情形"),
    )
