"""A rule file's text → a validated Policy, or every problem found with its exact place."""

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from yaml.nodes import MappingNode, Node

from eldercare.entitlements.policy import analysis
from eldercare.entitlements.policy.condition_parsing import ConditionParser
from eldercare.entitlements.policy.conditions import Condition
from eldercare.entitlements.policy.model import Benefit, Group, Policy, Rule
from eldercare.entitlements.policy.problems import PolicyError
from eldercare.entitlements.policy.vocabulary import (
    BENEFIT_KINDS,
    CARE_SUBSIDY,
    COMBINE_POLICIES,
    EXCLUSIVE,
    ITEM_PREFIX,
    MAX_LEVEL,
    MONTHLY_SERVICE_CREDIT,
    ONE_OFF_SUBSIDY,
    SERVICE_CATEGORIES,
    STANDARD_SHORT_NAMES,
    STANDARDS,
    yuan,
)
from eldercare.entitlements.policy.yamlreader import Reader, join
from eldercare.regions.codes import CODE_LENGTH

KEY = re.compile(r"[a-z0-9][a-z0-9_.-]*")
# Unused monthly credit is usable until the end of its month plus at most this many months.
MAX_CARRY_OVER_MONTHS = 12
ITEM_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")

FILE_FIELDS = {
    "region": True,
    "name": True,
    "version": True,
    "floor": False,
    "disabled_threshold": False,
    "carry_over_months": False,
    "groups": True,
    "rules": True,
    "note": False,
}
GROUP_FIELDS = {"name": True, "combine": True}
RULE_FIELDS = {
    "key": True,
    "name": True,
    "effective_from": True,
    "effective_to": False,
    "when": True,
    "benefit": True,
    "group": True,
    "note": False,
}
BENEFIT_FIELDS = {
    MONTHLY_SERVICE_CREDIT: {"kind": True, "amount": True, "items": True},
    ONE_OFF_SUBSIDY: {"kind": True, "amount": True, "reason": True},
    CARE_SUBSIDY: {"kind": True, "amount": True},
}
ALL_BENEFIT_FIELDS = {"kind": True, "amount": True, "items": False, "reason": False}


def parse_policy(text: str, source: str) -> Policy:
    """The Policy in `text`; PolicyError with every problem (file, line, column, path, message)."""
    reader = Reader(source)
    root = reader.compose(text)
    policy = None if root is None else _FileParser(reader).parse(root)
    if reader.problems:
        raise PolicyError(reader.problems)
    assert policy is not None
    return policy


@dataclass
class _ParsedRule:
    node: Node
    path: str
    key: str | None
    name: str | None
    effective_from: date | None
    effective_to: date | None
    when: Condition | None
    benefit_kind: str | None
    amount_fen: int | None
    items: tuple[str, ...]
    reason: str
    group: str | None
    note: str

    def build(self) -> Rule | None:
        if (
            self.key is None
            or self.name is None
            or self.effective_from is None
            or self.when is None
            or self.benefit_kind is None
            or self.amount_fen is None
            or self.group is None
        ):
            return None
        mark = self.node.start_mark
        return Rule(
            key=self.key,
            name=self.name,
            effective_from=self.effective_from,
            effective_to=self.effective_to,
            when=self.when,
            benefit=Benefit(
                kind=self.benefit_kind,
                group=self.group,
                amount_fen=self.amount_fen,
                items=self.items,
                rule_key=self.key,
                reason=self.reason,
            ),
            group=self.group,
            note=self.note,
            line=mark.line + 1,
            column=mark.column + 1,
        )


