"""Counts per village rolled up to every region above it by code prefix. No Django.

`rollup` turns {village code: {figure: {key: n}}} into the same shape for every region code that
contains a village with counts (township, county, city, province) and "" for the whole country.
Every village adds to exactly one region per level, so a region's counts are the sums over its
subtree and equal a live count over its code range.
"""

from __future__ import annotations

from collections.abc import Mapping

from eldercare.regions.codes import RegionCodeError, ancestor_codes

Counts = dict[str, dict[str, int]]  # figure key → count key → n


def add_counts(into: Counts, counts: Mapping[str, Mapping[str, int]]) -> None:
    for figure, values in counts.items():
        target = into.setdefault(figure, {})
        for key, value in values.items():
            target[key] = target.get(key, 0) + value


def rollup(by_village: Mapping[str, Mapping[str, Mapping[str, int]]]) -> dict[str, Counts]:
    """Each region's counts; a malformed code counts for the whole country only."""
    regions: dict[str, Counts] = {}
    for code, counts in by_village.items():
        try:
            codes = ["", *ancestor_codes(code)]
        except RegionCodeError:
            codes = [""]
        for region in codes:
            add_counts(regions.setdefault(region, {}), counts)
    return regions
