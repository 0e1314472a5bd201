"""Types shared by both standards: item tables, settings, answers, results and the answer error.

No Django here (import-linter contract "Pure rules import no Django").
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

MZT039 = "mzt039-2013"
GBT42195 = "gbt42195-2022"
STANDARDS = (MZT039, GBT42195)
STANDARD_NAMES = {
    MZT039: "MZ/T 039-2013 老年人能力评估",
    GBT42195: "GB/T 42195-2022 老年人能力评估规范",
}
# Short names of the final levels. The two scales are never converted into each other.
LEVEL_NAMES = {
    MZT039: ("能力完好", "轻度失能", "中度失能", "重度失能"),
    GBT42195: ("能力完好", "轻度失能", "中度失能", "重度失能", "完全失能"),
}


class ClauseStacking(StrEnum):
    """⚙ How raising clauses add up: +1 for each clause that fires, or +1 in total."""

    PER_CLAUSE = "per_clause"
    ONCE = "once"


class EventCounting(StrEnum):
    """⚙ "2 or more events in 30 days": counted over all kinds together, or within one kind."""

    TOTAL = "total"
    ANY_KIND = "any_kind"


@dataclass(frozen=True, slots=True)
class Settings:
    """Region settings for the two open interpretation points of the spec (⚙)."""

    clause_stacking: ClauseStacking = ClauseStacking.PER_CLAUSE
    event_counting: EventCounting = EventCounting.TOTAL

    def __post_init__(self) -> None:
        # Accept plain strings (from a form or the database) but fail loudly on anything else.
        object.__setattr__(self, "clause_stacking", ClauseStacking(self.clause_stacking))
        object.__setattr__(self, "event_counting", EventCounting(self.event_counting))


DEFAULT_SETTINGS = Settings()


class AnswerError(ValueError):
    """An answer file or answer set that cannot be scored. `field` names the item or field."""

    MISSING_ITEM = "missing_item"
    UNKNOWN_ITEM = "unknown_item"
    SCORE_NOT_ALLOWED = "score_not_allowed"
    UNKNOWN_STANDARD = "unknown_standard"
    WRONG_STANDARD = "wrong_standard"
    UNKNOWN_KEY = "unknown_key"
    MISSING_FIELD = "missing_field"
    WRONG_TYPE = "wrong_type"
    NEGATIVE_COUNT = "negative_count"

    def __init__(self, field: str, code: str, message: str) -> None:
        self.field = field
        self.code = code
        self.message = message
        super().__init__(f"{field}：{message}（{code}）")


@dataclass(frozen=True, slots=True)
class Option:
    score: int
    text: str


@dataclass(frozen=True, slots=True)
class Item:
    key: str
    name: str
    options: tuple[Option, ...]
    description: str = ""
    allowed_scores: frozenset[int] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "allowed_scores", frozenset(o.score for o in self.options))

    def option(self, score: int) -> Option:
        """The option with this score (KeyError if there is none), e.g. for a report's answer text."""
        for option in self.options:
            if option.score == score:
                return option
        raise KeyError(score)


@dataclass(frozen=True, slots=True)
class Indicator:
    """A first-level indicator (一级指标) and its items."""

    key: str
    name: str
    items: tuple[Item, ...]
    max_score: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "max_score", sum(max(i.allowed_scores) for i in self.items))


def catalogue_data(indicators: tuple[Indicator, ...]) -> list[dict[str, Any]]:
    """Indicators → items → options as plain data, for entry forms and the API."""
    return [
        {
            "key": indicator.key,
            "name": indicator.name,
            "max_score": indicator.max_score,
            "items": [
                {
                    "key": item.key,
                    "name": item.name,
                    "description": item.description,
                    "options": [{"score": o.score, "text": o.text} for o in item.options],
                }
                for item in indicator.items
            ],
        }
        for indicator in indicators
    ]


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    """Score and grade of one indicator; None where the standard defines none or items are missing.

    MZ/T 039 grades its four indicators (0 能力完好 … 3 重度受损); its 感知觉与沟通 has no total score.
    GB/T 42195 only sums its indicators.
    """

    key: str
    name: str
    score: int | None
    grade: int | None = None
    grade_name: str | None = None


@dataclass(frozen=True, slots=True)
class Clause:
    """An adjustment clause that fired, with what it did to the level."""

    code: str
    rule: str
    effect: str
    level_before: int | None
    level_after: int


