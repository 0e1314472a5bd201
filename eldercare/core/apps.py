from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "eldercare.core"
    label = "core"
    verbose_name = "核心"
