from typing import Any

from django.conf import settings
from django.http import HttpRequest


def map_tiles(request: HttpRequest) -> dict[str, Any]:
    """The basemap every map page uses (map.js); empty means points on a plain background."""
    return {
        "map_tile_url": settings.MAP_TILE_URL,
        "map_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
