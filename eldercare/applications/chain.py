"""The review chain as data: which levels review an application, in order, and how many working
days each has. Pure, no Django.

A chain is a list of steps going strictly up the region tree (village → township → county →
city), e.g. `[{"level": "village", "working_days": 5}, …]`. Each step is decided by a reviewer
bound to the resident's own village / township / county / city at that level.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eldercare.regions.codes import Level, ancestor_codes

LEVELS: Mapping[str, Level] = {
    "village": Level.VILLAGE,
    "township": Level.TOWNSHIP,
    "county": Level.COUNTY,
    "city": Level.CITY,
}
LEVEL_NAMES: Mapping[str, str] = {
    "village": "村（社区）初审",
    "township": "乡镇（街道）审核",
    "county": "县级审批",
    "city": "市级审批",
}
DEFAULT_WORKING_DAYS = 5
MIN_WORKING_DAYS = 1
MAX_WORKING_DAYS = 60
MAX_STEPS = len(LEVELS)


@dataclass(frozen=True, slots=True)
class ChainStep:
    level: str
    working_days: int

    def as_dict(self) -> dict[str, Any]:
        return {"level": self.level, "working_days": self.working_days}


DEFAULT_CHAIN: tuple[ChainStep, ...] = (
    ChainStep("village", DEFAULT_WORKING_DAYS),
    ChainStep("township", DEFAULT_WORKING_DAYS),
    ChainStep("county", DEFAULT_WORKING_DAYS),
)


class ChainError(ValueError):
    """A chain that cannot be used; `position` is the 1-based step (0: the chain as a whole)."""

    def __init__(self, position: int, code: str, message: str) -> None:
        where = f"第{position}步：" if position else ""
        super().__init__(f"{where}{message}")
        self.position = position
        self.code = code
        self.message = message


def parse_chain(raw: object) -> tuple[ChainStep, ...]:
    """Validate a chain given as a list of {"level", "working_days"} objects."""
    if not isinstance(raw, Sequence) or isinstance(raw, str | bytes):
        raise ChainError(0, "wrong_type", "审核流程应为步骤列表")
    if not raw:
        raise ChainError(0, "empty", "审核流程至少要有一步")
    if len(raw) > MAX_STEPS:
        raise ChainError(0, "too_long", f"审核流程最多 {MAX_STEPS} 步")
    steps: list[ChainStep] = []
    for position, item in enumerate(raw, start=1):
        if not isinstance(item, Mapping):
            raise ChainError(position, "wrong_type", "每一步应包含审核层级和办理时限")
        unknown = sorted(set(item) - {"level", "working_days"})
        if unknown:
            raise ChainError(position, "field_unknown", f"无法识别的字段：{'、'.join(unknown)}")
        level = str(item.get("level") or "")
        if level not in LEVELS:
            raise ChainError(
                position,
                "level_unknown",
                f"审核层级应为 {'、'.join(LEVELS)} 之一：{item.get('level')!r}",
            )
        days = item.get("working_days", DEFAULT_WORKING_DAYS)
        if isinstance(days, bool) or not isinstance(days, int):
            raise ChainError(position, "days_invalid", f"办理时限应为整数个工作日：{days!r}")
        if not MIN_WORKING_DAYS <= days <= MAX_WORKING_DAYS:
            raise ChainError(
                position,
                "days_out_of_range",
                f"办理时限应为 {MIN_WORKING_DAYS}–{MAX_WORKING_DAYS} 个工作日：{days}",
            )
        if steps and LEVELS[level] >= LEVELS[steps[-1].level]:
            raise ChainError(
                position,
                "order",
                f"审核应逐级向上：{LEVEL_NAMES[level]}不能排在{LEVEL_NAMES[steps[-1].level]}之后",
            )
        steps.append(ChainStep(level, days))
    return tuple(steps)


def reviewing_code(resident_region: str, level: str) -> str | None:
    """The code of the resident's region at `level` (their village, township …), or None when
    the resident's region is above that level (a step that is skipped)."""
    codes = ancestor_codes(resident_region)
    wanted = LEVELS[level]
    return codes[wanted - 1] if wanted <= len(codes) else None
