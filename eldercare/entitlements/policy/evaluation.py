"""Evaluating a policy for one person on one day, with the reasons, in Chinese.

The hot path (`evaluate`) does only what the monthly run needs: the age, one `failing` call per
rule in effect, and the combination per group. Per-rule outcomes, group outcomes and all texts are
built on demand from what it kept, so explaining costs nothing until someone asks.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any

from eldercare.entitlements.policy.compiler import compile_rules
from eldercare.entitlements.policy.conditions import ON_REGISTER, Condition
from eldercare.entitlements.policy.facts import PersonFacts
from eldercare.entitlements.policy.model import Benefit, Group, Policy, Rule
from eldercare.entitlements.policy.vocabulary import (
    ACTIVE,
    BENEFIT_KINDS,
    COMBINE_POLICIES,
    EXCLUSIVE,
    HIGHEST,
    MONTHLY_SERVICE_CREDIT,
    ONE_OFF_SUBSIDY,
    SERVICE_CATEGORIES,
    SUM,
    yuan,
)

ALL_CONDITIONS_MET = "全部条件满足"


class Plan:
    """The rules of a policy in effect on one day, computed once per (policy, day)."""

    __slots__ = ("active", "decide", "groups", "not_on_register", "on")

    def __init__(self, policy: Policy, on: date) -> None:
        self.on = on
        self.active = tuple(rule for rule in policy.rules if rule.in_effect(on))
        self.decide = compile_rules([rule.when for rule in self.active])
        self.not_on_register: tuple[Condition | None, ...] = (ON_REGISTER,) * len(self.active)
        self.groups = tuple(policy.groups.values())


def plan_for(policy: Policy, on: date) -> Plan:
    plan: Plan | None = policy.plans.get(on)
    if plan is None:
        if len(policy.plans) > 64:
            policy.plans.clear()
        plan = policy.plans[on] = Plan(policy, on)
    return plan


def combine(group: Group, applied: list[Rule]) -> tuple[Benefit, ...]:
    """What a group grants when these rules (in file order, at least one) apply."""
    if group.combine == SUM:
        return tuple(rule.benefit for rule in applied)
    best = applied[0]
    if group.combine == HIGHEST:
        for rule in applied[1:]:
            if rule.benefit.amount_fen > best.benefit.amount_fen:
                best = rule
    return (best.benefit,)


def evaluate(policy: Policy, person: PersonFacts, on: date) -> "Evaluation":
    """Which rules of `policy` apply to `person` on `on`, and what they grant after combining."""
    plan = policy.plans.get(on) or plan_for(policy, on)
    born = person.birth_date
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))  # as age_on
    decided: Sequence[Condition | None] = (
        plan.decide(person, age) if person.status == ACTIVE else plan.not_on_register
    )
    applied: dict[str, list[Rule]] = {}
    benefits: tuple[Benefit, ...] = ()
    if None in decided:
        for rule, failed in zip(plan.active, decided, strict=True):
            if failed is None:
                applied.setdefault(rule.group, []).append(rule)
        for group in plan.groups:
            if group.key in applied:
                benefits += combine(group, applied[group.key])
    return Evaluation(policy, person, on, age, plan, decided, applied, benefits)


class RuleOutcome:
    """One rule considered for the person: in effect or not, applied or not, and why."""

    __slots__ = ("age", "deciding", "in_effect", "person", "rule")

    def __init__(
        self,
        rule: Rule,
        person: PersonFacts,
        age: int,
        *,
        in_effect: bool,
        deciding: Condition | None,
    ) -> None:
        self.rule = rule
        self.person = person
        self.age = age
        self.in_effect = in_effect
        self.deciding = deciding  # the condition that failed; None when applied or out of effect

    @property
    def applied(self) -> bool:
        return self.in_effect and self.deciding is None

    @property
    def deciding_path(self) -> str:
        """Where in the file the deciding condition is (`rules[2].when.age`), "" if none."""
        return "" if self.deciding is None else self.deciding.path

    @property
    def reason(self) -> str:
        if not self.in_effect:
            return f"不在有效期内（有效期 {self.rule.period}）"
        if self.deciding is None:
            return ALL_CONDITIONS_MET
        return self.deciding.explain(self.person, self.age)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.rule.key,
            "name": self.rule.name,
            "group": self.rule.group,
            "in_effect": self.in_effect,
            "applied": self.applied,
            "reason": self.reason,
            "deciding_path": self.deciding_path,
            "deciding_line": None if self.deciding is None else self.deciding.line,
        }

    def __repr__(self) -> str:
        return f"<RuleOutcome {self.rule.key}: {self.reason}>"


class GroupOutcome:
    """A group's result: which rules applied, what is granted and why (highest / sum / exclusive)."""

    __slots__ = ("applied", "granted", "group")

    def __init__(
        self, group: Group, applied: tuple[Rule, ...], granted: tuple[Benefit, ...]
    ) -> None:
        self.group = group
        self.applied = applied
        self.granted = granted

    @property
    def total_fen(self) -> int:
        return sum(benefit.amount_fen for benefit in self.granted)

    @property
    def winners(self) -> tuple[str, ...]:
        return tuple(benefit.rule_key for benefit in self.granted)

    @property
    def conflict(self) -> bool:
        """Several rules of an exclusive group apply: the facts contradict their categories."""
        return self.group.combine == EXCLUSIVE and len(self.applied) > 1

    @property
    def reason(self) -> str:
        policy = COMBINE_POLICIES[self.group.combine]
        if not self.applied:
            return "无适用规则"
        if len(self.applied) == 1:
            only = self.applied[0]
            return f"{policy}：仅 {only.key} 适用，{yuan(only.benefit.amount_fen)}"
        amounts = "、".join(f"{r.key}（{yuan(r.benefit.amount_fen)}）" for r in self.applied)
        if self.group.combine == HIGHEST:
            winner = self.winners[0]
            return f"{policy}：{amounts} 同时适用，取金额最高的 {winner}（金额相同取文件中靠前者）"
        if self.group.combine == SUM:
            return f"{policy}：{amounts} 同时适用，合计 {yuan(self.total_fen)}"
        return (
            f"{policy}：{amounts} 同时适用，与规则文件的互斥校验矛盾（人群类别与其他事实不一致？），"
            f"按文件顺序取 {self.winners[0]}，请核查该人员的登记信息"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.group.key,
            "name": self.group.name,
            "combine": self.group.combine,
            "applied": [rule.key for rule in self.applied],
            "granted": [benefit.as_dict() for benefit in self.granted],
            "total_fen": self.total_fen,
            "conflict": self.conflict,
            "reason": self.reason,
        }


