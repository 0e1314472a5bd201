"""Demo pilot funds: for each pilot locality a central subsidy, a local match and lottery welfare
funds (2020), allocated to three sub-regions and their projects, and a spread of expenditures over
2020–2021 (execution about half by the end of 2020, most of it by the end of 2021). All amounts
are examples, marked so in each record's note. Idempotent: a locality that has its demo sources
is left as it is."""

from dataclasses import dataclass
from datetime import date
from typing import Any, TextIO

from eldercare.accounts.models import Role, User
from eldercare.funds import rules, services
from eldercare.funds.models import Allocation, Project, Source
from eldercare.regions.datasets import PILOT_LOCALITIES
from eldercare.regions.models import Region

NOTE = "示例金额，仅供演示"
YEAR = 2020
RECEIVED_ON = date(2020, 3, 16)
ALLOCATED_ON = date(2020, 4, 20)
TARGETS = 3
# Month of each payment and the share of the allocation it pays (per mille), 2020-05 … 2021-12.
PAYMENTS = (
    (date(2020, 5, 25), 80),
    (date(2020, 7, 24), 120),
    (date(2020, 9, 25), 150),
    (date(2020, 11, 25), 170),
    (date(2021, 3, 25), 150),
    (date(2021, 6, 25), 130),
    (date(2021, 9, 24), 100),
    (date(2021, 12, 10), 60),
)
PAYEES = ("养老服务中心", "居家养老服务公司", "建设工程有限公司", "信息技术有限公司")


@dataclass(frozen=True)
class DemoSource:
    kind: str
    name: str
    yuan: int  # for a city; a county gets half
    use: str = "elderly_care"


SOURCES = (
    DemoSource("central", "中央财政支持居家和社区养老服务改革试点补助资金", 20_000_000),
    DemoSource("local_match", "本级配套试点资金", 20_000_000),
    DemoSource("lottery", "本级留存福利彩票公益金", 6_000_000),
)
PROJECTS = (
    ("facility", "社区日间照料中心建设"),
    ("service_purchase", "政府购买居家养老服务"),
    ("home_adaptation", "特殊困难老年人家庭适老化改造"),
)


def load_demo_funds(stdout: TextIO) -> None:
    admin = User.objects.filter(role=Role.SYSTEM_ADMIN, is_active=True).order_by("pk").first()
    if admin is None:
        stdout.write("试点资金：没有系统管理员账号，跳过演示资金")
        return
    for code, name in PILOT_LOCALITIES.items():
        if not Region.objects.current().filter(code=code).exists():
            continue
        if Source.objects.filter(region_code=code, note=NOTE).exists():
            stdout.write(f"试点资金：{name} 已有演示资金，未改动")
            continue
        _load_locality(admin, code, name, stdout)


def _load_locality(admin: Any, code: str, name: str, stdout: TextIO) -> None:
    region = Region.objects.current().get(code=code)
    scale = 1 if region.level <= 2 else 2  # a county gets half a city's amounts
    targets = list(Region.objects.current().filter(parent_code=code).order_by("code")[:TARGETS])
    if not targets:
        return
    projects = _projects(admin, targets)
    count = 0
    for demo in SOURCES:
        total_fen = demo.yuan * 100 // scale
        source = services.create_source(
            actor=admin,
            data=rules.SourceInput(
                region_code=code,
                kind=demo.kind,
                year=YEAR,
                name=demo.name,
                amount_fen=total_fen,
                received_on=RECEIVED_ON,
                document_no=f"示例〔{YEAR}〕{len(demo.name)}号",
                note=NOTE,
            ),
        )
        # 90 % goes down to the sub-regions' projects; lottery money keeps 20 % for other welfare.
        share_fen = total_fen * 9 // 10 // len(targets)
        for index, target in enumerate(targets):
            allocation = _allocate(admin, source, target.code, projects[target.code], share_fen)
            count += 1 + _pay(admin, allocation, target.name, index)
        if demo.kind == "lottery":
            services.allocate(
                actor=admin,
                source=source,
                data=rules.AllocationInput(
                    region_code=code,
                    amount_fen=total_fen // 10,
                    allocated_on=ALLOCATED_ON,
                    use="other_welfare",
                    note=f"{NOTE}：儿童福利、残疾人事业等",
                ),
            )
    stdout.write(f"试点资金：{name} 演示资金来源 {len(SOURCES)} 笔、下达与支出 {count} 笔")


def _projects(admin: Any, targets: list[Region]) -> dict[str, Project]:
    """One project per sub-region, the kinds taking turns; reused if it exists."""
    found = {}
    for index, target in enumerate(targets):
        category, title = PROJECTS[index % len(PROJECTS)]
        name = f"{target.name}{title}"
        existing = Project.objects.filter(region_code=target.code, name=name).first()
        found[target.code] = existing or services.create_project(
            actor=admin,
            data=rules.ProjectInput(
                region_code=target.code, name=name, category=category, description=NOTE
            ),
        )
    return found


def _allocate(
    admin: Any, source: Source, code: str, project: Project, amount_fen: int
) -> Allocation:
    return services.allocate(
        actor=admin,
        source=source,
        data=rules.AllocationInput(
            region_code=code,
            amount_fen=amount_fen,
            allocated_on=ALLOCATED_ON,
            project_id=project.pk,
            note=NOTE,
        ),
    )


def _pay(admin: Any, allocation: Allocation, place: str, offset: int) -> int:
    # Sub-regions pay at different speeds: the first is ahead, the last behind.
    payments = PAYMENTS[: len(PAYMENTS) - offset]
    for number, (day, per_mille) in enumerate(payments, start=1):
        services.spend(
            actor=admin,
            allocation=allocation,
            data=rules.ExpenditureInput(
                amount_fen=allocation.amount_fen * per_mille // 1000,
                spent_on=day,
                payee=f"{place}{PAYEES[number % len(PAYEES)]}",
                purpose=f"{allocation.project.name if allocation.project else '试点项目'}（第 {number} 期）",
                voucher_no=f"示例-{allocation.pk}-{number:02d}",
            ),
        )
    return len(payments)
