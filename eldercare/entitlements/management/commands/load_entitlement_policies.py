"""`eldercare load-entitlement-policies [--only REGION]`: store the shipped rule files.

Idempotent: a region whose active rule file has the same text (sha256) is left alone; a region
whose active file was uploaded by an administrator is kept and reported.
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eldercare.entitlements.documents import load_shipped_policies
from eldercare.entitlements.policy import PolicyError
from eldercare.regions.codes import RegionCodeError


class Command(BaseCommand):
    help = (
        "载入随程序提供的补贴规则文件（或指定的 YAML 文件）并设为现行。内容未变的不重复载入；"
        "管理员上传的现行规则文件不会被覆盖。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", help="规则文件；不写则载入随程序提供的全部文件")
        parser.add_argument(
            "--only",
            action="append",
            default=[],
            metavar="REGION",
            help="只载入该区划及其下级的文件（可重复）",
        )
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [Path(name) for name in options["files"]] or None
        try:
            summary = load_shipped_policies(
                paths=paths, only=options["only"], dry_run=options["dry_run"]
            )
        except PolicyError as error:
            raise CommandError(f"未载入任何规则文件：\n{error}") from error
        except RegionCodeError as error:
            raise CommandError(f"--only：{error}") from error
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(
            f"载入并启用 {len(summary.loaded)} 个：{'、'.join(summary.loaded) or '（无）'}\n"
            f"内容未变 {len(summary.unchanged)} 个：{'、'.join(summary.unchanged) or '（无）'}\n"
            f"保留管理员上传的现行文件 {len(summary.kept)} 个：{'、'.join(summary.kept) or '（无）'}"
            + ("\n（预检，未写入）" if options["dry_run"] else "")
        )
