from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"

    def ready(self):
        from core import personal_data, search

        from . import assessed, selectors
        from .models import Application, GateApplication
        from .personal_data import KINDS as personal_data_kinds
        from .search import KINDS as search_kinds

        # What assessors are assigned to (a final plan is declared by the plans app).
        assessed.register(
            assessed.AssessedKind(
                "application",
                Application,
                "application",
                lambda user, pk: selectors.application_list(user=user).filter(pk=pk).first(),
            )
        )
        assessed.register(
            assessed.AssessedKind(
                "gate",
                GateApplication,
                "gate",
                lambda user, pk: selectors.gate_list(user=user).filter(pk=pk).first(),
            )
        )

        # What the app holds about a person, for subject access and anonymisation.
        for kind in personal_data_kinds:
            personal_data.register(kind)
        # What the header's search finds here (core.search).
        for kind in search_kinds:
            search.register(kind)
