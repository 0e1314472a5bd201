"""A region's care-visit policy (nearest region setting up the tree, else the national default)
and the key elderly it defines, as one database filter for any subtree."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q

from eldercare.accounts.access import Action, in_scope, require
from eldercare.carevisits.errors import CareVisitDataError, Problem
from eldercare.carevisits.models import CareVisitPolicy
from eldercare.carevisits.rules.compliance import DEFAULT_REQUIREMENT, Requirement, RequirementError
from eldercare.carevisits.rules.keyelderly import (
    DEFAULT_KEY_RULE,
    KeyRule,
    KeyRuleError,
    parse_key_rule,
)
from eldercare.core.audit import record
from eldercare.core.models import AuditAction
from eldercare.governance.indicators.computed import in_region, on_register
from eldercare.regions.codes import RegionCodeError, ancestor_codes, is_within, subtree_range
from eldercare.registry.queries import category_q


@dataclass(frozen=True)
class Policy:
    key_rule: KeyRule
    requirement: Requirement
    region_code: str  # where it was set; "" = the national default


DEFAULT_POLICY = Policy(DEFAULT_KEY_RULE, DEFAULT_REQUIREMENT, "")


def _policy(row: CareVisitPolicy) -> Policy:
    return Policy(
        parse_key_rule(row.key_rule),
        Requirement(row.min_contacts, row.min_visits),
        row.region_code,
    )


def policy_for(region_code: str) -> Policy:
    """The policy of the nearest region up the tree that set one, else the default."""
    if region_code == "":
        return DEFAULT_POLICY
    ancestors = ancestor_codes(region_code)
    rows = {
        row.region_code: row for row in CareVisitPolicy.objects.filter(region_code__in=ancestors)
    }
    for code in reversed(ancestors):
        if code in rows:
            return _policy(rows[code])
    return DEFAULT_POLICY


def set_policy(
    *, actor: Any, region_code: str, key_rule: dict[str, Any], min_contacts: int, min_visits: int
) -> CareVisitPolicy:
    """A region's own policy; agreements signed from then on take its weekly requirement."""
    require(actor, Action.MANAGE_CARE_AGREEMENTS)
    try:
        subtree_range(region_code)
    except RegionCodeError as error:
        raise CareVisitDataError([Problem("region_code", "invalid", "区划代码无效")]) from error
    if not in_scope(actor, region_code):
        raise CareVisitDataError([Problem("region_code", "out_of_scope", "只能设置本辖区")])
    problems = []
    try:
        rule = parse_key_rule(key_rule)
    except KeyRuleError as error:
        problems.append(Problem("key_rule", error.code, str(error)))
    try:
        Requirement(min_contacts, min_visits)
    except (RequirementError, TypeError) as error:
        problems.append(Problem("min_contacts", "invalid", str(error)))
    if problems:
        raise CareVisitDataError(problems)
    with transaction.atomic():
        row = CareVisitPolicy.objects.select_for_update().filter(region_code=region_code).first()
        before = (
            {
                "key_rule": row.key_rule,
                "min_contacts": row.min_contacts,
                "min_visits": row.min_visits,
            }
            if row
            else {}
        )
        row = row or CareVisitPolicy(region_code=region_code)
        row.key_rule = rule.as_dict()
        row.min_contacts = min_contacts
        row.min_visits = min_visits
        row.updated_by = actor
        row.save()
        after = {"key_rule": row.key_rule, "min_contacts": min_contacts, "min_visits": min_visits}
        record(
            actor=actor,
            action=AuditAction.UPDATE if before else AuditAction.CREATE,
            obj=row,
            region_code=region_code,
            changes={k: [before.get(k), v] for k, v in after.items() if before.get(k) != v},
        )
    return row


def _rule_q(rule: KeyRule, on: date) -> Q:
    arrangement, difficulty = Q(pk__in=[]), Q(pk__in=[])
    for category in sorted(rule.arrangements):
        arrangement |= category_q(category, on)
    for category in sorted(rule.difficulties):
        difficulty |= category_q(category, on)
    return arrangement & difficulty


def key_elderly_q(region_code: str, on: date) -> Q:
    """Residents on the register on `on` who are key elderly under their own village's policy.

    The subtree is cut into zones, one per policy set inside it (minus the deeper ones), plus
    the rest under the policy that applies to the region itself.
    """
    inside = sorted(
        row
        for row in CareVisitPolicy.objects.filter(in_region("region_code", region_code))
        .exclude(region_code=region_code)
        .values_list("region_code", flat=True)
    )
    zones: list[tuple[str, Policy]] = [(region_code, policy_for(region_code))]
    zones += [(code, _policy(CareVisitPolicy.objects.get(region_code=code))) for code in inside]
    combined = Q(pk__in=[])
    for code, policy in zones:
        deeper = [
            other for other in inside if other != code and (code == "" or is_within(other, code))
        ]
        zone = in_region("region_code", code)
        for other in deeper:
            zone &= ~in_region("region_code", other)
        combined |= zone & _rule_q(policy.key_rule, on)
    return on_register(on) & combined
