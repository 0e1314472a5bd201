import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eldercare.catalogue.errors import CatalogueFileError
from eldercare.catalogue.loading import load_files, shipped_files
from eldercare.regions.codes import RegionCodeError


class Command(BaseCommand):
    help = (
        "载入服务项目目录、国家基本养老服务清单和各地“6+X”/政府购买服务清单（YAML）。"
        "重复载入同一文件不会产生变化；内容有变化的清单载入为新版本。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "files", nargs="*", help="要载入的 YAML 文件；不写则载入随程序提供的全部文件"
        )
        parser.add_argument(
            "--only",
            action="append",
            default=[],
            metavar="REGION",
            help="只载入该区划及其下级的文件（可重复；national 表示全国文件）",
        )
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [Path(name) for name in options["files"]] or shipped_files()
        missing = [str(path) for path in paths if not path.is_file()]
        if missing:
            raise CommandError(f"找不到文件：{'、'.join(missing)}")
        try:
            summary = load_files(paths, only=options["only"], dry_run=options["dry_run"])
        except CatalogueFileError as error:
            raise CommandError(f"未载入任何内容：\n{error}") from error
        except RegionCodeError as error:
            raise CommandError(f"--only：{error}") from error
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(
            f"文件 {len(summary.files)} 个：{'、'.join(summary.files) or '（无）'}\n"
            f"服务项目：新增 {summary.items_created}，变更 {summary.items_changed}，"
            f"未变 {summary.items_unchanged}\n"
            f"清单：新版本 {summary.lists_created}，未变 {summary.lists_unchanged}，"
            f"被新版本取代 {summary.lists_closed}"
            + ("\n（预检，未写入）" if options["dry_run"] else "")
        )
