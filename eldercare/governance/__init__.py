"""Governance: how the pilot reform is steered and checked — task lists (任务清单) and requirement
tables with their responsible units, deadlines, progress reports and supervision rounds (督查);
scoring sheets (考核表) with their rules and scoring runs; and the catalogue of indicators computed
from the platform's records or entered by hand, with the targets the lists and sheets set.

Owns Organisation, TaskList, Task, ProgressReport, SupervisionRound, SupervisionFinding,
ScoringSheet, ScoringItem, ScoringSubItem, ManualScore, ScoringRun, ManualIndicatorValue and
IndicatorTarget. Imports regions, accounts (access), core (audit, pdf), registry (residents,
screening records, categories) and assessment (CurrentAssessment) — read-only. Emits nothing yet;
funds, facility planning and dashboards (issue 7 parts 4–6) will read its indicators.
Data files ship in governance/data/ (docs/governance-data.md); rules/ is pure (no Django).
"""
