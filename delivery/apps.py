from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "delivery"

    def ready(self):
        from core import area_panels

        from .panels import area_panel

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
