"""The weekly care-visit rule and the "三个一" visiting rule. No Django.

Decisions (docs/decisions/0013-care-visits.md):
- A week is an ISO week, Monday 00:00 to the next Monday 00:00 in Asia/Shanghai (no DST there);
  year boundaries follow ISO numbering (2026-W53 runs to Sunday 3 January 2027).
- Contacts are counted as distinct local days with at least one contact: three calls on one
  afternoon are one day of contact, not the three weekly contacts the seed asks for. Home visits
  are counted one by one.
- Holidays do not change the rule: a week with the Spring Festival needs the same contacts.
- A week the agreement does not cover from Monday to Sunday (it starts or ends inside it) is
  PARTIAL and not judged; contacts in it are kept and shown, but it counts neither as met nor as
  missed. The first judged week of a new agreement is the first full week.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
MAX_PER_WEEK = 7


class ContactKind(StrEnum):
    HOME_VISIT = "home_visit"
    PHONE_CALL = "phone_call"
    VIDEO_CALL = "video_call"


class RequirementError(ValueError):
    pass


@dataclass(frozen=True)
class Requirement:
    """Per week: days with a contact, of which home visits."""

    min_contacts: int = 3
    min_visits: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.min_contacts <= MAX_PER_WEEK:
            raise RequirementError("每周联系次数应为 1–7")
        if not 0 <= self.min_visits <= self.min_contacts:
            raise RequirementError("每周上门次数应为 0 到每周联系次数之间")


DEFAULT_REQUIREMENT = Requirement()


def local_day(instant: datetime) -> date:
    if instant.tzinfo is None:
        raise ValueError("时间必须带时区")
    return instant.astimezone(TZ).date()


@dataclass(frozen=True, order=True)
class Week:
    year: int
    number: int

    @classmethod
    def of_day(cls, day: date) -> "Week":
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    @classmethod
    def of(cls, instant: datetime) -> "Week":
        return cls.of_day(local_day(instant))

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.monday, time.min, tzinfo=TZ)

    @property
    def end(self) -> datetime:
        """Exclusive: the next Monday 00:00 local time."""
        return datetime.combine(self.monday + timedelta(days=7), time.min, tzinfo=TZ)

    def shifted(self, weeks: int) -> "Week":
        return Week.of_day(self.monday + timedelta(weeks=weeks))

    def contains(self, instant: datetime) -> bool:
        return self.start <= instant < self.end

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.number:02d}"


def last_complete_week(on: date) -> Week:
    """The latest week that ended before `on` began (on a Sunday, the week before it)."""
    return Week.of_day(on).shifted(-1)


def weeks_between(first: date, last: date) -> Iterator[Week]:
    week = Week.of_day(first)
    while week.monday <= last:
        yield week
        week = week.shifted(1)


@dataclass(frozen=True)
class Contact:
    at: datetime
    kind: ContactKind


@dataclass(frozen=True)
class Period:
    """The days an agreement is in force, both ends included; `ends_on` None = open-ended."""

    starts_on: date
    ends_on: date | None = None

    def covers_day(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def covers_week(self, week: Week) -> bool:
        return self.covers_day(week.monday) and self.covers_day(week.sunday)


class WeekStatus(StrEnum):
    MET = "met"
    OPEN = "open"  # the week is still running and not met yet
    NOT_MET = "not_met"
    PARTIAL = "partial"  # the agreement does not cover the whole week: not judged


@dataclass(frozen=True)
class WeekResult:
    week: Week
    status: WeekStatus
    contact_days: int
    visits: int
    missing_contacts: int
    missing_visits: int

    @property
    def is_judged(self) -> bool:
        return self.status in (WeekStatus.MET, WeekStatus.NOT_MET)


def judge_week(
    week: Week,
    requirement: Requirement,
    period: Period,
    contacts: Iterable[Contact],
    now: datetime | None = None,
) -> WeekResult:
    """Is `requirement` met in `week`? With `now` inside the week, an unmet week is OPEN."""
    counted = [c for c in contacts if week.contains(c.at) and period.covers_day(local_day(c.at))]
    days = len({local_day(c.at) for c in counted})
    visits = sum(1 for c in counted if c.kind == ContactKind.HOME_VISIT)
    missing_contacts = max(0, requirement.min_contacts - days)
    missing_visits = max(0, requirement.min_visits - visits)
    if not period.covers_week(week):
        status = WeekStatus.PARTIAL
    elif missing_contacts == 0 and missing_visits == 0:
        status = WeekStatus.MET
    elif now is not None and now < week.end:
        status = WeekStatus.OPEN
    else:
        status = WeekStatus.NOT_MET
    return WeekResult(week, status, days, visits, missing_contacts, missing_visits)


@dataclass(frozen=True)
class ThreeOnesRule:
    """ "三个一" for rural scattered destitute elderly, as this platform measures it: one
    responsible agreement covering the whole window, a contact in every week of it, and home
    visits in the window. The window is the `weeks` complete weeks before the day."""

    weeks: int = 4
    weekly_contacts: int = 1
    visits: int = 1


DEFAULT_THREE_ONES = ThreeOnesRule()


def three_ones_window(rule: ThreeOnesRule, on: date) -> list[Week]:
    last = last_complete_week(on)
    return [last.shifted(-offset) for offset in reversed(range(rule.weeks))]


def three_ones_met(
    rule: ThreeOnesRule, on: date, periods: Iterable[Period], contacts: Iterable[Contact]
) -> bool:
    """Met when one agreement covers the whole window and every week and the window meet the
    rule; contacts outside any agreement still count (someone did call)."""
    window = three_ones_window(rule, on)
    first, last = window[0].monday, window[-1].sunday
    if not any(p.covers_day(first) and p.covers_day(last) for p in periods):
        return False
    contacts = [c for c in contacts if window[0].start <= c.at < window[-1].end]
    for week in window:
        if len({local_day(c.at) for c in contacts if week.contains(c.at)}) < rule.weekly_contacts:
            return False
    return sum(1 for c in contacts if c.kind == ContactKind.HOME_VISIT) >= rule.visits
