from django.apps import AppConfig


class MessagingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "messaging"
    verbose_name = "Messages"

    def ready(self):
        from core import area_figures

        from .selectors import area_figures as messages_panel_figures

        area_figures.register("messaging", messages_panel_figures)
