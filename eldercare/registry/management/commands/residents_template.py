from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from eldercare.registry.importing.report import write_template


class Command(BaseCommand):
    help = "生成老年人基本信息筛查摸底表的导入模板（.xlsx，含表头和填写说明）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", metavar="OUT.xlsx", help="模板文件的保存位置")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["out"])
        write_template(path)
        self.stdout.write(f"已生成导入模板：{path}")
