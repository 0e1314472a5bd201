"""Scoring-sheet formulas (考核表): from item rules, indicator values and manual scores to a report.
No Django.

A sheet has items, each with a declared maximum and sub-items with points and a rule:

- manual: an assessor enters the points (0 … the sub-item's points) with evidence;
- threshold: the sub-item's points if an indicator meets a bound (at_least / at_most), else 0;
- proportional: points × value / target, the ratio capped at 1 (or the points capped at `cap`);
- per_unit: points + units short of the target × per_missing + units beyond it × per_extra
  ("每少完成一个扣2分，超额完成一个加1分": per_missing −2, per_extra +1), never below 0, at most
  `cap` when given; the target is a number or another indicator's value.

An indicator rule may name `as_of`: the indicator is read on that day ("执行进度 2020年底前达到50%")
once the scoring date has reached it, and on the scoring date before.

Sub-item points add up to the item; the item never gives more than its declared maximum (a
per-unit bonus can make up for losses elsewhere in the item, but not beyond it). Bonus items (加分项)
are totalled separately from the base items. `sheet_warnings` reports items whose sub-items do
not add up to the declared maximum (Huining item 3: 5 points over 2+2+2+2).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

__all__ = [
    "IndicatorKey",
    "IndicatorValue",
    "Item",
    "ItemScore",
    "ManualScore",
    "Rule",
    "RuleKind",
    "Sheet",
    "SheetScore",
    "SheetWarning",
    "SubItem",
    "SubItemScore",
    "SubItemStatus",
    "indicator_needs",
    "score_sheet",
    "sheet_warnings",
]

ZERO = Decimal(0)
CENT = Decimal("0.01")


class RuleKind(StrEnum):
    MANUAL = "manual"
    THRESHOLD = "threshold"
    PROPORTIONAL = "proportional"
    PER_UNIT = "per_unit"


RULE_LABELS = {
    RuleKind.MANUAL: "人工评分",
    RuleKind.THRESHOLD: "达标得分",
    RuleKind.PROPORTIONAL: "按比例得分",
    RuleKind.PER_UNIT: "按个数增减",
}


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _text(value: Decimal) -> str:
    """2 → "2", 0.50 → "0.5": points and bounds as people write them."""
    if value == 0:  # also -0 (0 × −2)
        return "0"
    normalized = value.normalize()
    return f"{normalized:f}"


@dataclass(frozen=True)
class Rule:
    kind: RuleKind = RuleKind.MANUAL
    indicator: str = ""
    as_of: date | None = None
    at_least: Decimal | None = None
    at_most: Decimal | None = None
    target: Decimal | None = None
    target_indicator: str = ""
    per_missing: Decimal = ZERO
    per_extra: Decimal = ZERO
    cap: Decimal | None = None

    def problems(self) -> list[tuple[str, str]]:
        """(key, message) for each inconsistency; the file reader adds the place."""
        found: list[tuple[str, str]] = []
        if self.kind == RuleKind.MANUAL:
            return found
        if not self.indicator:
            found.append(("indicator", f"{RULE_LABELS[self.kind]}规则须指定指标（indicator）"))
        if self.kind == RuleKind.THRESHOLD and self.at_least is None and self.at_most is None:
            found.append(("at_least", "达标规则须给出 at_least 或 at_most"))
        if self.kind == RuleKind.PROPORTIONAL and (self.target is None or self.target <= 0):
            found.append(("target", "按比例规则须给出大于0的目标值（target）"))
        if self.kind == RuleKind.PER_UNIT:
            if self.target is None and not self.target_indicator:
                found.append(("target", "按个数规则须给出目标值（target）或目标指标"))
            if self.per_missing > 0:
                found.append(("per_missing", "per_missing 是每少一个的分数变化，应为0或负数"))
            if self.per_missing == 0 and self.per_extra == 0:
                found.append(("per_extra", "按个数规则须给出 per_missing 或 per_extra"))
        return found

    def evaluation_date(self, on: date) -> date:
        return self.as_of if self.as_of is not None and self.as_of <= on else on

    def describe(self) -> str:
        if self.kind == RuleKind.MANUAL:
            return "人工评分"
        when = f"（以{self.as_of.isoformat()}为准）" if self.as_of else ""
        if self.kind == RuleKind.THRESHOLD:
            bounds = []
            if self.at_least is not None:
                bounds.append(f"≥ {_text(self.at_least)}")
            if self.at_most is not None:
                bounds.append(f"≤ {_text(self.at_most)}")
            return f"{self.indicator} {' 且 '.join(bounds)}{when}"
        target = self.target_indicator or (_text(self.target) if self.target is not None else "")
        if self.kind == RuleKind.PROPORTIONAL:
            return f"分值 × {self.indicator} / {target}{when}"
        parts = [f"{self.indicator} 对比目标 {target}"]
        if self.per_missing:
            parts.append(f"每少一个 {_text(self.per_missing)} 分")
        if self.per_extra:
            sign = "+" if self.per_extra > 0 else ""
            parts.append(f"每多一个 {sign}{_text(self.per_extra)} 分")
        return "，".join(parts) + when

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind.value}
        if self.indicator:
            data["indicator"] = self.indicator
        if self.as_of is not None:
            data["as_of"] = self.as_of.isoformat()
        for name in ("at_least", "at_most", "target", "cap"):
            value = getattr(self, name)
            if value is not None:
                data[name] = str(value)
        if self.target_indicator:
            data["target_indicator"] = self.target_indicator
        if self.per_missing:
            data["per_missing"] = str(self.per_missing)
        if self.per_extra:
            data["per_extra"] = str(self.per_extra)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rule:
        as_of = data.get("as_of")
        return cls(
            kind=RuleKind(data.get("kind", RuleKind.MANUAL)),
            indicator=str(data.get("indicator", "")),
            as_of=date.fromisoformat(as_of) if as_of else None,
            at_least=_decimal(data.get("at_least")),
            at_most=_decimal(data.get("at_most")),
            target=_decimal(data.get("target")),
            target_indicator=str(data.get("target_indicator", "")),
            per_missing=_decimal(data.get("per_missing")) or ZERO,
            per_extra=_decimal(data.get("per_extra")) or ZERO,
            cap=_decimal(data.get("cap")),
        )


@dataclass(frozen=True)
class SubItem:
    key: str  # unique in the sheet, e.g. "2.2"
    text: str
    points: Decimal
    rule: Rule = field(default_factory=Rule)


@dataclass(frozen=True)
class Item:
    number: str
    name: str
    max_points: Decimal
    sub_items: tuple[SubItem, ...] = ()
    is_bonus: bool = False


@dataclass(frozen=True)
class Sheet:
    items: tuple[Item, ...]

    @property
    def base_maximum(self) -> Decimal:
        return sum((i.max_points for i in self.items if not i.is_bonus), ZERO)

    @property
    def bonus_maximum(self) -> Decimal:
        return sum((i.max_points for i in self.items if i.is_bonus), ZERO)


IndicatorKey = tuple[str, date]


@dataclass(frozen=True)
class IndicatorValue:
    code: str
    as_of: date
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    source: str = ""
    evidence: str = ""


@dataclass(frozen=True)
class ManualScore:
    points: Decimal
    evidence: str = ""


class SubItemStatus(StrEnum):
    SCORED = "scored"
    MISSING = "missing"  # no manual score or no indicator value: 0 points until there is one


@dataclass(frozen=True)
class SubItemScore:
    key: str
    points: Decimal
    maximum: Decimal
    status: SubItemStatus
    explanation: str
    evidence: str = ""
    indicator: IndicatorValue | None = None
    target: IndicatorValue | None = None


@dataclass(frozen=True)
class ItemScore:
    number: str
    name: str
    is_bonus: bool
    maximum: Decimal
    raw: Decimal  # the sub-items added up
    points: Decimal  # raw, capped at the maximum
    sub_items: tuple[SubItemScore, ...]

    @property
    def is_capped(self) -> bool:
        return self.raw > self.maximum


@dataclass(frozen=True)
class SheetScore:
    on: date
    items: tuple[ItemScore, ...]
    base_total: Decimal
    base_maximum: Decimal
    bonus_total: Decimal
    bonus_maximum: Decimal

    @property
    def total(self) -> Decimal:
        return self.base_total + self.bonus_total


@dataclass(frozen=True)
class SheetWarning:
    item: str
    code: str
    message: str


def sheet_warnings(sheet: Sheet) -> list[SheetWarning]:
    warnings = []
    for item in sheet.items:
        if not item.sub_items:
            continue
        total = sum((s.points for s in item.sub_items), ZERO)
        parts = "+".join(_text(s.points) for s in item.sub_items)
        if total > item.max_points:
            warnings.append(
                SheetWarning(
                    item.number,
                    "sub_items_exceed_item",
                    f"第{item.number}项声明{_text(item.max_points)}分，细项合计{_text(total)}分"
                    f"（{parts}），评分以{_text(item.max_points)}分封顶",
                )
            )
        elif total < item.max_points:
            warnings.append(
                SheetWarning(
                    item.number,
                    "sub_items_below_item",
                    f"第{item.number}项声明{_text(item.max_points)}分，细项合计只有{_text(total)}分"
                    f"（{parts}），无法得满分",
                )
            )
    return warnings


def indicator_needs(sheet: Sheet, on: date) -> set[IndicatorKey]:
    """The (indicator, day) pairs the scoring of `sheet` on `on` reads."""
    needs: set[IndicatorKey] = set()
    for item in sheet.items:
        for sub in item.sub_items:
            rule = sub.rule
            day = rule.evaluation_date(on)
            if rule.indicator:
                needs.add((rule.indicator, day))
            if rule.target_indicator:
                needs.add((rule.target_indicator, day))
    return needs


def score_sheet(
    sheet: Sheet,
    indicators: Mapping[IndicatorKey, IndicatorValue],
    manual: Mapping[str, ManualScore],
    *,
    on: date,
) -> SheetScore:
    items = tuple(_score_item(item, indicators, manual, on) for item in sheet.items)
    return SheetScore(
        on=on,
        items=items,
        base_total=sum((i.points for i in items if not i.is_bonus), ZERO),
        base_maximum=sheet.base_maximum,
        bonus_total=sum((i.points for i in items if i.is_bonus), ZERO),
        bonus_maximum=sheet.bonus_maximum,
    )


def _score_item(
    item: Item,
    indicators: Mapping[IndicatorKey, IndicatorValue],
    manual: Mapping[str, ManualScore],
    on: date,
) -> ItemScore:
    subs = tuple(_score_sub_item(sub, indicators, manual, on) for sub in item.sub_items)
    raw = sum((s.points for s in subs), ZERO)
    return ItemScore(
        number=item.number,
        name=item.name,
        is_bonus=item.is_bonus,
        maximum=item.max_points,
        raw=raw,
        points=max(ZERO, min(raw, item.max_points)),
        sub_items=subs,
    )


def _score_sub_item(
    sub: SubItem,
    indicators: Mapping[IndicatorKey, IndicatorValue],
    manual: Mapping[str, ManualScore],
    on: date,
) -> SubItemScore:
    rule = sub.rule
    if rule.kind == RuleKind.MANUAL:
        entered = manual.get(sub.key)
        if entered is None:
            return SubItemScore(sub.key, ZERO, sub.points, SubItemStatus.MISSING, "尚未评分")
        points = max(ZERO, min(entered.points, sub.points))
        note = (
            "人工评分"
            if points == entered.points
            else f"人工评分{_text(entered.points)}，按分值限定"
        )
        return SubItemScore(
            sub.key, points, sub.points, SubItemStatus.SCORED, note, evidence=entered.evidence
        )
    day = rule.evaluation_date(on)
    value = indicators.get((rule.indicator, day))
    if value is None or value.value is None:
        return SubItemScore(
            sub.key,
            ZERO,
            sub.points,
            SubItemStatus.MISSING,
            f"缺少指标 {rule.indicator} 在 {day.isoformat()} 的值",
            indicator=value,
        )
    if rule.kind == RuleKind.THRESHOLD:
        return _threshold(sub, value)
    if rule.kind == RuleKind.PROPORTIONAL:
        return _proportional(sub, value)
    target_value: IndicatorValue | None = None
    target = rule.target
    if rule.target_indicator:
        target_value = indicators.get((rule.target_indicator, day))
        target = target_value.value if target_value is not None else None
        if target is None:
            return SubItemScore(
                sub.key,
                ZERO,
                sub.points,
                SubItemStatus.MISSING,
                f"缺少目标指标 {rule.target_indicator} 在 {day.isoformat()} 的值",
                indicator=value,
                target=target_value,
            )
    assert target is not None and value.value is not None  # checked by Rule.problems and above
    return _per_unit(sub, value, target, target_value)


def _threshold(sub: SubItem, value: IndicatorValue) -> SubItemScore:
    rule = sub.rule
    assert value.value is not None
    meets = (rule.at_least is None or value.value >= rule.at_least) and (
        rule.at_most is None or value.value <= rule.at_most
    )
    shown = _text(value.value)
    explanation = (
        f"{rule.indicator} = {shown}，达到 {rule.describe()}"
        if meets
        else f"{rule.indicator} = {shown}，未达到 {rule.describe()}"
    )
    return SubItemScore(
        sub.key,
        sub.points if meets else ZERO,
        sub.points,
        SubItemStatus.SCORED,
        explanation,
        indicator=value,
    )


def _proportional(sub: SubItem, value: IndicatorValue) -> SubItemScore:
    rule = sub.rule
    assert value.value is not None and rule.target is not None
    ratio = max(value.value, ZERO) / rule.target
    if rule.cap is None:
        points = sub.points * min(ratio, Decimal(1))
    else:
        points = min(sub.points * ratio, rule.cap)
    points = points.quantize(CENT, rounding=ROUND_HALF_UP)
    return SubItemScore(
        sub.key,
        points,
        sub.points,
        SubItemStatus.SCORED,
        f"{_text(sub.points)} × {_text(value.value)} / {_text(rule.target)} = {_text(points)}"
        + ("（封顶）" if ratio > 1 else ""),
        indicator=value,
    )


def _per_unit(
    sub: SubItem, value: IndicatorValue, target: Decimal, target_value: IndicatorValue | None
) -> SubItemScore:
    rule = sub.rule
    assert value.value is not None
    missing = max(target - value.value, ZERO)
    extra = max(value.value - target, ZERO)
    points = sub.points + missing * rule.per_missing + extra * rule.per_extra
    bounded = max(points, ZERO)
    if rule.cap is not None:
        bounded = min(bounded, rule.cap)
    bounded = bounded.quantize(CENT, rounding=ROUND_HALF_UP)
    explanation = (
        f"{rule.indicator} = {_text(value.value)}，目标 {_text(target)}："
        f"少 {_text(missing)} 个，多 {_text(extra)} 个，"
        f"{_text(sub.points)} {_signed(missing * rule.per_missing)} {_signed(extra * rule.per_extra)}"
        f" = {_text(points)}"
    )
    if bounded != points:
        explanation += f"，限定为 {_text(bounded)}"
    return SubItemScore(
        sub.key,
        bounded,
        sub.points,
        SubItemStatus.SCORED,
        explanation,
        indicator=value,
        target=target_value,
    )


def _signed(value: Decimal) -> str:
    return f"- {_text(-value)}" if value < 0 else f"+ {_text(value)}"
