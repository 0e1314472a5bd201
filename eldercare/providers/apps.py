from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvidersConfig(AppConfig):
    name = "eldercare.providers"
    label = "providers"
    verbose_name = _("服务机构")
