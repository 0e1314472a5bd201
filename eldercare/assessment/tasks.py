"""Background work of capability assessment, run by the django-q worker."""

from eldercare.assessment.services import refresh_due_dates as _refresh_due_dates


def refresh_due_dates(region_code: str) -> int:
    """After a region's re-assessment period changed: re-date its assessed residents."""
    return _refresh_due_dates(region_code)
