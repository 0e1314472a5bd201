import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from eldercare.accounts.models import User
from eldercare.demo.assessments import assess_demo_residents
from eldercare.demo.management.commands.generate_residents import load_villages
from eldercare.demo.synthetic import generate_rows
from eldercare.demo.users import ensure_demo_users
from eldercare.demo.writers import write_csv
from eldercare.regions.codes import subtree_range
from eldercare.regions.datasets import PILOT_LOCALITIES
from eldercare.registry.importing.pipeline import import_residents
from eldercare.registry.models import Resident

# A fixed reference day keeps the synthetic people identical on every run, so re-running the
# demo updates nothing instead of adding a new cohort each day.
REFERENCE_DAY = date(2026, 1, 1)


class Command(BaseCommand):
    help = (
        "载入演示数据：四个试点地区的区划、参考数据（节假日、服务清单、补贴规则、任务清单、考核表）、"
        "各角色演示账户、合成的老年人信息和能力评估、本月补贴发放。可重复运行。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--residents", type=int, default=4000, help="合成老年人总数（四地平分）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        only = [arg for code in PILOT_LOCALITIES for arg in ("--only", code)]
        call_command("load_regions", *only, "--partial", stdout=self.stdout)
        # Reference data every installation loads; each command is idempotent.
        for command in (
            "load_holidays",
            "load_service_catalogue",
            "load_entitlement_policies",
            "load_task_lists",
            "load_scoring_sheets",
        ):
            call_command(command, stdout=self.stdout)
        users = ensure_demo_users()
        self.stdout.write(f"演示账户 {len(users)} 个")
        admin = User.objects.get(username="admin")
        per_locality = max(1, options["residents"] // len(PILOT_LOCALITIES))
        with tempfile.TemporaryDirectory() as directory:
            for code, name in PILOT_LOCALITIES.items():
                _, villages, counties = load_villages(code)
                path = Path(directory) / f"{code}.csv"
                rows = generate_rows(
                    villages,
                    per_locality,
                    seed=int(code[:6]),
                    today=REFERENCE_DAY,
                    other_counties=counties,
                )
                write_csv(rows, path)
                result = import_residents(path, actor=admin, dry_run=False, valid_only=True)
                self.stdout.write(
                    f"{name}：{result.rows} 行，新增 {result.created}，更新 {result.updated}，"
                    f"未变 {result.unchanged}，错误 {result.rejected}"
                )
        assessors = (User.objects.get(username="assessor"), User.objects.get(username="assessor2"))
        low, high = subtree_range(assessors[0].region_code)
        residents = list(
            Resident.objects.filter(region_code__gte=low, region_code__lte=high).order_by("pk")[
                :150
            ]
        )
        made = assess_demo_residents(
            actor=assessors[0], assessors=assessors, residents=residents, today=date.today()
        )
        self.stdout.write(f"能力评估：新增 {made} 份")
        for code in PILOT_LOCALITIES:
            call_command(
                "run_entitlements",
                "--month",
                date.today().strftime("%Y-%m"),
                "--region",
                code,
                "--as",
                "admin",
                stdout=self.stdout,
            )
