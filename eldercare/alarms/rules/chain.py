"""The call chain: who is called, in which order, and how long each has to acknowledge.

Default order (seed 003 row 22): the serving provider's call centre → children and other
relatives → neighbours → grid worker / village cadre (contacts, then the village's workers) →
advise calling 120. A resident's own chain, when edited, replaces the default entirely.
"""

from dataclasses import dataclass
from typing import Any

PROVIDER = "provider"
FAMILY = "family"
NEIGHBOUR = "neighbour"
GRID = "grid"
ADVISE_120 = "advise_120"
OTHER = "other"
STEP_KINDS = (PROVIDER, FAMILY, NEIGHBOUR, GRID, ADVISE_120, OTHER)

DEFAULT_TIMEOUTS = {
    PROVIDER: 120,
    FAMILY: 180,
    NEIGHBOUR: 180,
    GRID: 300,
    ADVISE_120: 300,
    OTHER: 180,
}
MIN_TIMEOUT = 30
MAX_TIMEOUT = 3600
MAX_STEPS = 12

_RELATION_KIND = {
    "child": FAMILY,
    "spouse": FAMILY,
    "relative": FAMILY,
    "neighbour": NEIGHBOUR,
    "grid_worker": GRID,
    "village_cadre": GRID,
    "other": OTHER,
}
_KIND_ORDER = {PROVIDER: 0, FAMILY: 1, NEIGHBOUR: 2, OTHER: 3, GRID: 4}


@dataclass(frozen=True)
class Step:
    kind: str
    name: str
    phone: str
    timeout_seconds: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "phone": self.phone,
            "timeout_seconds": self.timeout_seconds,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Step":
        return cls(data["kind"], data["name"], data["phone"], int(data["timeout_seconds"]))


@dataclass(frozen=True)
class Contact:
    name: str
    relation: str
    phone: str
    call_order: int


def advise_120_step() -> Step:
    return Step(ADVISE_120, "建议拨打120", "120", DEFAULT_TIMEOUTS[ADVISE_120])


def default_chain(
    providers: list[tuple[str, str]],
    contacts: list[Contact],
    village_workers: list[tuple[str, str]],
) -> list[Step]:
    """providers and village_workers are (name, phone); entries without a phone are skipped."""
    steps = [
        Step(PROVIDER, f"{name}呼叫中心", phone, DEFAULT_TIMEOUTS[PROVIDER])
        for name, phone in providers
        if phone
    ]
    ordered = sorted(
        (c for c in contacts if c.phone),
        key=lambda c: (_KIND_ORDER[_RELATION_KIND.get(c.relation, OTHER)], c.call_order),
    )
    for contact in ordered:
        kind = _RELATION_KIND.get(contact.relation, OTHER)
        steps.append(Step(kind, contact.name, contact.phone, DEFAULT_TIMEOUTS[kind]))
    known = {step.phone for step in steps}
    steps.extend(
        Step(GRID, name, phone, DEFAULT_TIMEOUTS[GRID])
        for name, phone in village_workers
        if phone and phone not in known
    )
    steps.append(advise_120_step())
    return steps


def check_chain(steps: list[Step]) -> list[str]:
    """Problems with an edited chain, one message each (empty: the chain is usable)."""
    problems = []
    if not steps:
        problems.append("呼叫链至少需要一个环节")
    if len(steps) > MAX_STEPS:
        problems.append(f"呼叫链最多 {MAX_STEPS} 个环节")
    for position, step in enumerate(steps, start=1):
        if step.kind not in STEP_KINDS:
            problems.append(f"第 {position} 环节：类型无效")
        if not step.name.strip():
            problems.append(f"第 {position} 环节：请填写名称")
        if step.kind != ADVISE_120 and not step.phone.strip():
            problems.append(f"第 {position} 环节：请填写电话")
        if not MIN_TIMEOUT <= step.timeout_seconds <= MAX_TIMEOUT:
            problems.append(f"第 {position} 环节：确认时限应在 {MIN_TIMEOUT}–{MAX_TIMEOUT} 秒之间")
    return problems
