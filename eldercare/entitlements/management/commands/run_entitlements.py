"""`eldercare run-entitlements --month 2026-11 [--region CODE] [--as USER]`: the monthly run,
synchronously, with a progress bar.

Exit status: 0 done, 1 the run failed (its batches so far stay credited: `--resume RUN_ID`
continues it), 2 the run cannot start (bad month or region, another run going on, no permission).
"""

import json
import sys
from datetime import date
from typing import Any, NoReturn

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from tqdm import tqdm

from eldercare.core.money import format_fen
from eldercare.entitlements.errors import EntitlementError
from eldercare.entitlements.ledger import SystemActor
from eldercare.entitlements.models import EntitlementRun, RunStatus
from eldercare.entitlements.reports import run_rows
from eldercare.entitlements.runs import (
    DEFAULT_BATCH_SIZE,
    execute_run,
    plan_monthly_run,
    resume_monthly_run,
    start_monthly_run,
)

EXIT_FAILED = 1
EXIT_UNUSABLE = 2


def parse_month(text: str) -> date:
    try:
        year, month = text.strip().split("-")
        return date(int(year), int(month), 1)
    except ValueError as error:
        raise CommandError(f"--month 应为 YYYY-MM，如 2026-11：{text!r}", returncode=2) from error


class Command(BaseCommand):
    help = (
        "月度补贴发放：按规则和个人补贴资格为区划内每位在册老年人发放该月的服务额度和护理补贴。"
        "重复执行只发放一次；中断后用 --resume 继续。退出码：0 完成，1 发放失败，2 无法开始。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="补贴月份 YYYY-MM（本月或下月）")
        parser.add_argument(
            "--region", help="区划代码（默认：--as 用户所属区划；不用 --as 时必填）"
        )
        parser.add_argument(
            "--as",
            dest="username",
            metavar="USERNAME",
            help="以该用户的身份发放（须有发放权限）；不写则以系统任务 run-entitlements 发放",
        )
        parser.add_argument("--resume", type=int, metavar="RUN_ID", help="继续失败或中断的发放任务")
        parser.add_argument("--dry-run", action="store_true", help="只评估并统计，不发放")
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
        parser.add_argument("--json", action="store_true", help="在标准输出打印一个 JSON 对象")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = self._actor(options["username"])
        as_json: bool = options["json"]
        bar = tqdm(unit="人", file=sys.stderr, disable=as_json or not sys.stderr.isatty())

        def progress(run: EntitlementRun) -> None:
            if bar.total is None and run.residents_total is not None:
                bar.reset(total=run.residents_total)
                bar.update(run.residents_done)
            bar.update(run.residents_done - bar.n)

        try:
            if options["resume"]:
                run = self._resume(actor, options["resume"])
            else:
                if not options["month"]:
                    self._fail("请用 --month YYYY-MM 指定补贴月份")
                month = parse_month(options["month"])
                region = options["region"] or getattr(actor, "region_code", "")
                if not region:
                    self._fail("请用 --region 指定区划代码（或用 --as 以某用户的所属区划发放）")
                if options["dry_run"]:
                    planned = plan_monthly_run(
                        actor=actor,
                        region_code=region,
                        month=month,
                        batch_size=options["batch_size"],
                        progress=progress,
                    )
                    bar.close()
                    self._report(planned, as_json, dry_run=True)
                    return
                run = start_monthly_run(
                    actor=actor, region_code=region, month=month, background=False
                )
        except (EntitlementError, PermissionDenied, Http404) as error:
            bar.close()
            self._fail(
                "该区划不存在或不在您的管辖范围内" if isinstance(error, Http404) else str(error)
            )
        try:
            execute_run(run.pk, batch_size=options["batch_size"], progress=progress)
        finally:
            bar.close()
        run.refresh_from_db()
        self._report(run, as_json, dry_run=False)
        if run.status != RunStatus.DONE:
            raise SystemExit(EXIT_FAILED)

    def _resume(self, actor: Any, run_id: int) -> EntitlementRun:
        run = EntitlementRun.objects.filter(pk=run_id).first()
        if run is None:
            self._fail(f"发放任务 #{run_id} 不存在")
        return resume_monthly_run(actor=actor, run=run, background=False)

    def _actor(self, username: str | None) -> Any:
        if not username:
            return SystemActor("run-entitlements")
        actor = get_user_model().objects.filter(is_active=True, username=username).first()
        if actor is None:
            self._fail(f"找不到在用的用户“{username}”")
        return actor

    def _fail(self, message: str) -> NoReturn:
        raise CommandError(message, returncode=EXIT_UNUSABLE)

    def _report(self, run: EntitlementRun, as_json: bool, *, dry_run: bool) -> None:
        rows = run_rows(run)
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "run": run.pk,
                        "month": f"{run.month:%Y-%m}",
                        "region": run.region_code,
                        "status": run.status,
                        "dry_run": dry_run,
                        "error": run.error,
                        "residents": run.residents_done,
                        "written": run.report.get("written", 0),
                        "skipped": run.report.get("skipped", 0),
                        "regions": [row.as_dict() for row in rows],
                    },
                    ensure_ascii=False,
                )
            )
            return
        title = "预演（未发放）" if dry_run else f"发放任务 #{run.pk}：{run.get_status_display()}"
        self.stdout.write(f"{run.month:%Y-%m} 区划 {run.region_code} {title}")
        if run.error:
            self.stdout.write(f"错误：{run.error}")
        self.stdout.write(
            f"在册老年人 {run.residents_done} 人；本次写入 {run.report.get('written', 0)} 笔，"
            f"此前已发放 {run.report.get('skipped', 0)} 笔"
        )
        for row in rows:
            indent = "  " * row.depth
            self.stdout.write(
                f"{indent}{row.name or row.code} {row.code}：{row.figures['entitled']}/"
                f"{row.figures['residents']} 人享受，{row.figures['credits']} 笔，"
                f"{format_fen(row.figures['amount_fen'])} 元"
            )
