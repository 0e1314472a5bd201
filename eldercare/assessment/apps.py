from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "eldercare.assessment"
    label = "assessment"
    verbose_name = _("能力评估")
