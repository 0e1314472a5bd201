"""Deadline texts of the task lists (完成时限) and the due dates derived from them. No Django.

The source tables give deadlines as officials write them: "2019年11月", "2020年3月份前",
"2019 年底 前", "2017年4月20日前", "市级 2019 年底前，各县（区）2020 年 3 月份前",
"2020年底前 2021年底前", "试点期间", or nothing at all. The text is always kept as written; a due
date is derived where one can be:

- a month (with or without 份, 底, 前) → the last day of that month;
- a year (年, 年底, 年底前, 年内) → 31 December;
- a day (…日, …日前) → that day;
- 试点期间 ("during the pilot") → the pilot's end as declared by the task list, if it declares one;
- several dates in one text are milestones; the task is due at the last of them.

"前" ("before") is read as "by the end of" the named period, never as the end of the period
before it: "2020年6月前" is due 2020-06-30. A file may override the derived date (`due:`).
Anything else keeps its text with no due date (kind "text") and the loader reports it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = ["Deadline", "DeadlineError", "DeadlineKind", "Milestone", "parse_deadline"]


class DeadlineKind(StrEnum):
    DATE = "date"  # one or more dates found in the text
    PILOT = "pilot"  # 试点期间
    NONE = "none"  # no deadline given
    TEXT = "text"  # a text from which no date can be derived


class DeadlineError(ValueError):
    """The text names a date that does not exist (2020年13月, 2021年2月30日)."""


@dataclass(frozen=True)
class Milestone:
    label: str  # the words before the date in the text ("市级", "各县（区）"), often empty
    due_on: date


@dataclass(frozen=True)
class Deadline:
    text: str
    kind: DeadlineKind
    milestones: tuple[Milestone, ...] = ()
    due_on: date | None = None


PILOT_WORDS = ("试点期间", "试点期内", "试点期")
_DATE = re.compile(
    r"(?P<year>\d{4})年"
    r"(?:(?P<month>\d{1,2})月份?(?:(?P<day>\d{1,2})日)?)?"
    r"(?P<end>底)?(?:之前|前|内|以前)?"
)
_SEPARATORS = "，,、；;。 　"


def parse_deadline(text: str, *, pilot_end: date | None = None) -> Deadline:
    compact = re.sub(r"\s+", "", text or "")
    if not compact:
        return Deadline(text="", kind=DeadlineKind.NONE)
    if compact in PILOT_WORDS:
        return Deadline(text=text.strip(), kind=DeadlineKind.PILOT, due_on=pilot_end)
    milestones: list[Milestone] = []
    position = 0
    for match in _DATE.finditer(compact):
        label = compact[position : match.start()].strip(_SEPARATORS)
        milestones.append(Milestone(label=label, due_on=_date_of(match)))
        position = match.end()
    if not milestones:
        return Deadline(text=text.strip(), kind=DeadlineKind.TEXT)
    return Deadline(
        text=text.strip(),
        kind=DeadlineKind.DATE,
        milestones=tuple(milestones),
        due_on=max(m.due_on for m in milestones),
    )


def _date_of(match: re.Match[str]) -> date:
    year = int(match["year"])
    if match["month"] is None:
        return date(year, 12, 31)
    month = int(match["month"])
    if not 1 <= month <= 12:
        raise DeadlineError(f"月份应为1–12：{match.group(0)}")
    if match["day"] is None:
        return date(year, month, calendar.monthrange(year, month)[1])
    try:
        return date(year, month, int(match["day"]))
    except ValueError as error:
        raise DeadlineError(f"日期不存在：{match.group(0)}") from error
