"""Evaluating many residents at once: the monthly run and the preview of a rule file.

`Evaluator(policies, on)` finds the governing policy of a village once (nearest region up the
tree) and evaluates each distinct `facts.signature` once per policy: a county's million residents
have a few thousand distinct signatures, so the rules are evaluated a few thousand times and
every other resident costs a dictionary lookup. The result is exactly `policy.evaluate` of the
resident's own PersonFacts (the signature holds everything the rules can see).
"""

from collections.abc import Mapping
from datetime import date
from typing import Any

from eldercare.entitlements.facts import REGION, FactRow, facts_from_row, signature
from eldercare.entitlements.policy import Benefit, Policy, evaluate, policy_for_region

NO_BENEFITS: tuple[Benefit, ...] = ()


class Evaluator:
    def __init__(self, policies: Mapping[str, Policy], on: date) -> None:
        self.policies = policies
        self.on = on
        self._by_region: dict[str, Policy | None] = {}
        self._results: dict[tuple[int, tuple[Any, ...]], tuple[Benefit, ...]] = {}
        self.evaluations = 0  # how many times the rules really ran

    def policy_for(self, region_code: str) -> Policy | None:
        try:
            return self._by_region[region_code]
        except KeyError:
            policy = self._by_region[region_code] = policy_for_region(self.policies, region_code)
            return policy

    def benefits(self, row: FactRow) -> tuple[Policy | None, tuple[Benefit, ...]]:
        """The governing policy of the row's village (None: no rule file) and what it grants."""
        policy = self.policy_for(row[REGION])
        if policy is None:
            return None, NO_BENEFITS
        key = (id(policy), signature(row, self.on))
        found = self._results.get(key)
        if found is None:
            found = self._results[key] = evaluate(
                policy, facts_from_row(row, self.on), self.on
            ).benefits
            self.evaluations += 1
        return policy, found
