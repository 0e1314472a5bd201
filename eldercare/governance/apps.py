from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "eldercare.governance"
    label = "governance"
    verbose_name = "试点工作督导与考核"
