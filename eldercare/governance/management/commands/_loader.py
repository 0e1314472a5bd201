"""The body both load commands share: files or the shipped ones, --region, --dry-run, --json."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eldercare.governance.errors import DataFileError
from eldercare.governance.services.loading import LoadSummary
from eldercare.regions.codes import RegionCodeError


class LoadCommand(BaseCommand):
    noun = ""

    def shipped(self) -> list[Path]:
        raise NotImplementedError

    def loader(self) -> Callable[..., LoadSummary]:
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", help="YAML 文件；不写则载入随程序提供的全部文件")
        parser.add_argument(
            "--region",
            metavar="CODE",
            help="作为该区划（省、市、县）的文件载入，例如把全国要求表载入某个试点县",
        )
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果或错误")

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [Path(name) for name in options["files"]] or self.shipped()
        missing = [str(path) for path in paths if not path.is_file()]
        if missing:
            raise CommandError(f"找不到文件：{'、'.join(missing)}")
        try:
            summary = self.loader()(paths, region=options["region"], dry_run=options["dry_run"])
        except DataFileError as error:
            if options["json"]:
                self.stdout.write(
                    json.dumps(
                        {"errors": [p.as_dict() for p in error.problems]}, ensure_ascii=False
                    )
                )
            raise CommandError(f"未载入任何内容：\n{error}") from error
        except RegionCodeError as error:
            raise CommandError(f"--region：{error}") from error
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))
            return
        lines = [
            f"文件 {len(summary.files)} 个：{'、'.join(summary.files) or '（无）'}",
            f"{self.noun}：新增 {summary.created}，更新 {summary.updated}，未变 {summary.unchanged}",
        ]
        if summary.tasks_created or summary.tasks_updated or summary.tasks_removed:
            lines.append(
                f"任务：新增 {summary.tasks_created}，更新 {summary.tasks_updated}，"
                f"删除 {summary.tasks_removed}；新增责任单位 {summary.organisations_created}"
            )
        lines.extend(f"提示：{warning}" for warning in summary.warnings)
        if options["dry_run"]:
            lines.append("（预检，未写入）")
        self.stdout.write("\n".join(lines))
