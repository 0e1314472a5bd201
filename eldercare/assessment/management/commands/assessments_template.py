"""`eldercare assessments-template --standard S OUT.xlsx`: the empty assessment-result sheet."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eldercare.assessment.importing.template import write_template
from eldercare.assessment.scoring import STANDARD_NAMES, STANDARDS


class Command(BaseCommand):
    help = "生成按某项评估标准填写的能力评估结果导入模板（.xlsx，含填写说明工作表）。"
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", metavar="OUT.xlsx", help="要写入的文件")
        parser.add_argument("--standard", choices=STANDARDS, required=True, help="评估标准")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["out"])
        if path.suffix.lower() != ".xlsx":
            raise CommandError(f"模板是 .xlsx 文件，请用 .xlsx 结尾的文件名：{path.name}")
        try:
            write_template(options["standard"], path)
        except OSError as error:
            raise CommandError(f"{path}：无法写入（{error.strerror}）") from error
        self.stdout.write(f"已生成 {STANDARD_NAMES[options['standard']]} 的导入模板：{path}")
