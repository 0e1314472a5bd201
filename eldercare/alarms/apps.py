from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _schedule_escalations(sender: AppConfig, **kwargs: Any) -> None:
    from eldercare.alarms.tasks import ensure_schedule

    ensure_schedule()


class AlarmsConfig(AppConfig):
    name = "eldercare.alarms"
    label = "alarms"
    verbose_name = _("紧急呼叫")

    def ready(self) -> None:
        post_migrate.connect(_schedule_escalations, sender=self)
