from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EntitlementsConfig(AppConfig):
    name = "eldercare.entitlements"
    label = "entitlements"
    verbose_name = _("补贴与服务资格")
