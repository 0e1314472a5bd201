"""What a dashboard figure shows, independent of where its numbers come from. No Django.

A figure's data is a list of categories (the x axis, or the rows of the fallback table) and one
or more series with one point per category. Each point carries the link to the list of records
behind it (the drill-down), so the chart and the table link to exactly the same place.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any


class ChartKind(StrEnum):
    BAR = "bar"  # one or more series side by side
    STACKED_BAR = "stacked_bar"  # series stacked per category (task progress)
    PYRAMID = "pyramid"  # two series mirrored around the axis (men left, women right)
    TARGETS = "targets"  # share of target reached per category, with a line at 100 %


@dataclass(frozen=True)
class Point:
    value: int | float | None
    url: str = ""  # the list of records behind the value; "" when there is none
    text: str = ""  # how the table shows the value when it is not a plain count ("12.5%")

    @property
    def display(self) -> str:
        if self.text:
            return self.text
        if self.value is None:
            return "—"
        if isinstance(self.value, int):
            return f"{self.value:,}"
        return f"{self.value:,.1f}"


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple[Point, ...]
    # A series only the table shows (an amount next to a count would squash the chart's scale).
    plotted: bool = True


@dataclass(frozen=True)
class FigureData:
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    note: str = ""
    empty_text: str = ""  # why there is nothing to show, when there is nothing

    def __post_init__(self) -> None:
        for series in self.series:
            if len(series.points) != len(self.categories):
                raise ValueError(
                    f"series {series.name!r} has {len(series.points)} points "
                    f"for {len(self.categories)} categories"
                )

    @property
    def is_empty(self) -> bool:
        return not self.categories or all(
            not point.value for series in self.series for point in series.points
        )

    def table_rows(self) -> list[tuple[str, list[Point]]]:
        """The accessible fallback: one row per category, one cell per series."""
        return [
            (category, [series.points[index] for series in self.series])
            for index, category in enumerate(self.categories)
        ]

    def without_links(self) -> FigureData:
        """The same numbers for a user who may not open the lists behind them."""
        return replace(
            self,
            series=tuple(
                replace(series, points=tuple(replace(point, url="") for point in series.points))
                for series in self.series
            ),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "categories": list(self.categories),
            "series": [
                {
                    "name": series.name,
                    "plotted": series.plotted,
                    "points": [
                        {"value": point.value, "text": point.display, "url": point.url}
                        for point in series.points
                    ],
                }
                for series in self.series
            ],
            "note": self.note,
            "empty_text": self.empty_text,
        }
