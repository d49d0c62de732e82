from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"

    def ready(self):
        from core import area_figures, area_panels

        from . import panels
        from .selectors import area_figures as support_panel_figures

        area_figures.register("support", support_panel_figures)
        area_panels.register(
            area_panels.AreaPanel(
                name="support",
                heading="Support",
                heading_id="h-support",
                template="support/includes/area_sidebar.html",
                context=panels.sidebar,
            )
        )
        area_panels.register(
            area_panels.AreaPanel(
                name="contacts",
                heading="Recent contacts",
                heading_id="h-contacts",
                section_id="support",
                template="support/includes/area_sections.html",
                context=panels.sections,
                shown=panels.sections_shown,
            )
        )
