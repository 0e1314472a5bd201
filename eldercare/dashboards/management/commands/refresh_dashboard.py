"""refresh-dashboard: count the dashboard's figures now (what the worker does nightly)."""

from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from eldercare.dashboards.models import RefreshReason
from eldercare.dashboards.services.refresh import refresh_counts


class Command(BaseCommand):
    help = "重新统计领导驾驶舱的各项数据（按村汇总并逐级上卷）"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--on", help="统计日期 YYYY-MM-DD（默认今天）")

    def handle(self, *args: Any, **options: Any) -> None:
        on = None
        if options["on"]:
            try:
                on = date.fromisoformat(options["on"])
            except ValueError as error:
                raise CommandError(f"--on 应为日期 YYYY-MM-DD：{options['on']}") from error
        refresh = refresh_counts(reason=RefreshReason.COMMAND, on=on)
        seconds = ((refresh.finished_at or refresh.started_at) - refresh.started_at).total_seconds()
        self.stdout.write(
            f"统计日期 {refresh.as_of:%Y-%m-%d}：{refresh.get_status_display()}，"
            f"{refresh.regions} 个区划，用时 {seconds:.1f} 秒"
        )
