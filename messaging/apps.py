from django.apps import AppConfig


class MessagingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "messaging"
    verbose_name = "Messages"

    def ready(self):
        from core import area_figures, personal_data

        from .personal_data import KINDS as personal_data_kinds
        from .selectors import area_figures as messages_panel_figures

        area_figures.register("messaging", messages_panel_figures)

        # What the app holds about a person, for subject access and anonymisation.
        for kind in personal_data_kinds:
            personal_data.register(kind)
