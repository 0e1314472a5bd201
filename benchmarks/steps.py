"""One benchmark step per process (see harness.py); prints one JSON line with its figures."""

import csv
import json
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from eldercare.accounts.models import Role, User  # noqa: E402
from eldercare.regions.models import Region  # noqa: E402

CITY = "431100000000"
TODAY = date(2026, 11, 23)
BENCH_USER = "bench-city-admin"


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def emit(figures: dict[str, Any]) -> None:
    print(json.dumps({**figures, "peak_rss_mb": peak_rss_mb()}, ensure_ascii=False))


def prepare() -> None:
    if connection.vendor == "postgresql":
        _create_postgres_database()
    call_command("migrate", verbosity=0)
    if not Region.objects.current().filter(code=CITY).exists():
        # Each engine has its own var dir; the division list is fetched once, into the main one.
        source = (
            Path(__file__).resolve().parent.parent / "var" / "datasets" / "china-division-2.7.0"
        )
        call_command("load_regions", str(source), "--only", CITY, "--partial", verbosity=0)
    user, _ = User.objects.get_or_create(username=BENCH_USER)
    user.role, user.region_code = Role.CITY_ADMIN, CITY
    user.save()
    emit({"ok": True})


def _create_postgres_database() -> None:
    import psycopg

    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname="postgres",
        autocommit=True,
    ) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [settings["NAME"]]
        ).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{settings["NAME"]}"')


def generate(rows: str, csv_path: str, xlsx_path: str) -> None:
    from eldercare.demo.synthetic import SyntheticVillage, generate_rows
    from eldercare.demo.writers import write_csv, write_xlsx

    regions = Region.objects.current().within(CITY)
    townships = dict(regions.filter(level=4).values_list("code", "name"))
    villages = [
        SyntheticVillage(code, townships.get(parent, ""), name, locality == "urban")
        for code, name, parent, locality in regions.filter(level=5).values_list(
            "code", "name", "parent_code", "locality"
        )
    ]
    figures = {}
    for path, writer in ((Path(csv_path), write_csv), (Path(xlsx_path), write_xlsx)):
        if not path.exists():
            started = time.perf_counter()
            writer(generate_rows(villages, int(rows), seed=2026, today=TODAY), path)
            figures[path.suffix[1:] + "_seconds"] = round(time.perf_counter() - started, 1)
        figures[path.suffix[1:] + "_mb"] = round(path.stat().st_size / 2**20, 1)
    emit(figures)


def reset() -> None:
    tables = [
        "registry_screeningrecord",
        "registry_residentcontact",
        "registry_residentphone",
        "registry_resident",
        "core_auditevent",
        "bench_raw",
    ]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw")
        if connection.vendor == "postgresql":
            # DELETE would leave a million dead rows in every index for the next run.
            cursor.execute(f"TRUNCATE {', '.join(tables[:-1])} CASCADE")
        else:
            for table in tables[:-1]:
                cursor.execute(f"DELETE FROM {table}")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")
    emit({"ok": True})


def import_file(path: str) -> None:
    from eldercare.registry.importing.pipeline import import_residents

    actor = User.objects.get(username=BENCH_USER)
    started = time.perf_counter()
    result = import_residents(Path(path), actor=actor, dry_run=False, valid_only=True, today=TODAY)
    seconds = time.perf_counter() - started
    emit(
        {
            "rows": result.rows,
            "created": result.created,
            "rejected": result.rejected,
            "seconds": round(seconds, 1),
            "rows_per_second": round(result.rows / seconds),
        }
    )


def insert_limit(path: str) -> None:
    """The same rows, parsed by the csv module and bulk-inserted without any validation."""
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        columns = ", ".join(f"c{i} text" for i in range(len(header)))
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_raw")
            cursor.execute(f"CREATE TABLE bench_raw ({columns})")
        started = time.perf_counter()
        if connection.vendor == "postgresql":
            handle.seek(0)
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(
                    "COPY bench_raw FROM STDIN WITH (FORMAT csv, HEADER true)"
                ) as copy,
            ):
                while chunk := handle.read(1 << 20):
                    copy.write(chunk.lstrip("\ufeff"))
        else:
            marks = ", ".join("?" for _ in header)
            connection.ensure_connection()
            with connection.connection as raw:
                raw.executemany(f"INSERT INTO bench_raw VALUES ({marks})", reader)
        count = _count("bench_raw")
    seconds = time.perf_counter() - started
    emit(
        {
            "rows": count,
            "seconds": round(seconds, 1),
            "rows_per_second": round(count / seconds),
            "method": "COPY"
            if connection.vendor == "postgresql"
            else "executemany, one transaction",
        }
    )


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return int(cursor.fetchone()[0])


def read_limit(path: str) -> None:
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    count = sum(1 for _ in CalamineWorkbook.from_path(path).get_sheet_by_index(0).iter_rows()) - 1
    seconds = time.perf_counter() - started
    emit(
        {
            "rows": count,
            "seconds": round(seconds, 1),
            "rows_per_second": round(count / seconds),
            "method": "python-calamine iter_rows, no validation",
        }
    )


QUERIES = {
    "list (first page)": "/registry/residents/",
    "list page 50": "/registry/residents/?page=50",
    "filter: very old": "/registry/residents/?category=very_old",
    "filter: special difficulty + township": "/registry/residents/?category=special_difficulty&region=431102001000",
    "filter: age 70-75, women, living alone": "/registry/residents/?age_min=70&age_max=75&sex=F&living_arrangement=alone",
    "search: name 王秀": "/registry/residents/?q=王秀",
    "search: initials zxy": "/registry/residents/?q=zxy",
    "search: ID tail 4321": "/registry/residents/?q=4321",
    "search: phone 1391234": "/registry/residents/?q=1391234",
    "api list: very old": "/api/v1/residents/?category=very_old",
    "api search: initials wxy": "/api/v1/residents/?q=wxy",
}


def queries(repeats: str = "40") -> None:
    setup_test_environment()  # the test client's host name, "testserver", becomes allowed
    client = Client()
    client.force_login(User.objects.get(username=BENCH_USER))
    figures: dict[str, Any] = {"residents": _count("registry_resident")}
    for label, url in QUERIES.items():
        timings = []
        for _ in range(int(repeats)):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        timings.sort()
        figures[label] = {
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
        }
    emit(figures)


STEPS = {
    "prepare": prepare,
    "generate": generate,
    "reset": reset,
    "import": import_file,
    "insert-limit": insert_limit,
    "read-limit": read_limit,
    "queries": queries,
}

if __name__ == "__main__":
    STEPS[sys.argv[1]](*sys.argv[2:])
