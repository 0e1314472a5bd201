"""Benchmarks: screening import next to its physical limit, list and search on 1M rows (issue 2),
and the assessment scoring engine (issue 3).

Each measurement runs in its own process so its peak RSS is its own. Figures are printed and
written to benchmarks/results/latest.json.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
RESULTS = ROOT / "benchmarks" / "results"
CITY = "431100000000"  # 永州市: 11 counties, 3,541 villages in the 2023 list
TODAY = date(2026, 11, 23)


def step(*args: str, database: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "ELDERCARE_TESTING": "1",
        "DJANGO_SETTINGS_MODULE": "eldercare.settings_test",
    }
    if database.startswith("sqlite"):
        env.pop("DATABASE_URL")
        env["ELDERCARE_VAR_DIR"] = str(WORK / "sqlite")
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.steps", *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if output.returncode:
        sys.exit(f"step {args[0]} failed:\n{output.stderr}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = int(
        next(
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kb / 2**20, 1),
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d"),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres", required=True)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument(
        "--only",
        choices=["sqlite", "postgresql"],
        help="one engine; its earlier figures in latest.json are kept",
    )
    parser.add_argument(
        "--skip-import",
        action="store_true",
        help="reuse the database of the last run: limits and queries only",
    )
    options = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "sqlite").mkdir(exist_ok=True)
    csv_path = WORK / f"residents-{options.rows}.csv"
    xlsx_path = WORK / f"residents-{options.rows}.xlsx"
    databases = {"sqlite": "sqlite"}
    if not options.skip_postgres:
        databases["postgresql"] = options.postgres
    if options.only:
        databases = {options.only: databases[options.only]}
    latest = RESULTS / "latest.json"
    results: dict = json.loads(latest.read_text()) if latest.exists() else {}
    if results.get("rows") != options.rows:
        results = {"rows": options.rows, "engines": {}}
    results["machine"] = machine()
    print(f"machine: {results['machine']}", flush=True)

    first = next(iter(databases.values()))
    step("prepare", database=first)
    results["generate"] = step(
        "generate", str(options.rows), str(csv_path), str(xlsx_path), database=first
    )
    print(f"generate: {results['generate']}", flush=True)
    for engine, database in databases.items():
        figures: dict = results["engines"].setdefault(engine, {})
        step("prepare", database=database)
        if not options.skip_import:
            for kind, path in (("csv", csv_path), ("xlsx", xlsx_path)):
                step("reset", database=database)
                figures[f"{kind}_import"] = step("import", str(path), database=database)
                print(f"{engine} {kind} import: {figures[f'{kind}_import']}", flush=True)
        figures["csv_limit"] = step("insert-limit", str(csv_path), database=database)
        print(f"{engine} csv physical limit: {figures['csv_limit']}", flush=True)
        figures["queries"] = step("queries", database=database)
        print(f"{engine} list/search: {figures['queries']}", flush=True)
        _save(results)
    results["xlsx_limit"] = step("read-limit", str(xlsx_path), database=first)
    print(f"xlsx physical limit (bare calamine read): {results['xlsx_limit']}", flush=True)
    results["assessment_engine"] = _assessment_engine(options.rows)
    print(f"assessment engine: {results['assessment_engine']}", flush=True)
    _save(results)


def _assessment_engine(count: int) -> dict:
    """The pure scoring engine (issue 3): no database, CPU time of one process."""
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.assessment", "--count", str(count)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def _save(results: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"written {RESULTS / 'latest.json'}", flush=True)


if __name__ == "__main__":
    main()
