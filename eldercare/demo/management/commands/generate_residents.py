"""`eldercare generate-residents`: a synthetic screening sheet for the villages of a region."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from eldercare.demo.synthetic import SyntheticVillage, generate_rows
from eldercare.demo.writers import XLSX_MAX_ROWS, write_csv, write_xlsx
from eldercare.regions.codes import Level, RegionCodeError, normalize_code
from eldercare.regions.models import Locality, Region

_WRITERS = {".csv": write_csv, ".xlsx": write_xlsx}
_PROGRESS_STEP = 1000


def load_villages(code: str) -> tuple[Region, list[SyntheticVillage], list[str]]:
    """The region, its current villages with township names, and the province's county codes."""
    try:
        code = normalize_code(code)
    except RegionCodeError as error:
        raise CommandError(str(error)) from None
    region = Region.objects.current().filter(code=code).first()
    if region is None:
        raise CommandError(f"区划代码 {code} 不存在或已撤销：请先载入区划数据（load-regions）")
    rows = list(
        Region.objects.current()
        .within(code)
        .filter(level=Level.VILLAGE)
        .order_by("code")
        .values_list("code", "name", "parent_code", "locality")
    )
    if not rows:
        raise CommandError(f"{region.name}（{code}）下没有村（社区）：无法生成老年人")
    townships = dict(
        Region.objects.current()
        .filter(code__in={parent for _, _, parent, _ in rows})
        .values_list("code", "name")
    )
    villages = [
        SyntheticVillage(
            code=village_code,
            township_name=townships.get(parent, ""),
            village_name=name,
            is_urban=locality == Locality.URBAN,
        )
        for village_code, name, parent, locality in rows
    ]
    province = code[:2].ljust(12, "0")
    counties = [
        county[:6]
        for county in Region.objects.current()
        .within(province)
        .filter(level=Level.COUNTY)
        .exclude(name="市辖区")
        .values_list("code", flat=True)
    ]
    return region, villages, counties


def _with_progress(rows: Iterable[dict[str, str]], total: int) -> Iterator[dict[str, str]]:
    disable = not sys.stderr.isatty()
    with tqdm(total=total, unit="行", file=sys.stderr, disable=disable) as bar:
        pending = 0
        for row in rows:
            yield row
            pending += 1
            if pending == _PROGRESS_STEP:
                bar.update(pending)
                pending = 0
        bar.update(pending)


class Command(BaseCommand):
    help = (
        "为某区划下的村（社区）生成合成的老年人筛查摸底表（CSV 或 Excel），"
        "用于演示和性能测试。相同的 --seed 和 --today 得到相同的数据。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", required=True, help="区划代码（2、4、6、9 或 12 位）")
        parser.add_argument("--residents", type=int, required=True, help="生成的老年人数量")
        parser.add_argument("--output", type=Path, required=True, help="输出文件 .csv 或 .xlsx")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子（默认 2026）")
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="以哪天为“今天”计算年龄和筛查日期（YYYY-MM-DD，默认今天）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"]
        count: int = options["residents"]
        writer = _WRITERS.get(output.suffix.lower())
        if writer is None:
            raise CommandError(
                f"不支持的输出格式 {output.suffix or '（无扩展名）'}：请用 .csv 或 .xlsx"
            )
        if count < 1:
            raise CommandError(f"--residents 应为正整数，收到 {count}")
        if writer is write_xlsx and count > XLSX_MAX_ROWS:
            raise CommandError(f"Excel 工作表最多容纳 {XLSX_MAX_ROWS} 行数据：请改用 .csv")
        if not output.parent.is_dir():
            raise CommandError(f"输出目录不存在：{output.parent}")

        _, villages, counties = load_villages(options["region"])
        today = options["today"] or date.today()
        started = time.perf_counter()
        rows = generate_rows(
            villages, count, seed=options["seed"], today=today, other_counties=counties
        )
        written = writer(_with_progress(rows, count), output)
        elapsed = time.perf_counter() - started
        self.stdout.write(f"已生成 {written} 行：{output}（用时 {elapsed:.1f} 秒）")
