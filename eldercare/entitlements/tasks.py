"""Background work of the entitlements app: the monthly run, in the django-q worker."""

from eldercare.entitlements.runs import execute_run


def run_entitlement_run(run_id: int) -> None:
    """The queued run's body; a second delivery of the same task finds it claimed and returns."""
    execute_run(run_id)
