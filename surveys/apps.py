from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Surveys"

    def ready(self):
        from core import personal_data

        from .personal_data import KINDS as personal_data_kinds

        # What the app holds about a person, for subject access and anonymisation.
        for kind in personal_data_kinds:
            personal_data.register(kind)
