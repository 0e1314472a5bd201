"""Entitlement rules as data: load, validate and evaluate a region's rule file. No Django.

A rule file (YAML, documented in docs/entitlement-rules.md) says, for one region, which residents
get which benefit: a monthly purchased-service credit restricted to service items, a one-off
subsidy or a monthly care subsidy, with effective dates and a combination policy per group
(highest / sum / exclusive). A bad file is refused at load with every problem and its exact place.

    from eldercare.entitlements.policy import (
        PersonFacts, Capability, load_policies_dir, policy_for_region, evaluate,
        SHIPPED_POLICIES_DIR,
    )

    policies = load_policies_dir(SHIPPED_POLICIES_DIR)          # {region_code: Policy}
    policy = policy_for_region(policies, "320703001001")         # nearest up the region tree
    result = evaluate(policy, PersonFacts(birth_date=..., economic_status="dibao", ...), on=day)
    result.benefits            # (Benefit(kind, group, amount_fen, items, rule_key, reason), ...)
    result.explanation         # "why (not) entitled", every rule with the condition that decided

API:
- `load_policy(path_or_text: Path | str, *, source_name: str | None = None) -> Policy` — a Path is
  read as a file, a str is the YAML text. Raises `PolicyError`.
- `load_policies_dir(path: Path) -> dict[str, Policy]` — every *.yaml/*.yml, keyed by region
  code; one `PolicyError` for all files (also two files for one region).
- `policy_for_region(policies: Mapping[str, Policy], region_code: str) -> Policy | None` — the
  region's own policy or its nearest ancestor's (county overrides city); 12-digit codes.
- `evaluate(policy: Policy, person: PersonFacts, on: date) -> Evaluation`.
- `PersonFacts(birth_date, economic_status="", living_arrangement="",
  family_planning_status="none", disability_grade=None, residence_type="local",
  capability: Capability | None = None, categories=frozenset(), status="active")` — frozen;
  callers build it from the registry (codes of eldercare.registry.choices, categories from
  eldercare.registry.rules.categories on the evaluation date) and the current assessment.
  `Capability(standard, level)`. Only residents with status "active" are entitled.
- `Evaluation`: `benefits: tuple[Benefit, ...]` (after combining, in group order),
  `is_entitled`, `amount_fen(kind)`, `age`, `rules: tuple[RuleOutcome, ...]` (every rule of the
  file: `in_effect`, `applied`, `deciding` condition, `deciding_path`, `reason` text),
  `groups: tuple[GroupOutcome, ...]` (`applied`, `granted`, `winners`, `total_fen`, `conflict`,
  `reason`), `rule(key)`, `group(key)`, `explanation` (Chinese, line by line), `as_dict()`.
- `Benefit(kind, group, amount_fen, items, rule_key, reason)` — frozen; amounts in fen.
- `Policy(region, name, version, source, floor, disabled_threshold, groups, rules, note)`;
  `Rule`, `Group`; `policy.rule(key)`.
- `PolicyError(ValueError)` with `problems: tuple[Problem, ...]`;
  `Problem(file, line, column, path, message)` — 1-based line and column, a path such as
  `rules[3].when.age.min`, a Chinese message.
- `parse_condition(text, *, source="<condition>", disabled_threshold=None) -> Condition`: one
  `when` mapping, field checks only (for pages that compose a rule from rows).
- `SHIPPED_POLICIES_DIR`: the rule files of the four seed localities shipped with the product.
- Vocabularies (codes → Chinese labels): `ECONOMIC_STATUSES`, `LIVING_ARRANGEMENTS`,
  `FAMILY_PLANNING_STATUSES`, `RESIDENCE_TYPES`, `CATEGORIES`, `SERVICE_CATEGORIES`,
  `BENEFIT_KINDS`, `COMBINE_POLICIES`; `yuan(fen)` formats money.

Evaluation is compiled: the rules in effect on a day become one generated function (compiler.py),
built once per (policy, day), and texts are built only when read — about 300,000 persons per
second on one core for the shipped files (see docs/decisions/0006-entitlement-rules.md).
Modules: problems (errors), vocabulary (codes), facts (PersonFacts), conditions (the condition
tree with explanations), yamlreader + parsing (validation), analysis (exact satisfiability),
model (Policy, Rule), compiler, evaluation, loading.
"""

from eldercare.entitlements.policy.condition_parsing import parse_condition
from eldercare.entitlements.policy.conditions import Condition
from eldercare.entitlements.policy.evaluation import (
    Evaluation,
    GroupOutcome,
    RuleOutcome,
    evaluate,
)
from eldercare.entitlements.policy.facts import Capability, PersonFacts
from eldercare.entitlements.policy.loading import (
    SHIPPED_POLICIES_DIR,
    load_policies_dir,
    load_policy,
    policy_for_region,
)
from eldercare.entitlements.policy.model import Benefit, Group, Policy, Rule
from eldercare.entitlements.policy.problems import PolicyError, Problem
from eldercare.entitlements.policy.vocabulary import (
    BENEFIT_KINDS,
    CARE_SUBSIDY,
    CATEGORIES,
    COMBINE_POLICIES,
    ECONOMIC_STATUSES,
    EXCLUSIVE,
    FAMILY_PLANNING_STATUSES,
    HIGHEST,
    LIVING_ARRANGEMENTS,
    MONTHLY_SERVICE_CREDIT,
    ONE_OFF_SUBSIDY,
    RESIDENCE_TYPES,
    SERVICE_CATEGORIES,
    SUM,
    yuan,
)

__all__ = [
    "BENEFIT_KINDS",
    "CARE_SUBSIDY",
    "CATEGORIES",
    "COMBINE_POLICIES",
    "ECONOMIC_STATUSES",
    "EXCLUSIVE",
    "FAMILY_PLANNING_STATUSES",
    "HIGHEST",
    "LIVING_ARRANGEMENTS",
    "MONTHLY_SERVICE_CREDIT",
    "ONE_OFF_SUBSIDY",
    "RESIDENCE_TYPES",
    "SERVICE_CATEGORIES",
    "SHIPPED_POLICIES_DIR",
    "SUM",
    "Benefit",
    "Capability",
    "Condition",
    "Evaluation",
    "Group",
    "GroupOutcome",
    "PersonFacts",
    "Policy",
    "PolicyError",
    "Problem",
    "Rule",
    "RuleOutcome",
    "evaluate",
    "load_policies_dir",
    "load_policy",
    "parse_condition",
    "policy_for_region",
    "yuan",
]
