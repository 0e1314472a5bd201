"""Benchmark of service-circle coverage (issue 7 part 5): the pure computation behind the
coverage report and the map, for a county (~500 villages × ~300 facilities) and a city
(5,000 villages × 3,000 facilities), against the brute-force nearest search it replaces.

`python -m benchmarks.planning_coverage [--repeat 3]` prints one JSON line per size. Points are
generated deterministically (eldercare.planning.rules.placement) around Yongzhou's centre, so
villages cluster by township as real ones do; facilities sit at a random subset of villages,
jittered. Only `assess_villages` and `tally` are timed (the database reads that feed them are one
query per table, measured by the page's query count, not here). `per_cpu_s` divides by this
process's CPU time, which other load on a shared machine does not distort.
"""

import argparse
import json
import os
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from eldercare.core.geo import haversine_m
from eldercare.planning.rules.coverage import CoverageTally, VillageSite, assess_villages, tally
from eldercare.planning.rules.geometry import Point
from eldercare.planning.rules.placement import offset, scatter_villages

T = TypeVar("T")
CENTRE = (26.42, 111.61)
SIZES = {
    "county": {"townships": 20, "villages": 500, "facilities": 300, "spread_m": 35_000},
    "city": {"townships": 200, "villages": 5_000, "facilities": 3_000, "spread_m": 120_000},
}


def _world(size: dict[str, int]) -> tuple[list[VillageSite], list[Point[object]]]:
    per_township = size["villages"] // size["townships"]
    codes = [
        f"431102{t:03d}{v:03d}"
        for t in range(1, size["townships"] + 1)
        for v in range(1, per_township + 1)
    ]
    points = scatter_villages(codes, CENTRE, size["spread_m"])
    rng = random.Random(7)
    villages = [
        VillageSite(code, lat, lng, rng.choice([800.0, 1200.0, 1600.0]), rng.randint(20, 400))
        for code, (lat, lng) in points.items()
    ]
    hosts = rng.sample(codes, size["facilities"])
    facilities: list[Point[object]] = [
        Point(i, *offset(points[code], f"f{i}", 300)) for i, code in enumerate(hosts)
    ]
    return villages, facilities


def _brute(villages: list[VillageSite], facilities: list[Point[object]]) -> int:
    covered = 0
    for v in villages:
        assert v.latitude is not None and v.longitude is not None
        best = min(
            haversine_m(v.latitude, v.longitude, f.latitude, f.longitude) for f in facilities
        )
        covered += best <= v.radius_m
    return covered


def _assess(villages: list[VillageSite], facilities: list[Point[object]]) -> CoverageTally:
    return tally(assess_villages(villages, facilities))


def _timed(function: Callable[..., T], *args: Any) -> tuple[T, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    for name, size in SIZES.items():
        villages, facilities = _world(size)
        runs = [_timed(_assess, villages, facilities) for _ in range(options.repeat)]
        total, wall, cpu = min(runs, key=lambda run: run[2])
        brute_covered, _brute_wall, brute_cpu = _timed(_brute, villages, facilities)
        assert brute_covered == total.covered, "grid index disagrees with brute force"
        print(
            json.dumps(
                {
                    "benchmark": "planning_coverage",
                    "size": name,
                    "villages": len(villages),
                    "facilities": len(facilities),
                    "covered": total.covered,
                    "grid_wall_s": round(wall, 4),
                    "grid_cpu_s": round(cpu, 4),
                    "villages_per_cpu_s": round(len(villages) / cpu) if cpu else None,
                    "brute_force_cpu_s": round(brute_cpu, 4),
                    "speed_up": round(brute_cpu / cpu, 1) if cpu else None,
                    "load_average": os.getloadavg()[0],
                }
            )
        )


if __name__ == "__main__":
    main()
