from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from core import personal_data, search

        from . import retention, signals  # noqa: F401
        from .personal_data import KINDS
        from .search import KINDS as search_kinds

        retention.register()
        for kind in KINDS:
            personal_data.register(kind)
        # What the header's search finds here (core.search).
        for kind in search_kinds:
            search.register(kind)
