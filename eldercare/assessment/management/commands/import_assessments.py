"""`eldercare import-assessments PATH`: assessment results from a sheet, from the command line.

The options, output and exit status are import-residents': 0 imported (with --dry-run: would be),
1 refused because of row errors, 2 the file cannot be imported at all (format, missing columns,
no standard) or the command cannot run (unknown user, no permission).
"""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandParser
from tqdm import tqdm

from eldercare.assessment.importing.pipeline import import_assessments
from eldercare.assessment.scoring import STANDARDS
from eldercare.registry.importing.errors import FileImportError
from eldercare.registry.importing.report import write_error_report
from eldercare.registry.management.commands import import_residents

EXIT_REFUSED = import_residents.EXIT_REFUSED
EXIT_UNUSABLE = import_residents.EXIT_UNUSABLE


class Command(import_residents.Command):
    """import-residents' command with the assessment pipeline (and --standard) behind it."""

    help = (
        "导入纸质评估的老年人能力评估结果（.xlsx/.xls/.xlsm/.ods/.csv）。默认整表导入：任何一行"
        "有错误则不导入。退出码：0 已导入（预检时为可以导入），1 因有错误行未导入，2 文件无法读取、"
        "缺少必需的列或未指明评估标准。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--standard",
            choices=STANDARDS,
            help="整表的评估标准（默认：每行的“评估标准”列，或表格标题中注明的标准）",
        )

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
            result = import_assessments(
                Path(options["path"]),
                actor=actor,
                standard=options["standard"],
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
