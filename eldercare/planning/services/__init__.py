"""Use cases of facility planning; pages, API and commands call these, never the models."""

from eldercare.planning.services.areas import (
    AREA_COLUMNS,
    AREA_NOTES,
    delete_residential_area,
    import_residential_areas,
    save_residential_area,
)
from eldercare.planning.services.circles import delete_circle_setting, save_circle_setting
from eldercare.planning.services.common import ImportOutcome
from eldercare.planning.services.locations import (
    POINT_COLUMNS,
    POINT_NOTES,
    generate_village_points,
    import_village_points,
    save_village_point,
)

__all__ = [
    "AREA_COLUMNS",
    "AREA_NOTES",
    "POINT_COLUMNS",
    "POINT_NOTES",
    "ImportOutcome",
    "delete_circle_setting",
    "delete_residential_area",
    "generate_village_points",
    "import_residential_areas",
    "import_village_points",
    "save_circle_setting",
    "save_residential_area",
    "save_village_point",
]
