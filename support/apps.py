from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"

    def ready(self):
        from core import area_figures

        from .selectors import area_figures as support_panel_figures

        area_figures.register("support", support_panel_figures)
