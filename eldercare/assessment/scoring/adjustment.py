"""From the preliminary level to the final level: coma and the raising clauses, for both standards.

Order (spec "Final level"): a preliminary level already at the top stays; coma sets the top level;
otherwise each raising clause that fires adds one level (⚙ or one in total), capped at the top.
Every clause that fired is returned with what it did, so a report can explain the result.
"""

from dataclasses import dataclass
from functools import cache

from eldercare.assessment.scoring.common import Clause, ClauseStacking, EventCounting, Settings

COMA = "coma"
DIAGNOSIS = "diagnosis"
EVENTS = "events_30d"


@dataclass(frozen=True, slots=True)
class ClauseRules:
    """The Chinese text of each clause as one standard words it."""

    coma: str
    diagnosis: str
    events_total: str
    events_any_kind: str

    def text(self, code: str, counting: EventCounting) -> str:
        if code == COMA:
            return self.coma
        if code == DIAGNOSIS:
            return self.diagnosis
        return self.events_total if counting is EventCounting.TOTAL else self.events_any_kind


def events_fire(counts: tuple[int, ...], counting: EventCounting) -> bool:
    """Two or more events in the last 30 days: over all kinds together (⚙ default) or in one kind."""
    if counting is EventCounting.TOTAL:
        return sum(counts) >= 2
    return max(counts) >= 2


def final_level(
    preliminary: int | None,
    *,
    is_coma: bool,
    has_diagnosis: bool,
    has_events: bool,
    settings: Settings,
    rules: ClauseRules,
    level_names: tuple[str, ...],
) -> tuple[int, tuple[Clause, ...]]:
    """The final level and the clauses that fired. `preliminary` is None only under coma."""
    if not (is_coma or has_diagnosis or has_events):
        assert preliminary is not None  # items may only be left out under coma
        return preliminary, ()
    fired = tuple(
        code
        for code, is_fired in ((COMA, is_coma), (DIAGNOSIS, has_diagnosis), (EVENTS, has_events))
        if is_fired
    )
    return _adjust(
        preliminary, fired, settings.clause_stacking, settings.event_counting, rules, level_names
    )


@cache  # few distinct inputs; results are immutable, so every assessment can share them
def _adjust(
    preliminary: int | None,
    fired: tuple[str, ...],
    stacking: ClauseStacking,
    counting: EventCounting,
    rules: ClauseRules,
    level_names: tuple[str, ...],
) -> tuple[int, tuple[Clause, ...]]:
    top = len(level_names) - 1

    def named(level: int) -> str:
        return f"{level} {level_names[level]}"

    def clause(code: str, effect: str, before: int | None, after: int) -> Clause:
        return Clause(code, rules.text(code, counting), effect, before, after)

    if preliminary == top:
        effect = f"初步等级已为{named(top)}，不再调整"
        return top, tuple(clause(code, effect, top, top) for code in fired)
    if fired[0] == COMA:
        coma = clause(COMA, f"直接评定为{named(top)}", preliminary, top)
        rest = (clause(code, "已因昏迷直接评定，不再提高", top, top) for code in fired[1:])
        return top, (coma, *rest)
    assert preliminary is not None  # items may only be left out under coma
    level = preliminary
    clauses = []
    for code in fired:
        before = level
        if level > preliminary and stacking is ClauseStacking.ONCE:
            effect = "按“各条款合计只提高一级”的设置，不再提高"
        elif level == top:
            effect = f"已为{named(top)}，不再提高"
        else:
            level += 1
            effect = f"提高一级：{named(before)} → {named(level)}"
        clauses.append(clause(code, effect, before, level))
    return level, tuple(clauses)
