from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "delivery"

    def ready(self):
        from core import area_panels, personal_data

        from .panels import area_panel
        from .personal_data import KINDS as personal_data_kinds

        area_panels.register(
            area_panels.AreaPanel(
                name="delivery",
                heading="Delivery",
                heading_id="h-delivery",
                section_id="delivery",
                template="delivery/_area_panels.html",
                context=area_panel,
            )
        )

        from .indicators import area_panel as indicators_panel

        area_panels.register(
            area_panels.AreaPanel(
                name="indicators",
                heading="Outcome indicators",
                heading_id="h-indicators",
                section_id="indicators",
                template="delivery/_indicators_panel.html",
                context=indicators_panel,
            )
        )

        # What the app holds about a person, for subject access and anonymisation.
        for kind in personal_data_kinds:
            personal_data.register(kind)
