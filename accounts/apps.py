from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from core import personal_data

        from . import retention, signals  # noqa: F401
        from .personal_data import KINDS

        retention.register()
        for kind in KINDS:
            personal_data.register(kind)
