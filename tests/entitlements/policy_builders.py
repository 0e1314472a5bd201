"""Rule files and persons for the policy tests: small YAML texts and PersonFacts with real categories."""

import textwrap
from datetime import date
from typing import Any

from eldercare.entitlements.policy import (
    Capability,
    Evaluation,
    PersonFacts,
    Policy,
    evaluate,
    load_policy,
)
from eldercare.registry.rules import ResidentFacts, birth_date_limit, categories

DAY = date(2024, 6, 1)

HEADER = """\
region: "320700000000"
name: 测试规则
version: "1"
floor:
  monthly_service_credit: 60
disabled_threshold:
  mzt039-2013: 2
  gbt42195-2022: 2
groups:
  g:
    name: 测试组
    combine: {combine}
rules:
"""


def rule_yaml(
    key: str = "r1",
    when: str = "age: {min: 80}",
    *,
    amount: str = "60",
    kind: str = "monthly_service_credit",
    group: str = "g",
    effective_from: str = "2020-01-01",
    effective_to: str | None = None,
) -> str:
    """One rule as YAML list item; `when` is the YAML of the condition mapping."""
    if kind == "monthly_service_credit":
        benefit = f"{{kind: {kind}, amount: {amount}, items: [meal, bath]}}"
    elif kind == "one_off_subsidy":
        benefit = f"{{kind: {kind}, amount: {amount}, reason: 适老化改造}}"
    else:
        benefit = f"{{kind: {kind}, amount: {amount}}}"
    lines = [
        f"  - key: {key}",
        f"    name: 规则{key}",
        f"    effective_from: {effective_from}",
    ]
    if effective_to:
        lines.append(f"    effective_to: {effective_to}")
    lines.append("    when:")
    lines.extend("      " + line for line in textwrap.dedent(when).strip().splitlines())
    lines += [f"    benefit: {benefit}", f"    group: {group}"]
    return "\n".join(lines) + "\n"


def policy_text(*rules: str, combine: str = "highest") -> str:
    return HEADER.format(combine=combine) + "".join(rules or (rule_yaml(),))


def policy(*rules: str, combine: str = "highest") -> Policy:
    return load_policy(policy_text(*rules, combine=combine), source_name="test.yaml")


def when_policy(when: str) -> Policy:
    """A file with one rule whose condition is `when`."""
    return policy(rule_yaml(when=when))


def person(
    age: int = 75,
    *,
    on: date = DAY,
    economic_status: str = "general",
    living_arrangement: str = "with_children",
    family_planning_status: str = "none",
    disability_grade: int | None = None,
    residence_type: str = "local",
    capability: tuple[str, int] | None = None,
    status: str = "active",
    extra_categories: frozenset[str] = frozenset(),
    birth_date: date | None = None,
) -> PersonFacts:
    """A person `age` years old on `on`, categories derived as the registry does."""
    born = birth_date or birth_date_limit(age, on)
    derived = categories(
        ResidentFacts(
            birth_date=born,
            economic_status=economic_status,
            living_arrangement=living_arrangement,
            family_planning_status=family_planning_status,
            disability_grade=disability_grade,
        ),
        on,
    )
    return PersonFacts(
        birth_date=born,
        economic_status=economic_status,
        living_arrangement=living_arrangement,
        family_planning_status=family_planning_status,
        disability_grade=disability_grade,
        residence_type=residence_type,
        capability=None if capability is None else Capability(*capability),
        categories=frozenset(map(str, derived)) | extra_categories,
        status=status,
    )


def run(target: Policy, who: PersonFacts, on: date = DAY) -> Evaluation:
    return evaluate(target, who, on)


def reason(target: Policy, who: PersonFacts, key: str = "r1", on: date = DAY) -> str:
    return evaluate(target, who, on).rule(key).reason


def problems_of(error: Any) -> list[tuple[str, int, int, str, str]]:
    return [tuple(p) for p in error.value.problems]
