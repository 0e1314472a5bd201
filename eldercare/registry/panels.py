"""Sections that other apps add to the resident page (assessment, entitlements, care visits…).

The registry must not import the apps built on it, so they are named in the RESIDENT_PANELS
setting: each entry is the dotted path of `panel(request, resident) -> str` returning rendered
HTML, or "" when the user may not see it.
"""

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe

from eldercare.registry.models import Resident


def resident_panels(request: HttpRequest, resident: Resident) -> list[SafeString]:
    panels = (import_string(path)(request, resident) for path in settings.RESIDENT_PANELS)
    # Each panel is a rendered template (autoescaped there), not user input.
    return [mark_safe(html) for html in panels if html]
