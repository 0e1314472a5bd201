"""`eldercare import-residents PATH`: the screening-sheet import from the command line.

Exit status: 0 imported (with --dry-run: would be), 1 refused because of row errors, 2 the file
cannot be imported at all (format, encoding, missing columns) or the command cannot run (unknown
user, no permission) — argparse also uses 2 for usage errors.
"""

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from eldercare.accounts.models import Role
from eldercare.registry.importing.errors import FileImportError
from eldercare.registry.importing.pipeline import import_residents
from eldercare.registry.importing.report import write_error_report
from eldercare.registry.importing.results import ImportResult

EXIT_REFUSED = 1
EXIT_UNUSABLE = 2
ERRORS_SHOWN = 20


class Command(BaseCommand):
    help = (
        "导入老年人基本信息筛查摸底表（.xlsx/.xls/.xlsm/.ods/.csv）。默认整表导入：任何一行有错误"
        "则不导入。退出码：0 已导入（预检时为可以导入），1 因有错误行未导入，2 文件无法读取或缺少"
        "必需的列。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", metavar="PATH", help="要导入的文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查并统计，不写入")
        parser.add_argument(
            "--valid-only", action="store_true", help="只导入正确的行，错误的行列入报告"
        )
        parser.add_argument("--report", metavar="ERRORS.xlsx", help="把错误明细写入该文件")
        parser.add_argument("--json", action="store_true", help="在标准输出打印一个 JSON 对象")
        parser.add_argument(
            "--as",
            dest="username",
            metavar="USERNAME",
            help="以该用户的角色和管辖范围导入（默认：第一个在用的系统管理员）",
        )
        parser.add_argument("--sheet", help="工作表名称（默认：第一个可见的工作表）")

    def handle(self, *args: Any, **options: Any) -> None:
        as_json: bool = options["json"]
        actor = self._actor(options["username"], as_json)
        bar = tqdm(
            unit="行",
            file=sys.stderr,
            disable=as_json or not sys.stderr.isatty(),
            desc="导入" if not options["dry_run"] else "预检",
        )

        def on_total(total: int) -> None:
            bar.reset(total=total)

        def progress(done: int) -> None:
            bar.update(done - bar.n)

        try:
            result = self.run_pipeline(
                Path(options["path"]),
                options,
                actor=actor,
                dry_run=options["dry_run"],
                valid_only=options["valid_only"],
                progress=progress,
                on_total=on_total,
                sheet=options["sheet"],
            )
        except (FileImportError, PermissionDenied) as error:
            self._fail(str(error), as_json)
        finally:
            bar.close()
        if options["report"]:
            write_error_report(result, Path(options["report"]))
        if as_json:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self._summary(result, options["report"])
        if result.refused:
            raise SystemExit(EXIT_REFUSED)

    def run_pipeline(self, path: Path, options: dict[str, Any], **common: Any) -> ImportResult:
        """The import itself; commands for other sheets override this (and add options)."""
        return import_residents(path, **common)

    def _fail(self, message: str, as_json: bool) -> NoReturn:
        if as_json:
            self.stdout.write(json.dumps({"error": message}, ensure_ascii=False))
        raise CommandError(message, returncode=EXIT_UNUSABLE)

    def _actor(self, username: str | None, as_json: bool) -> Any:
        users = get_user_model().objects.filter(is_active=True)
        if username:
            actor = users.filter(username=username).first()
            if actor is None:
                self._fail(f"找不到在用的用户“{username}”", as_json)
            return actor
        actor = users.filter(role=Role.SYSTEM_ADMIN).order_by("pk").first()
        if actor is None:
            self._fail(
                "没有在用的系统管理员账户：请用 --as 用户名 指定以哪个用户的角色和管辖范围导入",
                as_json,
            )
        return actor

    def _summary(self, result: ImportResult, report: str | None) -> None:
        self.stdout.write(
            f"工作表“{result.sheet}”：数据 {result.rows} 行，新增 {result.created}，"
            f"更新 {result.updated}，未变 {result.unchanged}，有误 {result.rejected}"
        )
        if result.refused:
            outcome = (
                f"有 {result.rejected} 行错误，整份文件未导入（加 --valid-only 可只导入正确的行）"
            )
        elif result.dry_run:
            outcome = "预检完成，可以导入（未写入任何数据）"
        else:
            outcome = "已导入"
        self.stdout.write(("预检：" if result.dry_run and result.refused else "") + outcome)
        for warning in result.warnings:
            self.stdout.write(f"提示：{warning}")
        if result.errors:
            shown = result.errors[:ERRORS_SHOWN]
            self.stdout.write(f"错误（前 {len(shown)} 条，共 {len(result.errors)} 条）：")
            for error in shown:
                self.stdout.write(
                    f"  第{error.row}行 {error.column}［{error.code}］{error.message}"
                )
        if report:
            self.stdout.write(f"错误报告：{report}")
