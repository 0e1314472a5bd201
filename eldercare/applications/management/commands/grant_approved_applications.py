"""`eldercare grant-approved-applications`: create the entitlements of benefit applications that
were approved while the entitlements service was not available. Idempotent (the service is keyed
by "application:<pk>"); nothing to do prints 0."""

from typing import Any

from django.core.management.base import BaseCommand

from eldercare.applications.models import Application, ApplicationStatus
from eldercare.applications.services import grant_pending_entitlements


class Command(BaseCommand):
    help = "为待遇服务启用前已批准的补贴申请生成待遇（可重复运行）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="只统计待生成的申请")

    def handle(self, *args: Any, **options: Any) -> None:
        pending = Application.objects.filter(
            status=ApplicationStatus.APPROVED, is_grant_pending=True
        ).count()
        if options["dry_run"]:
            self.stdout.write(f"（预检）待生成待遇的申请：{pending} 份")
            return
        granted = grant_pending_entitlements(actor=None)
        self.stdout.write(f"待生成 {pending} 份，已生成 {granted} 份")
        if pending and not granted:
            self.stderr.write("待遇服务（eldercare.entitlements.services）尚不可用")
