"""Manual scores and scoring runs.

A run scores a sheet for a region (the sheet's region or one inside it) on a date: it reads
every indicator the sheet's rules need on their days (indicators/values.py), the latest manual
score of each manual sub-item not after the date, scores with rules/scoring.py, and stores the
whole report — points, explanations, evidence and the indicator values used (with numerator,
denominator and source) — so the run can be shown and exported as it was.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from eldercare.core.audit import record
from eldercare.core.models import AuditAction
from eldercare.governance.errors import GovernanceError
from eldercare.governance.indicators.values import indicator_values
from eldercare.governance.models import ManualScore, ScoringRun, ScoringSheet, ScoringSubItem
from eldercare.governance.rules.indicator_catalogue import CATALOGUE
from eldercare.governance.rules.scoring import (
    IndicatorValue,
    Item,
    Rule,
    RuleKind,
    Sheet,
    SheetScore,
    SubItem,
    indicator_needs,
    score_sheet,
)
from eldercare.governance.rules.scoring import (
    ManualScore as PureManualScore,
)
from eldercare.governance.services.common import clean_region, require_manage, today_local, within


def sheet_rules(sheet: ScoringSheet) -> Sheet:
    """The pure model of a stored sheet."""
    items = sheet.items.prefetch_related("sub_items").order_by("position")
    return Sheet(
        items=tuple(
            Item(
                number=item.number,
                name=item.name,
                max_points=item.max_points,
                is_bonus=item.is_bonus,
                sub_items=tuple(
                    SubItem(key=s.key, text=s.text, points=s.points, rule=Rule.from_dict(s.rule))
                    for s in item.sub_items.all()
                ),
            )
            for item in items
        )
    )


def _scored_region(actor: Any, sheet: ScoringSheet, region_code: str) -> str:
    region = clean_region(actor, region_code)
    if not within(region, sheet.region_code):
        raise GovernanceError(
            "region_code",
            "region_outside_sheet",
            _("区划 %(code)s 不在该考核表的适用范围内") % {"code": region},
        )
    return region


def enter_manual_score(
    *,
    actor: Any,
    sub_item: ScoringSubItem,
    region_code: str,
    as_of: date,
    points: Decimal,
    evidence: str,
) -> ManualScore:
    require_manage(actor)
    sheet = sub_item.item.sheet
    region = _scored_region(actor, sheet, region_code)
    if Rule.from_dict(sub_item.rule).kind != RuleKind.MANUAL:
        raise GovernanceError(
            "sub_item",
            "not_manual",
            _("第%(key)s项按指标自动评分，不能人工评分") % {"key": sub_item.key},
        )
    if not Decimal(0) <= points <= sub_item.points:
        raise GovernanceError(
            "points",
            "points_range",
            _("得分应在0–%(maximum)s分之间：%(points)s")
            % {"maximum": f"{sub_item.points.normalize():f}", "points": points},
        )
    if not evidence.strip():
        raise GovernanceError("evidence", "required", _("评分依据：必填"))
    if as_of > today_local():
        raise GovernanceError("as_of", "date_future", _("评分日期不能晚于今天"))
    with transaction.atomic():
        score = ManualScore.objects.create(
            sub_item=sub_item,
            region_code=region,
            as_of=as_of,
            points=points,
            evidence=evidence.strip(),
            entered_by=actor,
        )
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=score,
            region_code=region,
            detail={"sheet": sheet.pk, "sub_item": sub_item.key, "points": str(points)},
        )
    return score


def latest_manual_scores(sheet: ScoringSheet, region_code: str, on: date) -> dict[str, ManualScore]:
    """Per sub-item key, the latest score entered for the region with a date not after `on`."""
    latest: dict[str, ManualScore] = {}
    scores = (
        ManualScore.objects.filter(
            sub_item__item__sheet=sheet, region_code=region_code, as_of__lte=on
        )
        .select_related("sub_item")
        .order_by("as_of", "id")
    )
    for score in scores:
        latest[score.sub_item.key] = score
    return latest


def compute_report(sheet: ScoringSheet, region_code: str, on: date) -> SheetScore:
    rules = sheet_rules(sheet)
    values = indicator_values(indicator_needs(rules, on), region_code)
    manual = {
        key: PureManualScore(score.points, score.evidence)
        for key, score in latest_manual_scores(sheet, region_code, on).items()
    }
    return score_sheet(rules, values, manual, on=on)


def run_scoring(*, actor: Any, sheet: ScoringSheet, region_code: str, as_of: date) -> ScoringRun:
    require_manage(actor)
    region = _scored_region(actor, sheet, region_code)
    if as_of > today_local():
        raise GovernanceError("as_of", "date_future", _("考核日期不能晚于今天"))
    report = compute_report(sheet, region, as_of)
    with transaction.atomic():
        run = ScoringRun.objects.create(
            sheet=sheet,
            region_code=region,
            as_of=as_of,
            base_total=report.base_total,
            bonus_total=report.bonus_total,
            total=report.total,
            report=report_data(sheet, report),
            created_by=actor,
        )
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=run,
            region_code=region,
            detail={"sheet": sheet.pk, "as_of": as_of, "total": str(report.total)},
        )
    return run


def _number(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.normalize():f}" if value != 0 else "0"


def _indicator_data(value: IndicatorValue | None) -> dict[str, Any] | None:
    if value is None:
        return None
    definition = CATALOGUE.get(value.code)
    return {
        "code": value.code,
        "name": definition.name if definition else value.code,
        "unit": definition.unit.value if definition else "",
        "as_of": value.as_of.isoformat(),
        "value": _number(value.value),
        "numerator": _number(value.numerator),
        "denominator": _number(value.denominator),
        "source": value.source,
        "evidence": value.evidence,
    }


def _named(text: str) -> str:
    """Indicator codes in an explanation replaced by their names, longest code first."""
    for code in sorted(CATALOGUE, key=len, reverse=True):
        if code in text:
            text = text.replace(code, CATALOGUE[code].name)
    return text


def report_data(sheet: ScoringSheet, report: SheetScore) -> dict[str, Any]:
    """The report as stored with the run: everything the pages and exports show."""
    rows = {
        item.number: item for item in sheet.items.prefetch_related("sub_items").order_by("position")
    }
    items = []
    for scored in report.items:
        row = rows[scored.number]
        subs = {s.key: s for s in row.sub_items.all()}
        items.append(
            {
                "number": scored.number,
                "name": scored.name,
                "requirement": row.requirement,
                "goals": row.goals,
                "is_bonus": scored.is_bonus,
                "maximum": _number(scored.maximum),
                "raw": _number(scored.raw),
                "points": _number(scored.points),
                "is_capped": scored.is_capped,
                "sub_items": [
                    {
                        "key": sub.key,
                        "number": subs[sub.key].number,
                        "text": subs[sub.key].text,
                        "rule": Rule.from_dict(subs[sub.key].rule).describe(),
                        "rule_kind": subs[sub.key].rule.get("kind", "manual"),
                        "maximum": _number(sub.maximum),
                        "points": _number(sub.points),
                        "status": sub.status.value,
                        "explanation": _named(sub.explanation),
                        "evidence": sub.evidence,
                        "indicator": _indicator_data(sub.indicator),
                        "target": _indicator_data(sub.target),
                    }
                    for sub in scored.sub_items
                ],
            }
        )
    return {
        "as_of": report.on.isoformat(),
        "items": items,
        "base_total": _number(report.base_total),
        "base_maximum": _number(report.base_maximum),
        "bonus_total": _number(report.bonus_total),
        "bonus_maximum": _number(report.bonus_maximum),
        "total": _number(report.total),
        "warnings": [w.get("message", "") for w in sheet.warnings],
    }
