from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"

    def ready(self):
        from core import search

        from .search import KINDS

        # What the header's search finds here (core.search).
        for kind in KINDS:
            search.register(kind)
