"""Benchmark of the monthly entitlement run (issue 4 part 3): N residents, end to end.

`python -m benchmarks.entitlements [--residents 100000] [--batch-size 2000]` prints one JSON line.
It builds a throwaway SQLite database under var/bench/entitlements (ELDERCARE_VAR_DIR; with
DATABASE_URL set, that PostgreSQL database instead, emptied first), then, not timed: loads the
shipped rule file of 永州市 (431100), registers N residents over 11 counties × 10 townships × 10
villages with category rates in the range of the civil-affairs statistics (about one in five is
entitled to something), gives 15 % of them a current capability assessment and 1 % an individual
grant. Timed: the run of November for the whole city, as the command runs it (start, evaluate
every active resident, credit through the ledger's bulk path, report per township), the same
run again (which credits nothing), and December's run (which first sweeps November's unused
credit, then credits into the accounts opened in November). The books are checked: the report per township equals the
ledger's credits of the month, every entitled resident has exactly their credits.
"""

import argparse
import json
import os
import random
import resource
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("ELDERCARE_VAR_DIR", str(ROOT / "var" / "bench" / "entitlements"))
os.environ.setdefault("ELDERCARE_TESTING", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eldercare.settings")

CITY = "431100000000"
COUNTIES = [f"4311{county:02d}" for county in range(2, 13)]
VILLAGES = [
    f"{county}{township:03d}{village:03d}"
    for county in COUNTIES
    for township in range(1, 11)
    for village in range(1, 11)
]
MONTH = date(2026, 11, 1)
SHANGHAI = ZoneInfo("Asia/Shanghai")
ECONOMIC = [
    ("general", 78),
    ("", 2),
    ("dibao", 8),
    ("marginal", 3),
    ("destitute", 3),
    ("poverty_alleviated", 6),
]
LIVING = [
    ("with_children", 52),
    ("empty_nest", 22),
    ("alone", 11),
    ("left_behind", 5),
    ("with_relatives", 6),
    ("institutional", 2),
    ("other", 2),
]
FAMILY_PLANNING = [("none", 96), ("bereaved", 2), ("disabled_child", 2)]
GRADES = [(None, 90), (1, 2), (2, 3), (3, 2), (4, 3)]


def table(pairs: list[tuple[object, int]]) -> list[object]:
    return [value for value, weight in pairs for _ in range(weight)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    import django

    if not os.environ.get("DATABASE_URL"):
        var_dir = Path(os.environ["ELDERCARE_VAR_DIR"])
        var_dir.mkdir(parents=True, exist_ok=True)
        for stale in var_dir.glob("eldercare.sqlite3*"):
            stale.unlink()
    django.setup()

    import time_machine
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, Sum

    from eldercare.entitlements.documents import load_shipped_policies
    from eldercare.entitlements.ledger import SystemActor
    from eldercare.entitlements.models import CREDIT_CAUSES, Transfer
    from eldercare.entitlements.runs import execute_run, start_monthly_run
    from eldercare.regions.codes import subtree_range

    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)

    with time_machine.travel(datetime(2026, 11, 2, 1, tzinfo=SHANGHAI), tick=True):
        started = time.perf_counter()
        load_shipped_policies(only=[CITY])
        register(args.residents, random.Random(args.seed))
        setup_seconds = time.perf_counter() - started
        actor = SystemActor("benchmark")

        started, cpu = time.perf_counter(), time.process_time()
        run = start_monthly_run(actor=actor, region_code=CITY, month=MONTH, background=False)
        run = execute_run(run.pk, batch_size=args.batch_size)
        run_seconds = time.perf_counter() - started
        run_cpu = time.process_time() - cpu
        assert run is not None

        started = time.perf_counter()
        rerun = start_monthly_run(actor=actor, region_code=CITY, month=MONTH, background=False)
        rerun = execute_run(rerun.pk, batch_size=args.batch_size)
        rerun_seconds = time.perf_counter() - started
        assert rerun is not None

    with time_machine.travel(datetime(2026, 12, 2, 1, tzinfo=SHANGHAI), tick=True):
        started = time.perf_counter()
        december = start_monthly_run(
            actor=actor, region_code=CITY, month=date(2026, 12, 1), background=False
        )
        december = execute_run(december.pk, batch_size=args.batch_size)
        december_seconds = time.perf_counter() - started
        assert december is not None

    townships = run.report["townships"]
    credits = Transfer.objects.filter(cause__in=CREDIT_CAUSES, month=MONTH)
    by_township = {
        row["township"]: row["total"]
        for row in credits.extra(select={"township": "substr(region_code, 1, 9)"})
        .values("township")
        .annotate(total=Sum("amount_fen"))
    }
    low, high = subtree_range(CITY)
    per_resident = credits.values("resident_id").annotate(n=Count("id"))
    checks = {
        "status": run.status,
        "rerun_written": rerun.report.get("written", 0),
        "report_equals_ledger": all(
            figures["amount_fen"] == by_township.get(code[:9], 0)
            for code, figures in townships.items()
        )
        and sum(f["amount_fen"] for f in townships.values())
        == (
            credits.filter(region_code__gte=low, region_code__lte=high).aggregate(
                total=Sum("amount_fen")
            )["total"]
            or 0
        ),
        "entitled_equals_credited_residents": sum(f["entitled"] for f in townships.values())
        == per_resident.count(),
    }
    entitled = sum(f["entitled"] for f in townships.values())
    written = run.report.get("written", 0)
    ok = (
        run.status == "done"
        and rerun.status == "done"
        and december.status == "done"
        and checks["rerun_written"] == 0
        and checks["report_equals_ledger"]
        and checks["entitled_equals_credited_residents"]
    )
    result = {
        "benchmark": "entitlements",
        "engine": connection.vendor,
        "residents": args.residents,
        "batch_size": args.batch_size,
        "entitled": entitled,
        "credits": written,
        "amount_yuan": round(sum(f["amount_fen"] for f in townships.values()) / 100),
        "setup_seconds": round(setup_seconds, 1),
        "run_seconds": round(run_seconds, 2),
        "residents_per_s": round(args.residents / run_seconds),
        "credits_per_s": round(written / run_seconds),
        "run_cpu_seconds": round(run_cpu, 2),
        "residents_per_cpu_s": round(args.residents / run_cpu),
        "rerun_seconds": round(rerun_seconds, 2),
        # The next month: November's unused credit swept first, then credited (accounts exist).
        "next_month_seconds": round(december_seconds, 2),
        "next_month_swept_lots": december.expiry.get("lots", 0),
        "next_month_credits": december.report.get("written", 0),
        "load_average": round(os.getloadavg()[0], 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        **checks,
    }
    print(json.dumps(result, ensure_ascii=False))
    if not ok:
        sys.exit(f"benchmark books do not add up: {checks}")


def register(count: int, rng: random.Random) -> None:
    """N residents, their current assessments (15 %) and grants (1 %), written directly."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from eldercare.assessment.models import Assessment
    from eldercare.core.db import insert_rows
    from eldercare.entitlements.models import Entitlement
    from eldercare.registry.models import Resident

    economic, living = table(ECONOMIC), table(LIVING)
    family_planning, grades = table(FAMILY_PLANNING), table(GRADES)
    now = timezone.now()
    user = get_user_model().objects.create_user(
        username="bench", password="bench-pass-2026", role="system_admin"
    )
    chunk = 20_000
    for start in range(0, count, chunk):
        rows = []
        for n in range(start, min(count, start + chunk)):
            birth = date(1926, 1, 1) + timedelta(days=rng.randrange(0, 40 * 365))
            number = f"4311{n:08d}{birth:%y%m%d}"  # unique, ID-shaped (18 characters)
            grade = rng.choice(grades)
            rows.append(
                {
                    "id_number": number,
                    "id_number_reversed": number[::-1],
                    "name": "老人",
                    "name_pinyin": "laoren",
                    "name_initials": "lr",
                    "sex": "F" if n % 2 else "M",
                    "birth_date": birth,
                    "region_code": VILLAGES[n % len(VILLAGES)],
                    "residence_type": "local",
                    "living_arrangement": rng.choice(living),
                    "economic_status": rng.choice(economic),
                    "family_planning_status": rng.choice(family_planning),
                    "disability_type": "physical" if grade else "",
                    "disability_grade": grade,
                    "status": "active" if n % 50 else "moved_out",
                    "status_date": None if n % 50 else date(2026, 1, 1),
                    "created_at": now,
                    "updated_at": now,
                }
            )
        insert_rows(Resident, rows)
    ids = list(Resident.objects.order_by("pk").values_list("pk", "region_code"))
    assessed = [pk for pk, _ in ids if rng.random() < 0.15]
    for start in range(0, len(assessed), chunk):
        insert_rows(
            Assessment,
            [
                {
                    "resident_id": pk,
                    "region_code": "431102001001",
                    "standard": "mzt039-2013" if pk % 3 else "gbt42195-2022",
                    "status": "finished",
                    "assessed_on": date(2026, 6, 1),
                    "place": "home",
                    "reason": "first",
                    "first_assessor_name": "甲",
                    "second_assessor_name": "乙",
                    "level": rng.choice([0, 0, 1, 1, 2, 3]),
                    "finished_at": now,
                    "created_by_id": user.pk,
                    "created_at": now,
                }
                for pk in assessed[start : start + chunk]
            ],
        )
    write_current_assessments()
    grants = [pk for pk, _ in ids if rng.random() < 0.01]
    for start in range(0, len(grants), chunk):
        insert_rows(
            Entitlement,
            [
                {
                    "resident_id": pk,
                    "kind": "monthly_service_credit" if pk % 2 else "care_subsidy",
                    "amount_fen": 5_000,
                    "items": ["meal"] if pk % 2 else None,
                    "first_month": date(2026, 10, 1),
                    "last_month": None,
                    "reason": "申请批准",
                    "source_reference": f"application:{pk}",
                    "status": "active",
                    "granted_by_username": "bench",
                    "created_at": now,
                }
                for pk in grants[start : start + chunk]
            ],
        )


def write_current_assessments() -> None:
    """One CurrentAssessment per assessed resident (its primary key is the resident's id)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO assessment_currentassessment "
            "(resident_id, assessment_id, standard, level, assessed_on, due_on) "
            "SELECT resident_id, id, standard, level, assessed_on, %s FROM assessment_assessment",
            [date(2027, 6, 1)],
        )


if __name__ == "__main__":
    main()
