from typing import Any

from django.core.management.base import BaseCommand

from eldercare.demo.users import demo_users


class Command(BaseCommand):
    help = "列出演示账户（用户名、角色、所属区划）。"

    def handle(self, *args: Any, **options: Any) -> None:
        for demo in demo_users():
            scope = demo.region_code or "全部区划"
            self.stdout.write(f"    {demo.username:<12} {demo.role.label}（{scope}）")
