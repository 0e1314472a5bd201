"""Turning form / JSON text into what the services take: local date-times, dates, months."""

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from eldercare.orders.errors import OrderDataError, Problem, data_error

ORDER_FIELDS = (
    "starts_at",
    "ends_at",
    "address",
    "latitude",
    "longitude",
    "channel",
    "requested_by",
    "requester_name",
    "requester_phone",
    "notes",
)


def local_datetime(value: Any, field: str) -> datetime | None:
    """An ISO date-time; without an offset it is Shanghai local time (what people type)."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        parsed: datetime | None = value
    else:
        try:
            parsed = parse_datetime(str(value).strip())
        except ValueError:
            parsed = None
    if parsed is None:
        raise data_error(field, "invalid", f"应为日期时间，如 2026-12-01 09:00：{value!r}")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def order_data(raw: Mapping[str, Any]) -> dict[str, Any]:
    problems: list[Problem] = []
    data: dict[str, Any] = {name: raw.get(name) for name in ORDER_FIELDS if name in raw}
    for name in ("starts_at", "ends_at"):
        try:
            data[name] = local_datetime(raw.get(name), name)
        except OrderDataError as error:
            problems += error.problems
    if problems:
        raise OrderDataError(problems)
    return data


def day(value: Any, field: str) -> date:
    try:
        parsed = parse_date(str(value or "").strip())
    except ValueError:
        parsed = None
    if parsed is None:
        raise data_error(field, "invalid", f"应为日期，如 2026-11-01：{value!r}")
    return parsed


def month(value: Any, field: str = "month") -> date:
    text = str(value or "").strip()
    return day(f"{text}-01" if len(text) == 7 else text, field).replace(day=1)
