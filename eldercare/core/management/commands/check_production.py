from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor

from eldercare.core.production_checks import Finding, ProductionSettings, run_checks


def current_settings() -> ProductionSettings:
    return ProductionSettings(
        debug=bool(settings.DEBUG),
        secret_key=str(settings.SECRET_KEY),
        allowed_hosts=list(settings.ALLOWED_HOSTS),
        database_engine=str(settings.DATABASES[DEFAULT_DB_ALIAS]["ENGINE"]),
        session_cookie_secure=bool(settings.SESSION_COOKIE_SECURE),
        csrf_cookie_secure=bool(settings.CSRF_COOKIE_SECURE),
        hsts_seconds=int(settings.SECURE_HSTS_SECONDS),
        secure_ssl_redirect=bool(settings.SECURE_SSL_REDIRECT),
        secure_proxy_ssl_header=settings.SECURE_PROXY_SSL_HEADER,
        password_hashers=list(settings.PASSWORD_HASHERS),
        axes_enabled=bool(getattr(settings, "AXES_ENABLED", False)),
        worker_sync=bool(getattr(settings, "Q_CLUSTER", {}).get("sync", False)),
        static_root=settings.STATIC_ROOT,
        pdf_font_path=settings.PDF_FONT_PATH,
        device_master_key=str(settings.ALARMS_DEVICE_MASTER_KEY),
    )


def database_findings() -> list[Finding]:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        connection.ensure_connection()
    except DatabaseError as error:
        # Without a connection the migration state cannot be known, so it counts as a failure too.
        return [
            Finding("数据库连接", False, f"无法连接数据库：{error}".strip()),
            Finding("数据库迁移", False, "数据库不可用，无法检查迁移"),
        ]
    reachable = Finding("数据库连接", True, f"可连接（{connection.vendor}）")
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        pending = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan[:5])
        more = "…" if len(plan) > 5 else ""
        return [
            reachable,
            Finding(
                "数据库迁移",
                False,
                f"有 {len(plan)} 个迁移未应用（{pending}{more}）：运行 eldercare migrate",
            ),
        ]
    return [reachable, Finding("数据库迁移", True, "所有迁移均已应用")]


class Command(BaseCommand):
    help = (
        "上线前检查：逐项核对正在使用的设置和数据库是否适合生产环境，有不安全项时以非零状态退出。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        findings = run_checks(current_settings()) + database_findings()
        for finding in findings:
            if finding.ok:
                self.stdout.write(self.style.SUCCESS(f"✓ {finding.name}：{finding.message}"))
            else:
                self.stdout.write(self.style.ERROR(f"✗ {finding.name}：{finding.message}"))
        failed = [finding.name for finding in findings if not finding.ok]
        if failed:
            raise CommandError(f"{len(failed)} 项不安全的设置：{'、'.join(failed)}")
        self.stdout.write(self.style.SUCCESS("全部检查通过，可以上线。"))
