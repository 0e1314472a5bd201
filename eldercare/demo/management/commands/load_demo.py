import tempfile
from datetime import date
from itertools import chain
from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from eldercare.accounts.models import User
from eldercare.alarms.demo import load_demo_alarms
from eldercare.carevisits.demo import load_demo_care_visits
from eldercare.dashboards.models import RefreshReason
from eldercare.dashboards.services.refresh import refresh_counts
from eldercare.demo.assessments import assess_demo_residents
from eldercare.demo.management.commands.generate_residents import load_villages
from eldercare.demo.synthetic import generate_rows
from eldercare.demo.users import ensure_demo_users
from eldercare.demo.writers import write_csv
from eldercare.funds.demo import load_demo_funds
from eldercare.orders.demo import load_demo_orders
from eldercare.planning.demo import load_demo_planning
from eldercare.providers.demo import load_demo_providers
from eldercare.regions.codes import subtree_range
from eldercare.regions.datasets import PILOT_LOCALITIES
from eldercare.registry.importing.pipeline import import_residents
from eldercare.registry.models import Resident

# A fixed reference day keeps the synthetic people identical on every run, so re-running the
# demo updates nothing instead of adding a new cohort each day.
REFERENCE_DAY = date(2026, 1, 1)
DEMO_CITY = "431100000000"
DEMO_VILLAGE_COHORT = 120


class Command(BaseCommand):
    help = (
        "载入演示数据：四个试点地区的区划、参考数据（节假日、服务清单、补贴规则、任务清单、考核表）、"
        "各角色演示账户、合成的老年人信息和能力评估、本月补贴发放、服务机构和设施、服务订单、"
        "紧急呼叫设备和报警、关爱探访、试点资金，最后统计领导驾驶舱。可重复运行。"
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
                # The demo village worker's village (the first one of 永州) gets a cohort of its
                # own: spread over thousands of villages, it would hold one or two people.
                cohort = min(DEMO_VILLAGE_COHORT, per_locality // 2) if code == DEMO_CITY else 0
                rows = chain(
                    generate_rows(
                        villages,
                        per_locality - cohort,
                        seed=int(code[:6]),
                        today=REFERENCE_DAY,
                        other_counties=counties,
                    ),
                    generate_rows(villages[:1], cohort, seed=1, today=REFERENCE_DAY)
                    if cohort
                    else (),
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
        out = cast(TextIO, self.stdout)  # an OutputWrapper: a TextIOBase that writes lines
        load_demo_providers(out)
        load_demo_planning(out)
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
        for load in (load_demo_orders, load_demo_alarms, load_demo_care_visits, load_demo_funds):
            load(out)
        refresh = refresh_counts(reason=RefreshReason.COMMAND)
        self.stdout.write(f"领导驾驶舱：{refresh}")
