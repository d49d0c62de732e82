from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"

    def ready(self):
        from core import metrics, personal_data

        from . import freshness, retention
        from .personal_data import KINDS as personal_data_kinds
        from .prometheus import JobsCollector

        freshness.connect()
        retention.register()
        metrics.register(JobsCollector())

        # What the app holds about a person, for subject access and anonymisation.
        for kind in personal_data_kinds:
            personal_data.register(kind)
