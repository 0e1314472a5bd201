"""Which list entry applies to an item code: a pure rule, no Django.

For every item code, the entry of the list nearest to the place wins: a county list overrides a
city list, a city list a provincial one, any regional list the national one (region ""). Two
lists of the same region (e.g. its "6+X" list and its government purchase list) are ranked by
kind: the later kind in the precedence order wins.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from eldercare.regions.codes import level_of

T = TypeVar("T")


@dataclass(frozen=True)
class Candidate(Generic[T]):
    item_code: str
    region_code: str  # "" for the national list
    kind_rank: int
    value: T


def depth(region_code: str) -> int:
    """0 for the national list, 1 (province) … 5 (village) for a region."""
    return 0 if region_code == "" else int(level_of(region_code))


def resolve(candidates: Iterable[Candidate[T]]) -> dict[str, T]:
    """Item code → the value of the winning candidate (deepest region, then highest kind rank)."""
    best: dict[str, tuple[tuple[int, int], T]] = {}
    for candidate in candidates:
        rank = (depth(candidate.region_code), candidate.kind_rank)
        current = best.get(candidate.item_code)
        if current is None or rank > current[0]:
            best[candidate.item_code] = (rank, candidate.value)
    return {code: value for code, (_, value) in best.items()}