def describe_benefit(benefit: Benefit) -> str:
    text = f"{BENEFIT_KINDS[benefit.kind]} {yuan(benefit.amount_fen)}"
    if benefit.kind == MONTHLY_SERVICE_CREDIT:
        items = "、".join(SERVICE_CATEGORIES.get(item, item) for item in benefit.items)
        return f"{text}，可用于 {items}"
    if benefit.kind == ONE_OFF_SUBSIDY:
        return f"{text}（{benefit.reason}）"
    return text


class Evaluation:
    """The result of `evaluate`: every rule considered, every group's outcome, the benefits."""

    __slots__ = ("_applied", "_decided", "_plan", "age", "benefits", "on", "person", "policy")

    def __init__(
        self,
        policy: Policy,
        person: PersonFacts,
        on: date,
        age: int,
        plan: Plan,
        decided: Sequence[Condition | None],
        applied: dict[str, list[Rule]],
        benefits: tuple[Benefit, ...],
    ) -> None:
        self.policy = policy
        self.person = person
        self.on = on
        self.age = age
        self._plan = plan
        self._decided = decided
        self._applied = applied
        self.benefits = benefits  # what the person gets, after combining, in group order

    @property
    def is_entitled(self) -> bool:
        return bool(self.benefits)

    def amount_fen(self, kind: str) -> int:
        """Total granted of one benefit kind, e.g. the month's service credit."""
        return sum(b.amount_fen for b in self.benefits if b.kind == kind)

    @property
    def rules(self) -> tuple[RuleOutcome, ...]:
        """Every rule of the file in file order, in effect on the day or not."""
        decided = dict(zip(self._plan.active, self._decided, strict=True))
        return tuple(
            RuleOutcome(
                rule,
                self.person,
                self.age,
                in_effect=rule in decided,
                deciding=decided.get(rule),
            )
            for rule in self.policy.rules
        )

    def rule(self, key: str) -> RuleOutcome:
        for outcome in self.rules:
            if outcome.rule.key == key:
                return outcome
        raise KeyError(key)

    @property
    def groups(self) -> tuple[GroupOutcome, ...]:
        outcomes = []
        for group in self._plan.groups:
            applied = self._applied.get(group.key, [])
            granted = combine(group, applied) if applied else ()
            outcomes.append(GroupOutcome(group, tuple(applied), granted))
        return tuple(outcomes)

    def group(self, key: str) -> GroupOutcome:
        for outcome in self.groups:
            if outcome.group.key == key:
                return outcome
        raise KeyError(key)

    @property
    def explanation(self) -> str:
        """ "Why is this person (not) entitled?" line by line, as the resident page shows it."""
        policy = self.policy
        lines = [
            f"{policy.name}（区划 {policy.region}，版本 {policy.version}）",
            f"评估日期 {self.on.isoformat()}，年龄 {self.age}",
            "逐条规则：",
        ]
        for outcome in self.rules:
            mark = "✓" if outcome.applied else ("✗" if outcome.in_effect else "－")
            deciding = outcome.deciding
            where = "" if deciding in (None, ON_REGISTER) else f"（第 {deciding.line} 行）"
            lines.append(
                f"  {mark} [{outcome.rule.group}] {outcome.rule.key} {outcome.rule.name}："
                f"{outcome.reason}{where}"
            )
        lines.append("结果：")
        for group in self.groups:
            if not group.applied:
                continue
            granted = "；".join(f"{b.rule_key} {describe_benefit(b)}" for b in group.granted)
            lines.append(f"  {group.group.name}（{group.group.key}）：{granted}。{group.reason}")
        if not self.benefits:
            lines.append("  不享受本文件中的任何补贴或服务")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON: the resident page, the API and stored run results."""
        return {
            "region": self.policy.region,
            "policy": self.policy.name,
            "version": self.policy.version,
            "on": self.on.isoformat(),
            "age": self.age,
            "is_entitled": self.is_entitled,
            "rules": [outcome.as_dict() for outcome in self.rules],
            "groups": [outcome.as_dict() for outcome in self.groups],
            "benefits": [benefit.as_dict() for benefit in self.benefits],
            "explanation": self.explanation,
        }
