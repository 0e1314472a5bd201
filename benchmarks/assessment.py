"""Benchmark of issue 3: the pure scoring engine, N random valid answer sets per standard, one core.

`python -m benchmarks.assessment [--count 1000000] [--seed 3]` prints one JSON line:
{"mzt039_per_s": …, "gbt42195_per_s": …, "count": …}. Answer sets are generated (seeded, not
timed) in batches so that a million of them never sit in memory at once; only scoring is timed,
in CPU seconds of this process (time.process_time), so other load on the machine does not distort
the per-core rate. No Django: the engine is pure.
"""

import argparse
import json
import random
import time

from eldercare.assessment.scoring import (
    EVENT_KINDS,
    GBT42195,
    MZT039,
    NO_CONDITIONS,
    AnswerSet,
    Conditions,
    Events30d,
    catalogue,
    score,
)

BATCH = 100_000
# Share of answer sets with conditions from the basic-information form (coma, diagnoses, events).
CONDITIONS_SHARE = 0.2


def random_conditions(rng: random.Random) -> Conditions:
    if rng.random() >= CONDITIONS_SHARE:
        return NO_CONDITIONS
    return Conditions(
        coma=rng.random() < 0.05,
        dementia=rng.random() < 0.3,
        psychiatric_disorder=rng.random() < 0.1,
        events_30d=Events30d(**{kind: rng.choice((0, 0, 0, 1, 2)) for kind in EVENT_KINDS}),
    )


def answer_sets(standard: str, count: int, rng: random.Random) -> list[AnswerSet]:
    choices = [
        (item.key, sorted(item.allowed_scores))
        for indicator in catalogue(standard)
        for item in indicator.items
    ]
    return [
        AnswerSet(
            standard,
            {key: rng.choice(scores) for key, scores in choices},
            random_conditions(rng),
        )
        for _ in range(count)
    ]


def rate(standard: str, count: int, rng: random.Random) -> float:
    elapsed = 0.0
    done = 0
    while done < count:
        batch = answer_sets(standard, min(BATCH, count - done), rng)
        start = time.process_time()
        for answers in batch:
            score(answers)
        elapsed += time.process_time() - start
        done += len(batch)
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000, help="answer sets per standard")
    parser.add_argument("--seed", type=int, default=3)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    figures = {
        "mzt039_per_s": round(rate(MZT039, options.count, rng)),
        "gbt42195_per_s": round(rate(GBT42195, options.count, rng)),
        "count": options.count,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