@dataclass(frozen=True, slots=True)
class AssessmentResult:
    standard: str
    item_scores: Mapping[str, int]
    indicators: tuple[IndicatorResult, ...]
    # GB/T 42195: the 能力总得分 (0–90); MZ/T 039: the 日常生活活动 total (0–100).
    total_score: int | None
    preliminary_level: int | None
    # The rule that gave the preliminary level; None when coma left items unanswered.
    preliminary_rule: str | None
    clauses: tuple[Clause, ...]
    level: int
    settings: Settings

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES[self.standard][self.level]

    @property
    def preliminary_level_name(self) -> str | None:
        if self.preliminary_level is None:
            return None
        return LEVEL_NAMES[self.standard][self.preliminary_level]

    @property
    def standard_name(self) -> str:
        return STANDARD_NAMES[self.standard]

    def indicator(self, key: str) -> IndicatorResult:
        """The result of one indicator by key (KeyError if the standard has no such indicator)."""
        for indicator in self.indicators:
            if indicator.key == key:
                return indicator
        raise KeyError(key)

    @property
    def explanation(self) -> str:
        """The result in Chinese, line by line, as a report prints it."""
        names = LEVEL_NAMES[self.standard]
        lines = [self.standard_name, "一级指标："]
        for indicator in self.indicators:
            parts = []
            if indicator.score is not None:
                parts.append(f"{indicator.score}分")
            if indicator.grade is not None:
                parts.append(f"分级{indicator.grade}（{indicator.grade_name}）")
            lines.append(f"  {indicator.name}：{'，'.join(parts) or '未评（昏迷）'}")
        if self.standard == GBT42195 and self.total_score is not None:
            lines.append(f"能力总得分：{self.total_score}分")
        if self.preliminary_level is None:
            lines.append("初步等级：无法计算（昏迷，部分项目未评）")
        else:
            lines.append(
                f"初步等级：{self.preliminary_level} {names[self.preliminary_level]}"
                f"（依据：{self.preliminary_rule}）"
            )
        if self.clauses:
            lines.append("调整条款：")
            lines.extend(f"  · {c.rule}：{c.effect}" for c in self.clauses)
        else:
            lines.append("调整条款：无")
        lines.append(f"最终等级：{self.level} {self.level_name}")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON: the command's --json output, storage and the API."""
        indicators: dict[str, dict[str, Any]] = {}
        for i in self.indicators:
            entry: dict[str, Any] = {"name": i.name, "score": i.score}
            if self.standard == MZT039:
                entry |= {"grade": i.grade, "grade_name": i.grade_name}
            indicators[i.key] = entry
        return {
            "standard": self.standard,
            "standard_name": self.standard_name,
            "level": self.level,
            "level_name": self.level_name,
            "preliminary_level": self.preliminary_level,
            "preliminary_level_name": self.preliminary_level_name,
            "preliminary_rule": self.preliminary_rule,
            "total_score": self.total_score,
            "indicators": indicators,
            "clauses": [
                {
                    "code": c.code,
                    "rule": c.rule,
                    "effect": c.effect,
                    "level_before": c.level_before,
                    "level_after": c.level_after,
                }
                for c in self.clauses
            ],
            "item_scores": dict(self.item_scores),
            "settings": {
                "clause_stacking": self.settings.clause_stacking.value,
                "event_counting": self.settings.event_counting.value,
            },
            "explanation": self.explanation,
        }


EVENT_KINDS = ("fall", "choking", "suicide", "self_harm", "wandering")
EVENT_NAMES = {
    "fall": "跌倒",
    "choking": "噎食",
    "suicide": "自杀",
    "self_harm": "自伤",
    "wandering": "走失",
}


@dataclass(frozen=True, slots=True)
class Events30d:
    """Care-risk events per kind in the last 30 days."""

    fall: int = 0
    choking: int = 0
    suicide: int = 0
    self_harm: int = 0
    wandering: int = 0


@dataclass(frozen=True, slots=True)
class Conditions:
    """Facts from the basic-information form that adjust the level."""

    coma: bool = False
    dementia: bool = False
    psychiatric_disorder: bool = False
    events_30d: Events30d = Events30d()


NO_CONDITIONS = Conditions()


@dataclass(frozen=True, slots=True)
class AnswerSet:
    """One answer file: the score of the chosen option per item key, and the conditions."""

    standard: str
    answers: Mapping[str, object]
    conditions: Conditions = NO_CONDITIONS

    def __post_init__(self) -> None:
        if self.standard not in STANDARDS:
            raise AnswerError(
                "standard",
                AnswerError.UNKNOWN_STANDARD,
                f"未知的评估标准 {self.standard!r}，可用：{'、'.join(STANDARDS)}",
            )


class ItemScores(Mapping[str, int]):
    """Read-only item key → score of the answered items, in table order.

    Wraps the checked score tuple instead of copying it into a dict: scoring stays cheap.
    """

    __slots__ = ("_index", "_values")

    def __init__(self, index: Mapping[str, int], values: tuple[int | None, ...]) -> None:
        self._index = index  # item key → position in the table
        self._values = values

    def __getitem__(self, key: str) -> int:
        value = self._values[self._index[key]]
        if value is None:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator[str]:
        return (
            key for key, value in zip(self._index, self._values, strict=True) if value is not None
        )

    def __len__(self) -> int:
        return len(self._values) - self._values.count(None)

    def __repr__(self) -> str:
        return f"ItemScores({dict(self)!r})"
