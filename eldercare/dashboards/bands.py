"""The five-year age bands of the population pyramid. No Django."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AgeBand:
    low: int
    high: int | None  # None: open-ended ("100 and over")

    @property
    def key(self) -> str:
        return f"{self.low}-{self.high}" if self.high is not None else f"{self.low}+"


PYRAMID_START = 60
PYRAMID_OPEN_FROM = 100
AGE_BANDS = (
    *(AgeBand(low, low + 4) for low in range(PYRAMID_START, PYRAMID_OPEN_FROM, 5)),
    AgeBand(PYRAMID_OPEN_FROM, None),
)
