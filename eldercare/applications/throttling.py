"""A per-address limit on the public status lookup, counted in the cache.

django-axes guards the login; this page has no login, and guessing the last four ID characters of
a known application number must not be cheap. Every lookup counts, right or wrong. The client
address is taken as axes takes it (X-Real-IP behind the TLS proxy, else REMOTE_ADDR).
With the default local-memory cache each server process counts on its own; a shared cache
(database or Redis) makes the limit exact.
"""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

STATUS_LOOKUP_LIMIT = 10
STATUS_LOOKUP_WINDOW_SECONDS = 600


def client_address(request: HttpRequest) -> str:
    order = getattr(settings, "AXES_IPWARE_META_PRECEDENCE_ORDER", ("REMOTE_ADDR",))
    for key in order:
        value = str(request.META.get(key, "") or "").split(",")[0].strip()
        if value:
            return value
    return "unknown"


def allow_status_lookup(request: HttpRequest) -> bool:
    """Count this lookup; False once the address has used up its lookups in the window."""
    key = f"applications:status-lookup:{client_address(request)}"
    if cache.add(key, 1, STATUS_LOOKUP_WINDOW_SECONDS):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, STATUS_LOOKUP_WINDOW_SECONDS)
        return True
    return count <= STATUS_LOOKUP_LIMIT
