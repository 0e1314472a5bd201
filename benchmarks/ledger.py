"""Benchmark of the subsidy ledger's bulk paths (issue 4): the monthly credit and the expiry run.

`python -m benchmarks.ledger [--residents 100000] [--batch-size 1000]` prints one JSON line.
It builds a throwaway SQLite database under var/bench/ledger (ELDERCARE_VAR_DIR), registers N
residents in one county (not timed), then times:
- `credit_residents_bulk` for all of them (one transfer, one lot, two entries each, plus the
  resident accounts opened on the way; one balance UPDATE per batch);
- the same run again, which skips every resident (the rerun after a crash);
- `expire_credit` sweeping all the lots at the month's end (one transfer and two entries each).
`rows_per_s` counts inserted rows (transfers, lots, entries, accounts) per second of wall time;
the `*_per_cpu_s` figures divide by this process's CPU time (SQLite runs in-process), which other
load on a shared machine does not distort (`load_average` says how busy it was).
With DATABASE_URL set it runs against that PostgreSQL database instead (which it empties first).
"""

import argparse
import json
import os
import resource
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("ELDERCARE_VAR_DIR", str(ROOT / "var" / "bench" / "ledger"))
os.environ.setdefault("ELDERCARE_TESTING", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eldercare.settings")

COUNTY = "431102000000"
VILLAGES = [f"431102{township:03d}{village:03d}" for township in (1, 2, 3) for village in (1, 2, 3)]
MONTH = date(2026, 10, 1)
MONTH_END = date(2026, 10, 31)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=1_000)
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

    from eldercare.entitlements import ledger
    from eldercare.entitlements.models import CreditLot, LedgerAccount, LedgerEntry, Transfer

    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)

    with time_machine.travel(datetime(2026, 10, 20, 10, tzinfo=SHANGHAI), tick=True):
        fund = ledger.open_fund(
            actor=ledger.SYSTEM,
            region_code=COUNTY,
            source="county_finance",
            name="县级财政（基准测试）",
            allows_negative=True,
        )
        ids = register_residents(args.residents)
        credits = [(pk, 6_000, ["meal", "ZY-001"] if pk % 3 else None, MONTH_END) for pk in ids]

        started, cpu = time.perf_counter(), time.process_time()
        first = ledger.credit_residents_bulk(
            actor=ledger.SYSTEM,
            fund=fund,
            month=MONTH,
            credits=credits,
            reference_prefix="credit:2026-10:service",
            batch_size=args.batch_size,
        )
        credit_seconds = time.perf_counter() - started
        credit_cpu = time.process_time() - cpu

        started = time.perf_counter()
        rerun = ledger.credit_residents_bulk(
            actor=ledger.SYSTEM,
            fund=fund,
            month=MONTH,
            credits=credits,
            reference_prefix="credit:2026-10:service",
            batch_size=args.batch_size,
        )
        rerun_seconds = time.perf_counter() - started

    with time_machine.travel(datetime(2026, 11, 1, 0, 30, tzinfo=SHANGHAI), tick=True):
        started, cpu = time.perf_counter(), time.process_time()
        expired = ledger.expire_credit(on=date(2026, 11, 1), batch_size=args.batch_size)
        expiry_seconds = time.perf_counter() - started
        expiry_cpu = time.process_time() - cpu

    inserted = (
        Transfer.objects.filter(cause="monthly_credit").count()
        + CreditLot.objects.count()
        + LedgerEntry.objects.filter(transfer__cause="monthly_credit").count()
        + LedgerAccount.objects.filter(kind="resident").count()
    )
    fund.refresh_from_db()
    checks = {
        "credited": first.credited,
        "rerun_skipped": rerun.skipped,
        "expired_lots": expired.lots,
        "fund_balance_ok": fund.balance_fen == -first.amount_fen,
        "entries_sum_zero": sum(LedgerEntry.objects.values_list("amount_fen", flat=True)) == 0,
    }
    if not (
        first.credited == rerun.skipped == expired.lots == args.residents
        and checks["fund_balance_ok"]
        and checks["entries_sum_zero"]
    ):
        sys.exit(f"benchmark books do not add up: {checks}")
    print(
        json.dumps(
            {
                "benchmark": "ledger",
                "engine": connection.vendor,
                "residents": args.residents,
                "batch_size": args.batch_size,
                "credit_seconds": round(credit_seconds, 2),
                "credits_per_s": round(args.residents / credit_seconds),
                "rows_per_s": round(inserted / credit_seconds),
                "credit_cpu_seconds": round(credit_cpu, 2),
                "credits_per_cpu_s": round(args.residents / credit_cpu),
                "rows_per_cpu_s": round(inserted / credit_cpu),
                "rerun_seconds": round(rerun_seconds, 2),
                "rerun_per_s": round(args.residents / rerun_seconds),
                "expiry_seconds": round(expiry_seconds, 2),
                "expiries_per_s": round(args.residents / expiry_seconds),
                "expiries_per_cpu_s": round(args.residents / expiry_cpu),
                "load_average": round(os.getloadavg()[0], 1),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                **checks,
            },
            ensure_ascii=False,
        )
    )


def register_residents(count: int) -> list[int]:
    """N residents written directly (not timed): unique ID-shaped numbers, 9 villages."""
    from eldercare.registry.models import Resident

    batch = []
    for n in range(count):
        birth = date(1930, 1, 1) + timedelta(days=n // 1000)
        number = f"431102{birth:%Y%m%d}{n % 1000:03d}X"
        batch.append(
            Resident(
                id_number=number,
                id_number_reversed=number[::-1],
                name="老人",
                name_pinyin="laoren",
                name_initials="lr",
                sex="F",
                birth_date=birth,
                region_code=VILLAGES[n % len(VILLAGES)],
            )
        )
    Resident.objects.bulk_create(batch, batch_size=5_000)
    return list(Resident.objects.order_by("pk").values_list("pk", flat=True))


if __name__ == "__main__":
    main()
