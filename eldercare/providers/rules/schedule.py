"""Weekly availability windows of a staff member. Pure, no Django.

A window is (weekday 0 = Monday … 6, start, end) within one day, end after start. Windows of one
weekday must not overlap; touching (one ends 12:00, the next starts 12:00) is allowed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from itertools import pairwise

__all__ = ["ScheduleError", "Window", "check_windows", "format_windows", "parse_windows"]

WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


class ScheduleError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, order=True)
class Window:
    weekday: int
    starts_at: time
    ends_at: time

    def label(self) -> str:
        return f"{WEEKDAY_NAMES[self.weekday]} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


def check_windows(windows: Iterable[Window]) -> list[Window]:
    """The windows sorted; raises on a bad weekday, an empty window or an overlap."""
    ordered = sorted(windows)
    for window in ordered:
        if not 0 <= window.weekday <= 6:
            raise ScheduleError("weekday", f"星期应为 0（星期一）到 6（星期日）：{window.weekday}")
        if window.ends_at <= window.starts_at:
            raise ScheduleError("window", f"{window.label()}：结束时间应晚于开始时间")
    for before, after in pairwise(ordered):
        if before.weekday == after.weekday and after.starts_at < before.ends_at:
            raise ScheduleError("overlap", f"时段重叠：{before.label()} 与 {after.label()}")
    return ordered


def _clock(text: str, line: str) -> time:
    try:
        return datetime.strptime(text, "%H:%M").time()
    except ValueError as error:
        raise ScheduleError("format", f"时间应写成 时:分，如 08:00：{line}") from error


def parse_windows(text: str) -> list[Window]:
    """Lines "weekday start end" with weekday 1 (Monday) … 7 (Sunday), as people count them."""
    windows = []
    for raw in text.splitlines():
        line = " ".join(raw.replace("-", " ").replace("–", " ").replace("：", ":").split())
        if not line:
            continue
        parts = line.split(" ")
        if len(parts) != 3 or not parts[0].isdigit():
            raise ScheduleError("format", f"每行应为：星期（1–7） 开始时间 结束时间：{raw.strip()}")
        day = int(parts[0])
        if not 1 <= day <= 7:
            raise ScheduleError("weekday", f"星期应为 1（星期一）到 7（星期日）：{raw.strip()}")
        windows.append(Window(day - 1, _clock(parts[1], raw), _clock(parts[2], raw)))
    return check_windows(windows)


def format_windows(windows: Iterable[Window]) -> str:
    """The text `parse_windows` reads back."""
    return "\n".join(f"{w.weekday + 1} {w.starts_at:%H:%M} {w.ends_at:%H:%M}" for w in windows)
