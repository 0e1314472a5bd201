"""`eldercare import-assessments PATH`: assessment results from a sheet, from the command line.

The options, output and exit status are import-residents': 0 imported (with --dry-run: would be),
1 refused because of row errors, 2 the file cannot be imported at all (format, missing columns,
no standard) or the command cannot run (unknown user, no permission).
"""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from eldercare.assessment.importing.pipeline import import_assessments
from eldercare.assessment.scoring import STANDARDS
from eldercare.registry.importing.results import ImportResult
from eldercare.registry.management.commands import import_residents


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

    def run_pipeline(self, path: Path, options: dict[str, Any], **common: Any) -> ImportResult:
        return import_assessments(path, standard=options["standard"], **common)
