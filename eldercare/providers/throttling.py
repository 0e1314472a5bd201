"""A per-address limit on the public directory, counted in the cache.

The directory has no login; a crawler must not be able to read it row by row at full speed or
load the database. The window is short: a person searching clicks a few times a minute.
"""

from django.core.cache import cache
from django.http import HttpRequest

from eldercare.applications.throttling import client_address

DIRECTORY_LIMIT = 60
DIRECTORY_WINDOW_SECONDS = 60


def allow_directory_request(request: HttpRequest) -> bool:
    """Count this request; False once the address has used up its requests in the window."""
    key = f"providers:directory:{client_address(request)}"
    if cache.add(key, 1, DIRECTORY_WINDOW_SECONDS):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, DIRECTORY_WINDOW_SECONDS)
        return True
    return count <= DIRECTORY_LIMIT
