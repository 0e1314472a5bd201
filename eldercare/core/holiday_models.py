"""The official holiday calendar as an admin-editable table (imported by core/models.py).

`Holiday` holds the days that differ from "Monday–Friday work": official holidays on weekdays or
weekends, and adjusted working days (调休上班) on weekends. `HolidayYear` says that a year's
schedule is complete; a year without it counts by weekends only, and deadlines reaching into it
are shown as provisional. `eldercare load-holidays` fills both from the chinese-calendar package
(2004–2026); later years are entered by an administrator once the State Council publishes them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HolidayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日（休息）")
    WORKING_DAY = "working_day", _("调休上班日")


class HolidaySource(models.TextChoices):
    PACKAGE = "chinese-calendar", _("chinese-calendar 数据包")
    MANUAL = "manual", _("管理员录入")


class Holiday(models.Model):
    day = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=12, choices=HolidayKind.choices)
    name = models.CharField(_("节日"), max_length=40, blank=True)
    # A manual entry is never overwritten by a reload of the package data.
    source = models.CharField(
        _("来源"), max_length=20, choices=HolidaySource.choices, default=HolidaySource.MANUAL
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.get_kind_display()} {self.name}".strip()


class HolidayYear(models.Model):
    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(
        _("来源"), max_length=20, choices=HolidaySource.choices, default=HolidaySource.MANUAL
    )
    note = models.CharField(
        _("依据"), max_length=200, blank=True, help_text=_("如国务院办公厅关于部分节假日安排的通知")
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("已录入节假日安排的年份")
        verbose_name_plural = _("已录入节假日安排的年份")
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=1990, year__lte=2100), name="holiday_year_range"
            )
        ]

    def __str__(self) -> str:
        return str(self.year)
