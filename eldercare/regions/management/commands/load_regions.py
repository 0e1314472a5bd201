import json
import time
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eldercare.regions.codes import RegionCodeError, normalize_code
from eldercare.regions.datasets import (
    CHINA_DIVISION_DATASET,
    CHINA_DIVISION_VALID_FROM,
    china_division_directory,
)
from eldercare.regions.services import load_regions
from eldercare.regions.sources import SourceError, read_source, restrict_to


class Command(BaseCommand):
    help = (
        "载入行政区划（五级）为新版本：默认读取 scripts/fetch-regions 取得的 china-division 数据，"
        "也可指定带城乡分类代码的官方 CSV。重复载入同一数据不会产生变化。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", nargs="?", help="china-division 目录或官方 CSV 文件")
        parser.add_argument(
            "--only", action="append", default=[], metavar="CODE", help="只载入这些区划及其下级"
        )
        parser.add_argument("--valid-from", help="本版本生效日期（YYYY-MM-DD）")
        parser.add_argument("--dataset", help="数据来源说明")
        parser.add_argument(
            "--partial",
            action="store_true",
            help="数据不完整：不停用文件中缺少的区划",
        )
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["source"]) if options["source"] else china_division_directory()
        if not source.exists():
            raise CommandError(f"找不到区划数据：{source}（先运行 scripts/fetch-regions）")
        try:
            scopes = [normalize_code(code) for code in options["only"]]
            valid_from = date.fromisoformat(options["valid_from"] or CHINA_DIVISION_VALID_FROM)
        except (RegionCodeError, ValueError) as error:
            raise CommandError(str(error)) from error
        records = read_source(source)
        if scopes:
            records = restrict_to(records, scopes)
        started = time.perf_counter()
        try:
            summary = load_regions(
                records,
                valid_from=valid_from,
                dataset=options["dataset"]
                or (CHINA_DIVISION_DATASET if source.is_dir() else source.name),
                retire_within=[] if options["partial"] else (scopes or None),
                dry_run=options["dry_run"],
            )
        except SourceError as error:
            raise CommandError(str(error)) from error
        result = summary.as_dict() | {"seconds": round(time.perf_counter() - started, 2)}
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(
            f"新增 {summary.created}，变更 {summary.changed}，未变 {summary.unchanged}，"
            f"停用 {summary.retired}，城乡属性未能推断的村级 {summary.locality_unknown}，"
            f"用时 {result['seconds']} 秒" + ("（预检，未写入）" if options["dry_run"] else "")
        )
