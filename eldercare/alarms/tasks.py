"""Background work of emergency calls, run by the django-q worker.

`run_escalations` is enqueued whenever alarms are opened and scheduled every minute
(`ensure_schedule`, called after migrate), so a restarted worker resumes every pending chain.
"""

from django.db import transaction
from django_q.models import Schedule

from eldercare.alarms.services.escalation import run_loop

SCHEDULE_NAME = "alarms: escalate call chains"
TASK = "eldercare.alarms.tasks.run_escalations"


def run_escalations() -> int:
    return run_loop()


def ensure_schedule() -> None:
    with transaction.atomic():
        Schedule.objects.update_or_create(
            name=SCHEDULE_NAME,
            defaults={
                "func": TASK,
                "schedule_type": Schedule.MINUTES,
                "minutes": 1,
                "repeats": -1,
            },
        )
