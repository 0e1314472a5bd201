from django.apps import AppConfig
from django.core.signals import setting_changed
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "eldercare.dashboards"
    label = "dashboards"
    verbose_name = _("领导驾驶舱")

    def ready(self) -> None:
        from eldercare.dashboards.signals import figures_setting_changed, refresh_after_import
        from eldercare.registry.models import ImportJob

        post_save.connect(
            refresh_after_import, sender=ImportJob, dispatch_uid="dashboard-after-import"
        )
        setting_changed.connect(figures_setting_changed, dispatch_uid="dashboard-figures-setting")
