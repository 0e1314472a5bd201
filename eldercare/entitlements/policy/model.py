"""A loaded, validated rule file: groups, rules and their benefits. Money is integer fen."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from eldercare.entitlements.policy.conditions import Condition


@dataclass(frozen=True, slots=True)
class Benefit:
    """What a rule grants: `amount_fen` a month (credit, care subsidy) or once (one-off subsidy).

    `items` are the service categories or `item:<code>` catalogue items a credit may buy (empty for
    the other kinds); `reason` is the purpose of a one-off subsidy.
    """

    kind: str
    group: str
    amount_fen: int
    items: tuple[str, ...]
    rule_key: str
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "group": self.group,
            "amount_fen": self.amount_fen,
            "items": list(self.items),
            "rule_key": self.rule_key,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Group:
    """Rules that grant the same thing; `combine` says what happens when several apply."""

    key: str
    name: str
    combine: str


@dataclass(frozen=True, slots=True)
class Rule:
    key: str
    name: str
    effective_from: date
    effective_to: date | None  # inclusive; None = open-ended
    when: Condition
    benefit: Benefit
    group: str
    note: str
    line: int
    column: int

    def in_effect(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    @property
    def period(self) -> str:
        if self.effective_to is None:
            return f"{self.effective_from.isoformat()} 起"
        return f"{self.effective_from.isoformat()} 至 {self.effective_to.isoformat()}"


@dataclass(frozen=True, eq=False)
class Policy:
    """The rules of one region (a county or a city), as loaded from one file."""

    region: str
    name: str
    version: str
    source: str
    floor: Mapping[str, int]  # benefit kind → minimum amount in fen of any rule of that kind
    disabled_threshold: Mapping[str, int]  # standard → lowest level counted as 失能
    groups: Mapping[str, Group]  # in the order of the file
    rules: tuple[Rule, ...]  # in the order of the file
    note: str = ""
    # Unused monthly credit (service credit, care subsidy) stays usable this many months after
    # the end of its month; 0 = it expires at the month's end (the file's `carry_over_months`).
    carry_over_months: int = 0
    region_at: tuple[int, int] = (1, 1)  # line and column of `region` in the file
    # Rules in effect per evaluation date, filled by evaluate() (see evaluation.Plan).
    plans: dict[date, Any] = field(default_factory=dict, repr=False, compare=False)

    def rule(self, key: str) -> Rule:
        """The rule with this key (KeyError if there is none)."""
        for rule in self.rules:
            if rule.key == key:
                return rule
        raise KeyError(key)
