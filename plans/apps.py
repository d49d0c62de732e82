from django.apps import AppConfig


class PlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "plans"
    verbose_name = "Plans"

    def ready(self):
        from applications import assessed
        from core import area_figures, personal_data

        from .models import OperationalPlan
        from .personal_data import KINDS as personal_data_kinds
        from .selectors import area_figures as plan_panel_figures

        area_figures.register("plans", plan_panel_figures)

        # A final plan is assessed (GovS 015): its assessors declare before they see it.
        assessed.register(
            assessed.AssessedKind(
                "plan",
                OperationalPlan,
                "plan",
                lambda user, pk: (
                    OperationalPlan.objects.select_related("area", "area__round")
                    .filter(pk=pk)
                    .first()
                ),
            )
        )

        # What the app holds about a person, for subject access and anonymisation.
        for kind in personal_data_kinds:
            personal_data.register(kind)
