"""Benchmark of device-event ingestion (issue 6 part 2) against a real server process.

`python -m benchmarks.ingestion [--devices 2000] [--seconds 20] [--connections 32]
[--server-workers 6] [--batch-size 100]` prints one JSON line.

It prepares a PostgreSQL database (DATABASE_URL, default eldercare_alarms_bench on localhost;
emptied first): N residents each with a bound one-key-call device and one vendor gateway. Then it
starts gunicorn (sync workers) on loopback and drives it with `wrk` (apt-get install wrk), whose
Lua script replays pre-signed requests, each with its own event id, so every request is real work:
- single: one signed event per request, 90 % heartbeats with a battery level and 10 % SOS alarms
  (each alarm also enqueues the escalation task, as in production);
- batch: a gateway batch of --batch-size events per request, same mix.
Figures: requests/s and events/s accepted (counted in the database afterwards, not from wrk),
wrk's latency percentiles, the server processes' CPU seconds (events per server CPU second does
not depend on other load; PostgreSQL's own CPU is not in it), and the load average (the machine
is shared: 2 cores, other engineers' work).
Targets (issue 6): ≥ 2,000 events/s accepted, p99 < 200 ms.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/eldercare_alarms_bench"
VILLAGE = "431102001001"
PORT = 8711

LUA = r"""
local lines = {}
local position = 0
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("number", counter)
end

function init(args)
  local total = tonumber(args[2])
  local index = 0
  for line in io.lines(args[1]) do
    index = index + 1
    if (index % total) + 1 == number then table.insert(lines, line) end
  end
end

function request()
  position = position + 1
  if position > #lines then position = 1 end
  local header, stamp, signature, path, body = lines[position]:match("([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)")
  local headers = {["Content-Type"] = "application/json", ["X-Timestamp"] = stamp,
                   ["X-Signature"] = signature}
  if path:find("batch") then headers["X-Gateway"] = header else headers["X-Device"] = header end
  return wrk.format("POST", path, headers, body)
end
"""


def environment(database: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database,
        "ELDERCARE_TESTING": "1",
        "DJANGO_SETTINGS_MODULE": "eldercare.settings_test",
    }


def prepare(devices: int) -> tuple[list[tuple[str, str]], str]:
    """Migrate, empty and fill the database; (serial, secret) per device and the gateway secret."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from eldercare.alarms.models import Alarm, Device, DeviceEvent, Gateway
    from eldercare.alarms.services.devices import device_secret, gateway_secret
    from eldercare.registry.models import Resident

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE alarms_alarmaction, alarms_notification, alarms_alarm, alarms_deviceevent,"
            " alarms_device, alarms_gateway, alarms_callchainstep, django_q_ormq RESTART IDENTITY"
            " CASCADE"
        )
        cursor.execute("DELETE FROM registry_resident WHERE name LIKE 'bench-%%'")
    residents = Resident.objects.bulk_create(
        Resident(
            id_number=f"B{n:017d}",
            id_number_reversed=f"B{n:017d}"[::-1],
            name=f"bench-{n}",
            name_pinyin="bench",
            name_initials="b",
            sex="F",
            birth_date="1945-01-01",
            region_code=VILLAGE,
        )
        for n in range(devices)
    )
    created = Device.objects.bulk_create(
        Device(
            vendor="bench",
            serial=f"IMEI{n:011d}",
            kind="one_key_call",
            region_code=VILLAGE,
            resident=resident,
            status="active",
        )
        for n, resident in enumerate(residents)
    )
    gateway = Gateway.objects.create(vendor="bench", name="bench", region_code=VILLAGE)
    assert not Alarm.objects.exists() and not DeviceEvent.objects.exists()
    return [(d.serial, device_secret(d)) for d in created], gateway_secret(gateway)


def event(n: int, mode: str, serial: str = "") -> dict:
    body: dict = {"event_id": f"{mode}-{n}", "kind": "sos" if n % 10 == 0 else "heartbeat"}
    if body["kind"] == "heartbeat":
        body["battery"] = 50 + n % 50
    if serial:
        body["serial"] = serial
    return body


def request_lines(
    mode: str, devices: list[tuple[str, str]], gateway: str, count: int, batch: int
) -> list[str]:
    from eldercare.alarms.rules.signing import sign

    stamp = str(int(time.time()))
    lines = []
    for n in range(count):
        if mode == "single":
            serial, secret = devices[n % len(devices)]
            body = json.dumps(event(n, mode), separators=(",", ":"))
            header, path = f"bench/{serial}", "/api/v1/device-events/"
        else:
            events = [
                event(n * batch + k, mode, devices[(n * batch + k) % len(devices)][0])
                for k in range(batch)
            ]
            body = json.dumps({"events": events}, separators=(",", ":"))
            header, path, secret = "bench", "/api/v1/device-events/batch/", gateway
        lines.append("\t".join([header, stamp, sign(secret, stamp, body.encode()), path, body]))
    return lines


# The application and its URLconf are loaded once in the master (on a busy machine the first
# request's imports alone can outlast a worker timeout); workers fork with them warm.
GUNICORN_CONFIG = """
preload_app = True
timeout = 120


def when_ready(server):
    from django.urls import get_resolver

    get_resolver().url_patterns
"""


