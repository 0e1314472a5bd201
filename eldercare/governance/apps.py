from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "eldercare.governance"
    label = "governance"
    verbose_name = _("试点工作督导与考核")
