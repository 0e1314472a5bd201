"""Which walking time applies to a village: the nearest region with a setting wins.

004 asks for a 15-minute service circle; 003 (Lianyungang) for 10 minutes in towns and 20 in the
countryside. A setting names both times (they may be equal) and the walking speed; a village
takes the setting of its own code, else its township's, county's, city's, province's, else the
national default. A village whose urban/rural class is unknown gets the shorter of the two times,
so an unknown never makes coverage look better than it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from eldercare.planning.rules.geometry import DEFAULT_SPEED_M_PER_MIN, walking_radius_m
from eldercare.regions.codes import ancestor_codes

URBAN = "urban"
RURAL = "rural"


@dataclass(frozen=True)
class CircleRule:
    urban_minutes: int
    rural_minutes: int
    speed_m_per_min: int = DEFAULT_SPEED_M_PER_MIN
    region_code: str = ""  # "" = the national default

    def minutes_for(self, locality: str) -> int:
        if locality == URBAN:
            return self.urban_minutes
        if locality == RURAL:
            return self.rural_minutes
        return min(self.urban_minutes, self.rural_minutes)

    def radius_m(self, locality: str) -> float:
        return walking_radius_m(self.minutes_for(locality), self.speed_m_per_min)


NATIONAL_DEFAULT = CircleRule(urban_minutes=15, rural_minutes=15)


def rule_for(village_code: str, rules: Mapping[str, CircleRule]) -> CircleRule:
    """The rule of the nearest enclosing region (the village itself first) that has one."""
    for code in reversed(ancestor_codes(village_code)):
        if code in rules:
            return rules[code]
    return NATIONAL_DEFAULT