class _FileParser:
    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.floor: dict[str, int] = {}
        self.thresholds: Mapping[str, int] | None = None
        self.groups: dict[str, Group] = {}
        self.declared: set[str] = set()  # group names written under `groups`, valid or not
        self.groups_broken = False  # `groups` is missing or not a mapping (already reported)

    def parse(self, root: Node) -> Policy | None:
        r = self.reader
        fields = r.mapping(root, "", FILE_FIELDS)
        if fields is None:
            return None
        region = self.region(fields["region"]) if "region" in fields else None
        name = r.text(fields["name"], "name") if "name" in fields else None
        version = r.scalar_text(fields["version"], "version") if "version" in fields else None
        note = (r.text(fields["note"], "note") or "") if "note" in fields else ""
        if "floor" in fields:
            self.parse_floor(fields["floor"])
        if "disabled_threshold" in fields:
            self.parse_thresholds(fields["disabled_threshold"])
        carry_over = 0
        if "carry_over_months" in fields:
            carry_over = (
                r.integer(
                    fields["carry_over_months"],
                    "carry_over_months",
                    0,
                    MAX_CARRY_OVER_MONTHS,
                    "未用额度结转月数",
                )
                or 0
            )
        if "groups" in fields:
            self.parse_groups(fields["groups"])
        else:
            self.groups_broken = True
        parsed = self.parse_rules(fields["rules"]) if "rules" in fields else []
        rules = [rule.build() for rule in parsed]
        self.check_groups(parsed)
        self.check_exclusive(parsed)
        if r.problems or region is None or name is None or version is None:
            return None
        return Policy(
            region=region,
            name=name,
            version=version,
            source=r.source,
            floor=MappingProxyType(self.floor),
            disabled_threshold=MappingProxyType(dict(self.thresholds or {})),
            groups=MappingProxyType(self.groups),
            rules=tuple(rule for rule in rules if rule is not None),
            note=note,
            carry_over_months=carry_over,
            region_at=r.position(fields["region"]),
        )

    def region(self, node: Node) -> str | None:
        value = self.reader.scalar_text(node, "region")
        if value is None:
            return None
        if len(value) != CODE_LENGTH or not value.isdigit() or not value.isascii():
            self.reader.report(node, "region", f"区划代码应为12位数字，实际为 “{value}”")
            return None
        return value

    def parse_floor(self, node: Node) -> None:
        fields = self.reader.mapping(node, "floor", dict.fromkeys(BENEFIT_KINDS, False))
        for kind, value in (fields or {}).items():
            amount = self.reader.amount_fen(value, f"floor.{kind}")
            if amount is not None:
                self.floor[kind] = amount

    def parse_thresholds(self, node: Node) -> None:
        fields = self.reader.mapping(node, "disabled_threshold", dict.fromkeys(STANDARDS, True))
        if fields is None:
            return
        thresholds = {}
        for standard, value in fields.items():
            level = self.reader.integer(
                value,
                f"disabled_threshold.{standard}",
                1,
                MAX_LEVEL[standard],
                f"{STANDARD_SHORT_NAMES[standard]} 的失能起点等级",
            )
            if level is not None:
                thresholds[standard] = level
        if len(thresholds) == len(STANDARDS):
            self.thresholds = MappingProxyType(thresholds)

    def parse_groups(self, node: Node) -> None:
        r = self.reader
        fields = r.mapping(node, "groups", {}, open_keys=True)
        if fields is None:
            self.groups_broken = True
            return
        if not fields:
            r.report(node, "groups", "至少需要声明一个组")
        self.declared.update(fields)
        for key, value in fields.items():
            path = f"groups.{key}"
            if not KEY.fullmatch(key):
                r.report(
                    value, path, f"组名 “{key}” 只能包含小写字母、数字、_ . -，且以字母或数字开头"
                )
                continue
            group = r.mapping(value, path, GROUP_FIELDS)
            if group is None:
                continue
            name = r.text(group["name"], join(path, "name")) if "name" in group else None
            combine = (
                r.code(group["combine"], join(path, "combine"), COMBINE_POLICIES, "合并方式")
                if "combine" in group
                else None
            )
            if name is not None and combine is not None:
                self.groups[key] = Group(key=key, name=name, combine=combine)

    def parse_rules(self, node: Node) -> list[_ParsedRule]:
        items = self.reader.sequence(node, "rules")
        parsed: list[_ParsedRule] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(items or []):
            rule = self.parse_rule(item, f"rules[{index}]")
            if rule is None:
                continue
            if rule.key is not None:
                if rule.key in seen:
                    self.reader.report(
                        item,
                        f"{rule.path}.key",
                        f"规则编号 “{rule.key}” 重复（第 {seen[rule.key]} 行已使用）",
                    )
                    rule.key = None
                else:
                    seen[rule.key] = item.start_mark.line + 1
            parsed.append(rule)
        return parsed

    def parse_rule(self, node: Node, path: str) -> _ParsedRule | None:
        r = self.reader
        fields = r.mapping(node, path, RULE_FIELDS)
        if fields is None:
            return None
        key = None
        if "key" in fields:
            key = r.text(fields["key"], join(path, "key"))
            if key is not None and not KEY.fullmatch(key):
                r.report(
                    fields["key"],
                    join(path, "key"),
                    f"规则编号 “{key}” 只能包含小写字母、数字、_ . -，且以字母或数字开头",
                )
                key = None
        name = r.text(fields["name"], join(path, "name")) if "name" in fields else None
        start = (
            r.day(fields["effective_from"], join(path, "effective_from"))
            if "effective_from" in fields
            else None
        )
        end = None
        if "effective_to" in fields:
            end = r.day(fields["effective_to"], join(path, "effective_to"))
            if end is not None and start is not None and end < start:
                r.report(
                    fields["effective_to"],
                    join(path, "effective_to"),
                    f"失效日期 {end.isoformat()} 早于生效日期 {start.isoformat()}",
                )
                start = None
        when = (
            ConditionParser(r, self.thresholds).mapping(fields["when"], join(path, "when"))
            if "when" in fields
            else None
        )
        group = self.group_ref(fields["group"], join(path, "group")) if "group" in fields else None
        note = (r.text(fields["note"], join(path, "note")) or "") if "note" in fields else ""
        rule = _ParsedRule(
            node=node,
            path=path,
            key=key,
            name=name,
            effective_from=start,
            effective_to=end,
            when=when,
            benefit_kind=None,
            amount_fen=None,
            items=(),
            reason="",
            group=group,
            note=note,
        )
        if "benefit" in fields:
            self.parse_benefit(fields["benefit"], join(path, "benefit"), rule)
        if when is not None:
            for culprit, message in analysis.impossibilities(when):
                r.report_at(culprit.line, culprit.column, culprit.path, message)
        return rule

    def group_ref(self, node: Node, path: str) -> str | None:
        value = self.reader.text(node, path)
        if value is None:
            return None
        if self.groups_broken or (value in self.declared and value not in self.groups):
            return None  # the declaration itself is wrong and already reported
        if value not in self.groups:
            declared: Mapping[str, object] = self.groups or {"（无）": ""}
            self.reader.report(
                node, path, f"组 “{value}” 未在 groups 中声明{_suggest(value, declared)}"
            )
            return None
        return value

    def parse_benefit(self, node: Node, path: str, rule: _ParsedRule) -> None:
        r = self.reader
        kind = None
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                if getattr(key_node, "value", None) == "kind":
                    kind = r.code(value_node, join(path, "kind"), BENEFIT_KINDS, "收益类型")
        expected = BENEFIT_FIELDS[kind] if kind else ALL_BENEFIT_FIELDS
        misplaced = {
            name: f"字段 “{name}” 不适用于收益类型 {kind}（{BENEFIT_KINDS[kind]}）"
            for name in ALL_BENEFIT_FIELDS
            if kind and name not in expected
        }
        fields = r.mapping(node, path, expected, misplaced=misplaced)
        if fields is None:
            return
        rule.benefit_kind = kind
        if "amount" in fields:
            amount = r.amount_fen(fields["amount"], join(path, "amount"))
            if amount is not None and kind in self.floor and amount < self.floor[kind]:
                r.report(
                    fields["amount"],
                    join(path, "amount"),
                    f"{BENEFIT_KINDS[kind]} {yuan(amount)} 低于本文件规定的最低标准 "
                    f"{yuan(self.floor[kind])}（floor.{kind}）",
                )
                amount = None
            rule.amount_fen = amount
        if "items" in fields:
            rule.items = self.items(fields["items"], join(path, "items")) or ()
        if "reason" in fields:
            rule.reason = r.text(fields["reason"], join(path, "reason")) or ""

    def items(self, node: Node, path: str) -> tuple[str, ...] | None:
        r = self.reader
        nodes = r.sequence(node, path)
        if nodes is None:
            return None
        values: list[str] = []
        for index, item in enumerate(nodes):
            where = f"{path}[{index}]"
            value = r.text(item, where)
            if value is None:
                continue
            if value.startswith(ITEM_PREFIX):
                if not ITEM_CODE.fullmatch(value[len(ITEM_PREFIX) :]):
                    r.report(item, where, f"服务项目编码 “{value}” 格式不正确，应为 item:编码")
                    continue
            elif value not in SERVICE_CATEGORIES:
                known = "、".join(f"{c}（{n}）" for c, n in SERVICE_CATEGORIES.items())
                hint = _suggest(value, SERVICE_CATEGORIES, listing=False)
                r.report(
                    item,
                    where,
                    f"未知的服务类别 “{value}”{hint}可用：{known}，或 item:编码 指定单个服务项目",
                )
                continue
            if value in values:
                r.report(item, where, f"服务项目 “{value}” 重复")
                continue
            values.append(value)
        return tuple(values)

    # Whole-file checks ------------------------------------------------------------------------

    def check_groups(self, parsed: list[_ParsedRule]) -> None:
        """All rules of a group grant the same kind of benefit."""
        first: dict[str, _ParsedRule] = {}
        for rule in parsed:
            if rule.group is None or rule.benefit_kind is None:
                continue
            leader = first.setdefault(rule.group, rule)
            assert leader.benefit_kind is not None
            if rule.benefit_kind != leader.benefit_kind:
                self.reader.report(
                    rule.node,
                    join(rule.path, "benefit.kind"),
                    f"组 “{rule.group}” 的规则须为同一收益类型：规则 “{leader.key}” 为 "
                    f"{BENEFIT_KINDS[leader.benefit_kind]}，本条为 "
                    f"{BENEFIT_KINDS[rule.benefit_kind]}",
                )

    def check_exclusive(self, parsed: list[_ParsedRule]) -> None:
        """No person can satisfy two rules of an exclusive group on the same day."""
        regions: dict[int, analysis.Region] = {}
        by_group: dict[str, list[_ParsedRule]] = {}
        for rule in parsed:
            if (
                rule.group is not None
                and self.groups[rule.group].combine == EXCLUSIVE
                and rule.when is not None
                and rule.effective_from is not None
            ):
                by_group.setdefault(rule.group, []).append(rule)
                regions[id(rule)] = analysis.region(rule.when)
        for group, rules in by_group.items():
            for j, later in enumerate(rules):
                for earlier in rules[:j]:
                    days = _common_days(earlier, later)
                    if days is None:
                        continue
                    example = analysis.common_person(regions[id(earlier)], regions[id(later)])
                    if example is None:
                        continue
                    self.reader.report(
                        later.node,
                        later.path,
                        f"互斥组 “{group}” 中规则 “{_name(earlier)}”（第 "
                        f"{earlier.node.start_mark.line + 1} 行）与 “{_name(later)}” 可能同时适用："
                        f"例如 {analysis.describe_person(example)} 的人，{days}",
                    )


def _name(rule: _ParsedRule) -> str:
    return rule.key or rule.path


def _common_days(a: _ParsedRule, b: _ParsedRule) -> str | None:
    assert a.effective_from is not None and b.effective_from is not None
    start = max(a.effective_from, b.effective_from)
    ends = [end for end in (a.effective_to, b.effective_to) if end is not None]
    end = min(ends) if ends else None
    if end is not None and end < start:
        return None
    if end is None:
        return f"有效期在 {start.isoformat()} 起重叠"
    return f"有效期在 {start.isoformat()} 至 {end.isoformat()} 重叠"


def _suggest(word: str, known: Mapping[str, object], *, listing: bool = True) -> str:
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    if close:
        return f"，是否想写 “{close[0]}”？"
    return f"；已声明：{'、'.join(known)}" if listing else "。"