def start_server(database: str, workers: int, directory: Path) -> subprocess.Popen[bytes]:
    config = directory / "gunicorn.conf.py"
    config.write_text(GUNICORN_CONFIG)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--config",
            str(config),
            "eldercare.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--backlog",
            "2048",
            "--log-level",
            "warning",
        ],
        env=environment(database),
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    import urllib.error
    import urllib.request

    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/v1/device-events/", timeout=2)
        except urllib.error.HTTPError:
            return server  # 405 for GET: the server answers
        except OSError:
            time.sleep(0.5)
    os.killpg(server.pid, signal.SIGKILL)
    sys.exit("gunicorn did not start")


def run_wrk(lines: list[str], seconds: int, connections: int, threads: int) -> dict:
    with tempfile.TemporaryDirectory() as directory:
        script = Path(directory) / "replay.lua"
        data = Path(directory) / "requests.tsv"
        script.write_text(LUA)
        data.write_text("\n".join(lines) + "\n")
        output = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--latency",
                "--timeout",
                "10s",
                "-s",
                str(script),
                f"http://127.0.0.1:{PORT}",
                "--",
                str(data),
                str(threads),
            ],
            capture_output=True,
            text=True,
        )
    if output.returncode:
        sys.exit(f"wrk failed:\n{output.stdout}\n{output.stderr}")
    return parse_wrk(output.stdout)


def _ms(text: str) -> float:
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if text.endswith(unit):
            return round(float(text[: -len(unit)]) * factor, 2)
    return float(text)


def parse_wrk(output: str) -> dict:
    figures: dict = {"non_2xx": 0, "errors": ""}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in ("50%", "75%", "90%", "99%"):
            figures[f"p{parts[0][:-1]}_ms"] = _ms(parts[1])
        elif line.strip().startswith("Requests/sec:"):
            figures["requests_per_s"] = float(parts[1])
        elif "requests in" in line:
            figures["requests"] = int(parts[0])
        elif line.strip().startswith("Non-2xx"):
            figures["non_2xx"] = int(parts[-1])
        elif line.strip().startswith("Socket errors"):
            figures["errors"] = line.strip()
    return figures


def group_cpu_seconds(group: int) -> float:
    """CPU time (user + system) of the live processes of a process group (the server), which
    other load on a shared machine does not inflate, unlike wall-clock rates."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # fields after the name: state, ppid, pgrp, …
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def measure(
    mode: str,
    args: argparse.Namespace,
    devices: list[tuple[str, str]],
    gateway: str,
    server: subprocess.Popen[bytes],
) -> dict:
    from eldercare.alarms.models import Alarm, DeviceEvent

    # Counted as differences: requests still queued in the server when wrk stops finish later.
    events_before, alarms_before = DeviceEvent.objects.count(), Alarm.objects.count()
    per_request = 1 if mode == "single" else args.batch_size
    # Enough distinct requests for the run at well above the target rate; wrk wraps around
    # (answered "duplicate") only if the server is faster than that.
    count = max(1000, int(args.seconds * 6000 / per_request))
    lines = request_lines(mode, devices, gateway, count, args.batch_size)
    load_before = os.getloadavg()[0]
    cpu_before = group_cpu_seconds(server.pid)
    started = time.monotonic()
    connections = args.connections if mode == "single" else args.batch_connections
    figures = run_wrk(lines, args.seconds, connections, args.wrk_threads)
    elapsed = time.monotonic() - started
    server_cpu = group_cpu_seconds(server.pid) - cpu_before
    events = DeviceEvent.objects.count() - events_before
    return {
        "mode": mode,
        "connections": connections,
        "events_per_request": per_request,
        **figures,
        "events_accepted": events,
        "events_accepted_per_s": round(events / elapsed, 1),
        "alarms_opened": Alarm.objects.count() - alarms_before,
        "server_cpu_s": round(server_cpu, 2),
        "events_per_server_cpu_s": round(events / server_cpu, 1) if server_cpu else None,
        "load_average_before": round(load_before, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    # Batches are few and large: as many connections as server workers keeps the latency the
    # server's, not wrk's queue in front of it.
    parser.add_argument("--batch-connections", type=int, default=6)
    parser.add_argument("--server-workers", type=int, default=6)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--mode", choices=["single", "batch", "both"], default="both")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    database = os.environ.get("DATABASE_URL", DEFAULT_DATABASE)
    if not database.startswith("postgres"):
        sys.exit("the ingestion benchmark runs on PostgreSQL (DATABASE_URL=postgres://…)")
    _create_database(database)
    os.environ.update(environment(database))
    devices, gateway = prepare(args.devices)
    from django.db import connection

    connection.close()
    with tempfile.TemporaryDirectory() as directory:
        server = start_server(database, args.server_workers, Path(directory))
        try:
            modes = ["single", "batch"] if args.mode == "both" else [args.mode]
            results = [measure(mode, args, devices, gateway, server) for mode in modes]
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    print(
        json.dumps(
            {
                "benchmark": "ingestion",
                "cores": os.cpu_count(),
                "server_workers": args.server_workers,
                "seconds": args.seconds,
                "devices": args.devices,
                "results": results,
            },
            ensure_ascii=False,
        )
    )


def _create_database(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
