"""`eldercare assess FILE.json`: score an answer file with the pure engine, without the database.

Exit status 0 scored; 1 the file cannot be read or scored (the message names the item or field).
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eldercare.assessment.scoring import (
    STANDARDS,
    AnswerError,
    ClauseStacking,
    EventCounting,
    Settings,
    score_file,
)


class Command(BaseCommand):
    help = (
        "按 MZ/T 039-2013 或 GB/T 42195-2022 为一份答卷（JSON）评分，打印各一级指标、初步等级、"
        "调整条款和最终等级。不读写数据库。"
    )
    # Scoring is pure: no system checks and no migrations, so it runs before the database exists.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE.json", help="答卷文件（格式见评估规范）")
        parser.add_argument(
            "--standard", choices=STANDARDS, help="按此标准评分（默认：答卷中的 standard）"
        )
        parser.add_argument("--json", action="store_true", help="在标准输出打印一个 JSON 对象")
        parser.add_argument(
            "--clause-stacking",
            choices=("per-clause", "once"),
            default="per-clause",
            help="提高等级的条款：每条提高一级（默认），或合计只提高一级",
        )
        parser.add_argument(
            "--event-counting",
            choices=("total", "any-kind"),
            default="total",
            help="近30天事件2次及以上：各类合计（默认），或同一类",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"{path}：无法读取（{error.strerror}）") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{path}：不是 UTF-8 编码的文本") from error
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{path}：不是有效的 JSON（第 {error.lineno} 行第 {error.colno} 列：{error.msg}）"
            ) from error
        settings = Settings(
            clause_stacking=ClauseStacking(options["clause_stacking"].replace("-", "_")),
            event_counting=EventCounting(options["event_counting"].replace("-", "_")),
        )
        try:
            result = score_file(data, standard=options["standard"], settings=settings)
        except AnswerError as error:
            raise CommandError(f"{path}：{error}") from error
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(result.explanation)
