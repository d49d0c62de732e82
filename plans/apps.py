from django.apps import AppConfig


class PlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "plans"
    verbose_name = "Plans"

    def ready(self):
        from core import area_figures

        from .selectors import area_figures as plan_panel_figures

        area_figures.register("plans", plan_panel_figures)
