"""The holiday table: loaded from chinese-calendar (`eldercare load-holidays`), idempotent, keeping
administrators' entries, reporting years the package lacks, editable and audited in the admin."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from eldercare.core.holiday_models import Holiday, HolidayKind, HolidaySource, HolidayYear
from eldercare.core.holidays import (
    HolidayDataError,
    calendar_around,
    load_holidays,
    package_days,
    parse_years,
    work_calendar,
)
from eldercare.core.models import AuditAction, AuditEvent
from eldercare.core.workdays import add_working_days, unknown_years
from tests import factories
from tests.core.test_workdays import CALENDAR_2025

pytestmark = pytest.mark.django_db


def test_the_package_agrees_with_the_official_2025_notice() -> None:
    rows = package_days(2025)
    assert {day for day, kind, _ in rows if kind == HolidayKind.HOLIDAY} == CALENDAR_2025.holidays
    assert {
        day for day, kind, _ in rows if kind == HolidayKind.WORKING_DAY
    } == CALENDAR_2025.working_weekend_days
    names = {day: name for day, _, name in rows}
    assert names[date(2025, 10, 1)] == "国庆节"
    assert names[date(2025, 1, 28)] == "春节"
    assert names[date(2025, 9, 28)] == "国庆节"


def test_load_fills_the_table_and_a_second_run_changes_nothing() -> None:
    first = load_holidays(actor=None, years=[2025])
    assert first.years_loaded == [2025]
    assert first.created == len(package_days(2025)) == Holiday.objects.count()
    assert HolidayYear.objects.get().year == 2025
    calendar = work_calendar(2025, 2025)
    assert calendar == CALENDAR_2025
    second = load_holidays(actor=None, years=[2025])
    assert (second.created, second.changed, second.removed) == (0, 0, 0)
    assert second.unchanged == first.created
    assert (
        AuditEvent.objects.filter(action=AuditAction.IMPORT, object_type="core.holiday").count()
        == 2
    )


def test_a_year_the_package_lacks_is_reported_and_left_unknown() -> None:
    summary = load_holidays(actor=None, years=[2026, 2027])
    assert summary.years_loaded == [2026]
    assert summary.years_missing == [2027]
    calendar = calendar_around(date(2026, 12, 24))
    assert calendar.known_years == frozenset({2026})
    # Thursday 24 December 2026 + 5 working days reaches into 2027: weekends only, provisional.
    due = add_working_days(date(2026, 12, 24), 5, calendar)
    assert due == date(2026, 12, 31)
    due = add_working_days(date(2026, 12, 24), 6, calendar)
    assert due == date(2027, 1, 1)
    assert unknown_years(date(2026, 12, 24), due, calendar) == [2027]


def test_an_administrators_entry_survives_a_reload_and_stale_package_days_go() -> None:
    load_holidays(actor=None, years=[2025])
    Holiday.objects.filter(day=date(2025, 10, 8)).update(
        name="国庆节（本地调整）", source=HolidaySource.MANUAL
    )
    Holiday.objects.create(
        day=date(2025, 3, 3), kind=HolidayKind.HOLIDAY, name="错误数据", source="chinese-calendar"
    )
    summary = load_holidays(actor=None, years=[2025])
    assert summary.kept_manual == 1
    assert summary.removed == 1
    assert Holiday.objects.get(day=date(2025, 10, 8)).name == "国庆节（本地调整）"
    assert not Holiday.objects.filter(day=date(2025, 3, 3)).exists()


def test_dry_run_writes_nothing() -> None:
    summary = load_holidays(actor=None, years=[2025], dry_run=True)
    assert summary.created > 0
    assert not Holiday.objects.exists()
    assert not HolidayYear.objects.exists()
    assert not AuditEvent.objects.exists()


def test_command_prints_a_summary_and_warns_about_missing_years() -> None:
    out, err = StringIO(), StringIO()
    call_command("load_holidays", "--years", "2025-2027", stdout=out, stderr=err)
    assert "已载入年份：2025、2026" in out.getvalue()
    assert "2027" in err.getvalue()
    assert "只按周末计算" in err.getvalue()
    assert set(HolidayYear.objects.values_list("year", flat=True)) == {2025, 2026}


@pytest.mark.parametrize(
    ("text", "years"),
    [("2025", [2025]), ("2020-2022", [2020, 2021, 2022]), ("2026,2024", [2024, 2026])],
)
def test_parse_years(text: str, years: list[int]) -> None:
    assert parse_years(text) == years


@pytest.mark.parametrize("text", ["25", "2026-2024", "abc", "2020-2021-2022"])
def test_parse_years_refuses(text: str) -> None:
    with pytest.raises(HolidayDataError):
        parse_years(text)


def test_administrators_edit_days_in_the_admin_and_it_is_audited() -> None:
    admin = factories.user("root", "system_admin", "", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    response = client.post(
        "/admin/core/holiday/add/",
        {"day": "2027-01-01", "kind": HolidayKind.HOLIDAY, "name": "元旦"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    added = Holiday.objects.get(day=date(2027, 1, 1))
    assert added.source == HolidaySource.MANUAL
    event = AuditEvent.objects.get(object_type="core.holiday", action=AuditAction.CREATE)
    assert event.actor == admin
    response = client.post("/admin/core/holidayyear/add/", {"year": "2027", "note": "国办发明电"})
    assert response.status_code == 302
    assert work_calendar(2027, 2027).known_years == frozenset({2027})
    assert client.get("/admin/core/holiday/").status_code == 200
