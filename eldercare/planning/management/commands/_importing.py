"""What the planning import commands share: the acting user, the JSON/summary output and the
exit status (0 imported or would be, 1 refused because of row errors, 2 file unusable)."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from eldercare.accounts.models import Role
from eldercare.planning.errors import PlanningDataError
from eldercare.planning.services import ImportOutcome
from eldercare.registry.importing.errors import FileImportError

EXIT_REFUSED = 1
EXIT_UNUSABLE = 2
ERRORS_SHOWN = 30


def acting_user(username: str | None) -> Any:
    """The named active user, or the first active system administrator."""
    users = get_user_model().objects.filter(is_active=True)
    if username:
        actor = users.filter(username=username).first()
        if actor is None:
            raise CommandError(f"找不到在用的用户“{username}”", returncode=EXIT_UNUSABLE)
        return actor
    actor = users.filter(role=Role.SYSTEM_ADMIN).order_by("pk").first()
    if actor is None:
        raise CommandError(
            "没有在用的系统管理员账户：请用 --as 用户名 指定以哪个用户的角色和管辖范围运行",
            returncode=EXIT_UNUSABLE,
        )
    return actor


def add_actor_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--as",
        dest="username",
        metavar="USERNAME",
        help="以该用户的角色和管辖范围运行（默认：第一个在用的系统管理员）",
    )


class ImportCommand(BaseCommand):
    importer: Callable[..., ImportOutcome]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", metavar="PATH", help="要导入的文件（.xlsx/.xls/.csv）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--json", action="store_true", help="在标准输出打印一个 JSON 对象")
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        as_json: bool = options["json"]
        try:
            actor = acting_user(options["username"])
            outcome = type(self).importer(
                actor=actor, path=Path(options["path"]), dry_run=options["dry_run"]
            )
        except (FileImportError, PermissionDenied, PlanningDataError, CommandError) as error:
            self._fail(str(error), as_json)
        if as_json:
            self.stdout.write(json.dumps(outcome.as_dict(), ensure_ascii=False))
        else:
            self._summary(outcome)
        if outcome.errors:
            raise SystemExit(EXIT_REFUSED)

    def _fail(self, message: str, as_json: bool) -> NoReturn:
        if as_json:
            self.stdout.write(json.dumps({"error": message}, ensure_ascii=False))
        raise CommandError(message, returncode=EXIT_UNUSABLE)

    def _summary(self, outcome: ImportOutcome) -> None:
        self.stdout.write(
            f"数据 {outcome.rows} 行，新增 {outcome.created}，更新 {outcome.updated}，"
            f"未变 {outcome.unchanged}，错误 {len(outcome.errors)} 处"
        )
        if outcome.errors:
            self.stdout.write("有错误，整份文件未导入：")
            for error in outcome.errors[:ERRORS_SHOWN]:
                self.stdout.write(
                    f"  第{error.row}行 {error.column}［{error.code}］{error.message}"
                )
        elif outcome.dry_run:
            self.stdout.write("预检完成，可以导入（未写入任何数据）")
        else:
            self.stdout.write("已导入")
