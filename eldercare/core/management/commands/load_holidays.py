"""`eldercare load-holidays [--years 2020-2026] [--dry-run]`: fill the holiday table from the
chinese-calendar package. Idempotent; administrators' own entries are kept. A year the package
does not cover is reported and left for an administrator to enter (admin → 节假日安排)."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eldercare.core.holidays import HolidayDataError, load_holidays, parse_years

DEFAULT_FIRST_YEAR = 2020


class Command(BaseCommand):
    help = "从 chinese-calendar 数据包载入法定节假日和调休上班日（可重复运行，不覆盖管理员录入）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--years",
            default=f"{DEFAULT_FIRST_YEAR}-{date.today().year + 1}",
            help="年份，如 2025、2020-2026 或 2024,2026（默认：2020 至明年）",
        )
        parser.add_argument("--dry-run", action="store_true", help="只统计，不写入")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            years = parse_years(options["years"])
        except HolidayDataError as error:
            raise CommandError(str(error)) from error
        summary = load_holidays(actor=None, years=years, dry_run=options["dry_run"])
        prefix = "（预检，未写入）" if options["dry_run"] else ""
        loaded = "、".join(str(y) for y in summary.years_loaded) or "无"
        self.stdout.write(
            f"{prefix}已载入年份：{loaded}；新增 {summary.created} 天，修改 {summary.changed} 天，"
            f"未变 {summary.unchanged} 天，删除 {summary.removed} 天，"
            f"保留管理员录入 {summary.kept_manual} 天"
        )
        if summary.years_missing:
            missing = "、".join(str(y) for y in summary.years_missing)
            self.stderr.write(
                f"警告：数据包没有 {missing} 年的节假日安排；请在管理后台录入并标记该年份，"
                "在此之前这些年份的工作日只按周末计算。"
            )
