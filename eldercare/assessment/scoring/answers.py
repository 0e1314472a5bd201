"""Reading answers: the answer-file JSON format of the spec, and checking scores against an item table.

Every problem is an AnswerError naming the item key or the field path (`conditions.events_30d.fall`).
"""

from collections.abc import Callable, Mapping
from typing import Any, cast

from eldercare.assessment.scoring.common import (
    EVENT_KINDS,
    STANDARDS,
    AnswerError,
    AnswerSet,
    Conditions,
    Events30d,
    Indicator,
    ItemScores,
)

FILE_KEYS = ("standard", "answers", "conditions")
FLAG_KEYS = ("coma", "dementia", "psychiatric_disorder")
CONDITION_KEYS = (*FLAG_KEYS, "events_30d")
_ONLY_INT = {int}


def parse_answer_file(data: object, *, standard: str | None = None) -> AnswerSet:
    """The decoded JSON of an answer file → AnswerSet. `standard`, when given, overrides the file's."""
    if not isinstance(data, dict):
        raise AnswerError("(文件)", AnswerError.WRONG_TYPE, "答卷必须是一个 JSON 对象")
    _reject_unknown_keys(data, FILE_KEYS, prefix="")
    if standard is None:
        standard = data.get("standard")
        if standard is None:
            raise AnswerError(
                "standard",
                AnswerError.MISSING_FIELD,
                f"未指明评估标准（{'、'.join(STANDARDS)}）",
            )
        if not isinstance(standard, str):
            raise AnswerError("standard", AnswerError.WRONG_TYPE, "评估标准必须是字符串")
    if "answers" not in data:
        raise AnswerError("answers", AnswerError.MISSING_FIELD, "缺少各项目的评分")
    answers = data["answers"]
    if not isinstance(answers, dict):
        raise AnswerError("answers", AnswerError.WRONG_TYPE, "answers 必须是“项目: 分值”的对象")
    return AnswerSet(standard, answers, _conditions(data.get("conditions", {})))


def _conditions(data: object) -> Conditions:
    if not isinstance(data, dict):
        raise AnswerError("conditions", AnswerError.WRONG_TYPE, "conditions 必须是一个对象")
    _reject_unknown_keys(data, CONDITION_KEYS, prefix="conditions.")
    flags = {}
    for key in FLAG_KEYS:
        value = data.get(key, False)
        if not isinstance(value, bool):
            raise AnswerError(f"conditions.{key}", AnswerError.WRONG_TYPE, "必须是 true 或 false")
        flags[key] = value
    return Conditions(**flags, events_30d=_events(data.get("events_30d", {})))


def _events(data: object) -> Events30d:
    if not isinstance(data, dict):
        raise AnswerError(
            "conditions.events_30d", AnswerError.WRONG_TYPE, "events_30d 必须是“事件: 次数”的对象"
        )
    _reject_unknown_keys(data, EVENT_KINDS, prefix="conditions.events_30d.")
    counts = {}
    for kind, count in data.items():
        field = f"conditions.events_30d.{kind}"
        if type(count) is not int:
            raise AnswerError(field, AnswerError.WRONG_TYPE, "次数必须是整数")
        if count < 0:
            raise AnswerError(field, AnswerError.NEGATIVE_COUNT, "次数不能为负数")
        counts[kind] = count
    return Events30d(**counts)


def _reject_unknown_keys(data: dict[Any, Any], known: tuple[str, ...], *, prefix: str) -> None:
    for key in data:
        if key not in known:
            raise AnswerError(
                f"{prefix}{key}", AnswerError.UNKNOWN_KEY, f"未知的字段，可用：{'、'.join(known)}"
            )


class ItemTable:
    """The items of one standard, indicator by indicator, prepared for checking answers quickly."""

    def __init__(self, indicators: tuple[Indicator, ...]) -> None:
        self.items = tuple(item for indicator in indicators for item in indicator.items)
        self.keys = tuple(item.key for item in self.items)
        self._allowed = tuple(item.allowed_scores for item in self.items)
        self._index = {key: position for position, key in enumerate(self.keys)}
        parts = []
        start = 0
        for indicator in indicators:
            parts.append(slice(start, start + len(indicator.items)))
            start += len(indicator.items)
        self.parts = tuple(parts)

    def split(self, values: tuple[int | None, ...]) -> tuple[tuple[int, ...] | None, ...]:
        """The scores of each indicator; None for an indicator with an item left out (coma)."""
        return tuple(
            None if None in values[part] else cast(tuple[int, ...], values[part])
            for part in self.parts
        )

    def scores(self, values: tuple[int | None, ...]) -> ItemScores:
        return ItemScores(self._index, values)

    def read(
        self, answers: Mapping[str, object], *, is_coma: Callable[[], bool]
    ) -> tuple[int | None, ...]:
        """Scores in table order; None for an item left out because of coma.

        The fast path does its work in C (map over the whole table); any anomaly goes to _check,
        which finds and names the offending item.
        """
        values = tuple(map(answers.get, self.keys))
        if (
            len(answers) == len(self.keys)
            and set(map(type, values)) == _ONLY_INT
            and all(map(frozenset.__contains__, self._allowed, values))
        ):
            return values  # type: ignore[return-value]  # every value was checked to be an int
        return self._check(answers, values, is_coma)

    def _check(
        self,
        answers: Mapping[str, object],
        values: tuple[object, ...],
        is_coma: Callable[[], bool],
    ) -> tuple[int | None, ...]:
        for key in answers:
            if key not in self._index:
                raise AnswerError(str(key), AnswerError.UNKNOWN_ITEM, "本评估标准没有这个项目")
        checked: list[int | None] = []
        for item, value in zip(self.items, values, strict=True):
            if value is None:  # left out, or null: not answered
                if not is_coma():
                    raise AnswerError(
                        item.key, AnswerError.MISSING_ITEM, f"缺少“{item.name}”的评分"
                    )
                checked.append(None)
            elif type(value) is not int or value not in item.allowed_scores:
                allowed = "、".join(str(o.score) for o in item.options)
                raise AnswerError(
                    item.key,
                    AnswerError.SCORE_NOT_ALLOWED,
                    f"“{item.name}”的评分 {value!r} 不是允许的分值（{allowed}）",
                )
            else:
                checked.append(value)
        return tuple(checked)
