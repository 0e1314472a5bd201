"""Benchmark of the leadership dashboard (issue 7 part 6): 1,000,000 residents of 永州市, one
refresh, then the page and its JSON API for the city, a county and a village.

`python -m benchmarks.dashboard [--rows 1000000] [--postgres URL] [--requests 20] [--only ENGINE]
[--skip-import | --bulk-insert]` prints one JSON line per engine and a summary. The residents are
generated as benchmarks/harness.py does it (the same synthetic CSV and seed) and imported with
`benchmarks.steps` (prepare, reset, import) into databases of their own (var/bench/dashboard for
SQLite, eldercare_bench_dashboard on PostgreSQL); `--bulk-insert` writes the same rows straight
into the residents table instead, minutes instead of the validating import's half hour on a busy
machine (the dashboard reads residents only). Each engine's measurement runs in its own process:
the refresh's duration, then wall-clock timings through the Django test client logged in as the
city administrator (p50 / p95 / max over --requests requests after one warm-up).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench" / "dashboard"
CITY = "431100000000"
COUNTY = "431102000000"  # 零陵区
PG_DATABASE = "eldercare_bench_dashboard"


def _env(database: str) -> dict[str, str]:
    env = {
        **os.environ,
        "ELDERCARE_TESTING": "1",
        "DJANGO_SETTINGS_MODULE": "eldercare.settings_test",
    }
    if database == "sqlite":
        env.pop("DATABASE_URL", None)
        env["ELDERCARE_VAR_DIR"] = str(WORK / "sqlite")
    else:
        env["DATABASE_URL"] = database
    return env


def _run(module: str, *args: str, database: str) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, "-m", module, *args],
        env=_env(database),
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if output.returncode:
        sys.exit(f"{module} {args[:1]} failed:\n{output.stderr}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def _postgres_url(base: str) -> str:
    return base.rsplit("/", 1)[0] + "/" + PG_DATABASE


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres", help="a PostgreSQL URL (scripts/ensure-postgres)")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--skip-import", action="store_true", help="reuse the imported residents")
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument(
        "--bulk-insert",
        action="store_true",
        help="write the generated rows straight into the table instead of the validating import",
    )
    options = parser.parse_args()
    (WORK / "sqlite").mkdir(parents=True, exist_ok=True)
    csv_path = WORK / f"residents-{options.rows}.csv"
    engines = {"sqlite": "sqlite"}
    if options.postgres:
        engines["postgresql"] = _postgres_url(options.postgres)
    if options.only:
        engines = {options.only: engines[options.only]}
    results: dict[str, Any] = {"rows": options.rows, "requests": options.requests, "engines": {}}
    for engine, database in engines.items():
        _run("benchmarks.steps", "prepare", database=database)
        if not csv_path.exists():
            results["generate"] = _run(
                "benchmarks.dashboard",
                "generate-csv",
                str(options.rows),
                str(csv_path),
                database=database,
            )
        if options.bulk_insert and not options.skip_import:
            results["engines"].setdefault(engine, {})["bulk_insert"] = _run(
                "benchmarks.dashboard", "bulk-residents", str(csv_path), database=database
            )
        elif not options.skip_import:
            _run("benchmarks.steps", "reset", database=database)
            results["engines"].setdefault(engine, {})["import"] = _run(
                "benchmarks.steps", "import", str(csv_path), database=database
            )
        figures = _run("benchmarks.dashboard", "measure", str(options.requests), database=database)
        results["engines"].setdefault(engine, {}).update(figures)
        print(json.dumps({engine: results["engines"][engine]}, ensure_ascii=False), flush=True)
    print(json.dumps(results, ensure_ascii=False, indent=2))


def percentiles(timings: list[float]) -> dict[str, float]:
    ordered = sorted(timings)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95 + 0.5) - 1)], 1),
        "max_ms": round(ordered[-1], 1),
    }


def timed(call: Any) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def generate_csv(rows: str, csv_path: str) -> None:
    """The synthetic screening sheet of benchmarks.steps.generate, CSV only (same seed)."""
    from benchmarks.steps import TODAY, emit
    from eldercare.demo.synthetic import SyntheticVillage, generate_rows
    from eldercare.demo.writers import write_csv
    from eldercare.regions.models import Region

    regions = Region.objects.current().within(CITY)
    townships = dict(regions.filter(level=4).values_list("code", "name"))
    villages = [
        SyntheticVillage(code, townships.get(parent, ""), name, locality == "urban")
        for code, name, parent, locality in regions.filter(level=5).values_list(
            "code", "name", "parent_code", "locality"
        )
    ]
    started = time.perf_counter()
    write_csv(generate_rows(villages, int(rows), seed=2026, today=TODAY), Path(csv_path))
    emit({"csv_seconds": round(time.perf_counter() - started, 1)})


def measure(requests: str) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from benchmarks.steps import BENCH_USER, emit
    from eldercare.accounts.models import User
    from eldercare.dashboards.models import RefreshReason, RegionCounts
    from eldercare.dashboards.services.refresh import refresh_counts
    from eldercare.registry.models import Resident

    residents = Resident.objects.count()
    started = time.perf_counter()
    refresh = refresh_counts(reason=RefreshReason.COMMAND)
    refresh_seconds = time.perf_counter() - started
    village = (
        Resident.objects.filter(region_code__startswith=COUNTY[:6])
        .order_by("region_code")
        .values_list("region_code", flat=True)
        .first()
    )
    setup_test_environment()  # the test client's host name, "testserver", becomes allowed
    client = Client()
    client.force_login(User.objects.get(username=BENCH_USER))
    figures: dict = {
        "vendor": connection.vendor,
        "residents": residents,
        "refresh_seconds": round(refresh_seconds, 1),
        "regions_stored": refresh.regions,
        "count_rows": RegionCounts.objects.filter(refresh=refresh).count(),
    }
    for label, region in (("city", CITY), ("county", COUNTY), ("village", village)):
        for kind, path in (("page", "/dashboard/"), ("api", "/api/v1/dashboard/")):
            url = f"{path}?region={region}"

            def get(url: str = url) -> None:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            get()  # warm-up: templates, the figure registry, connections
            timings = [timed(get) for _ in range(int(requests))]
            figures[f"{kind} {label}"] = percentiles(timings)
    emit(figures)


def bulk_residents(csv_path: str) -> None:
    """The generated rows written straight into the residents table (no validation, no phones,
    contacts or screenings): the dashboard reads residents only, and this takes a minute where
    the validating import takes many on a busy machine."""
    import csv
    from datetime import date

    from django.db import connection

    from benchmarks.steps import emit
    from eldercare.registry import choices
    from eldercare.registry.models import Resident

    by_label = {
        field: {str(label): value for value, label in choice.choices}
        for field, choice in (
            ("sex", choices.Sex),
            ("living_arrangement", choices.LivingArrangement),
            ("economic_status", choices.EconomicStatus),
            ("family_planning_status", choices.FamilyPlanningStatus),
            ("disability_type", choices.DisabilityType),
            ("medical_insurance", choices.MedicalInsurance),
        )
    }
    grades = {str(label): value for value, label in choices.DisabilityGrade.choices}
    columns = {
        "sex": "性别",
        "living_arrangement": "居住状况",
        "economic_status": "经济状况",
        "family_planning_status": "计生特殊家庭",
        "disability_type": "残疾类别",
        "medical_insurance": "医保类型",
    }
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM registry_resident")
    started = time.perf_counter()
    batch: list[Resident] = []
    count = 0
    with Path(csv_path).open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            number = row["公民身份号码"]
            values = {
                field: by_label[field].get(row[label], "") for field, label in columns.items()
            }
            batch.append(
                Resident(
                    id_number=number,
                    id_number_reversed=number[::-1],
                    name=row["姓名"],
                    birth_date=date.fromisoformat(row["出生日期"]),
                    region_code=row["所属区划代码"],
                    disability_grade=grades.get(row["残疾等级"])
                    if values["disability_type"]
                    else None,
                    **{
                        **values,
                        "family_planning_status": values["family_planning_status"] or "none",
                    },
                )
            )
            if len(batch) == 5_000:
                Resident.objects.bulk_create(batch)
                count += len(batch)
                batch = []
    Resident.objects.bulk_create(batch)
    count += len(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE registry_resident")
    emit({"rows": count, "seconds": round(time.perf_counter() - started, 1)})


STEPS = {"generate-csv": generate_csv, "measure": measure, "bulk-residents": bulk_residents}

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in STEPS:
        import django

        django.setup()
        STEPS[sys.argv[1]](*sys.argv[2:])
    else:
        main()
