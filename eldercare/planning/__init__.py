"""Facility planning (设施规划): service-circle coverage of villages by elderly-care facilities
(15 minutes in 004; 10 minutes urban / 20 rural in 003), villages without any facility, the
space standard for residential areas (003: 20–30 m² per 100 households new, 15–20 existing),
and the coverage map with the no-basemap fallback.

Owns VillagePoint (where a village lies; residents are located at it), CircleSetting (walking
minutes per region, nearest region wins) and ResidentialArea. Imports regions, accounts (access),
core (audit, normalize), registry (resident counts, the import readers), providers (Facility,
read-only) and governance (IndicatorValue). Emits the governance indicator
`new_residential_areas_without_facilities` (indicators.py). rules/ is pure (no Django).
"""
