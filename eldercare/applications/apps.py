from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "eldercare.applications"
    label = "applications"
    verbose_name = _("在线申请与审核")

    def ready(self) -> None:
        from eldercare.applications.services.deadlines import on_calendar_changed
        from eldercare.core.holidays import calendar_changed

        calendar_changed.connect(on_calendar_changed, dispatch_uid="applications-deadlines")
