"""A run's report for people: the whole region, each county, each township; and per basis (rule or
individual grant). The run stores figures per township (runs.FIGURES); counties and the total
are their sums, so every level adds up to the ledger's credits of the month."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eldercare.entitlements.documents import policy_of
from eldercare.entitlements.models import DocumentStatus, EntitlementRun, PolicyDocument
from eldercare.entitlements.policy import PolicyError
from eldercare.entitlements.runs import FIGURES
from eldercare.regions.codes import Level, level_of
from eldercare.regions.services import region_names


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    depth: int  # 0 the run's region, 1 a county, 2 a township (as far as the region goes down)
    figures: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "depth": self.depth, **self.figures}


def _add(total: dict[str, int], figures: dict[str, int]) -> None:
    for name in FIGURES:
        total[name] += figures.get(name, 0)


def run_rows(run: EntitlementRun) -> list[RegionRow]:
    """The total, then per county its township rows (a county run: the townships only)."""
    townships: dict[str, dict[str, int]] = (run.report or {}).get("townships", {})
    total = dict.fromkeys(FIGURES, 0)
    counties: dict[str, dict[str, int]] = {}
    for code, figures in townships.items():
        _add(total, figures)
        _add(counties.setdefault(code[:6] + "000000", dict.fromkeys(FIGURES, 0)), figures)
    show_counties = level_of(run.region_code) < Level.COUNTY
    names = region_names([run.region_code, *townships, *(counties if show_counties else ())])
    rows = [RegionRow(run.region_code, names.get(run.region_code, ""), 0, total)]
    for county in sorted(counties):
        if show_counties:
            rows.append(RegionRow(county, names.get(county, ""), 1, counties[county]))
        rows += [
            RegionRow(code, names.get(code, ""), 2 if show_counties else 1, townships[code])
            for code in sorted(townships)
            if code.startswith(county[:6]) and code != run.region_code
        ]
    return rows


@dataclass(frozen=True)
class BasisRow:
    key: str
    name: str
    count: int
    amount_fen: int


def basis_rows(run: EntitlementRun) -> list[BasisRow]:
    """Credits per rule (named from the rule files the run used) and for individual grants."""
    by_basis: dict[str, dict[str, int]] = (run.report or {}).get("by_basis", {})
    names: dict[str, str] = {"grant": "个人补贴资格（申请批准）"}
    ids = [entry["id"] for entry in (run.documents or {}).values()]
    for document in PolicyDocument.objects.filter(pk__in=ids):
        try:
            policy = policy_of(document)
        except PolicyError:
            continue
        names.update({rule.key: rule.name for rule in policy.rules})
    return [
        BasisRow(key, names.get(key, ""), figures["count"], figures["amount_fen"])
        for key, figures in sorted(by_basis.items(), key=lambda item: (item[0] == "grant", item[0]))
    ]


def rule_names() -> dict[str, str]:
    """Rule key → rule name, over the active rule files (a handful; each parsed once)."""
    names: dict[str, str] = {}
    for document in PolicyDocument.objects.filter(status=DocumentStatus.ACTIVE):
        try:
            policy = policy_of(document)
        except PolicyError:
            continue
        names.update({rule.key: rule.name for rule in policy.rules})
    return names


def basis_of(reference: str) -> str:
    """The basis in a run's reference: "credit:2026-11:resident:7:yz-a" → "yz-a" ("grant:3")."""
    _, _, rest = reference.partition(":resident:")
    _, _, key = rest.partition(":")
    return key


def basis_label(basis: str, names: dict[str, str]) -> str:
    if basis.startswith("grant:"):
        return f"个人补贴资格 #{basis.removeprefix('grant:')}"
    return names.get(basis, "")
