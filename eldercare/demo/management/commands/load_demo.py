from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from eldercare.demo.users import ensure_demo_users
from eldercare.regions.datasets import PILOT_LOCALITIES


class Command(BaseCommand):
    help = "载入演示数据：四个试点地区的区划、各角色演示账户、合成的老年人信息。可重复运行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--residents", type=int, default=3000, help="合成老年人数量")

    def handle(self, *args: Any, **options: Any) -> None:
        only = [arg for code in PILOT_LOCALITIES for arg in ("--only", code)]
        call_command("load_regions", *only, "--partial", stdout=self.stdout)
        users = ensure_demo_users()
        self.stdout.write(f"演示账户 {len(users)} 个")
