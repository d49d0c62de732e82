from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"

    def ready(self):
        from applications.signals import adviser_days_awarded
        from core import area_figures, area_panels, personal_data

        from . import panels
        from .personal_data import KINDS as personal_data_kinds
        from .selectors import area_figures as support_panel_figures
        from .services import entitlement_add_awarded

        # A decision's adviser days become the area's entitlement.
        adviser_days_awarded.connect(
            entitlement_add_awarded, dispatch_uid="support.entitlement_add_awarded"
        )

        area_figures.register("support", support_panel_figures)
        area_panels.register(
            area_panels.AreaPanel(
                name="support",
                heading="Support",
                heading_id="h-support",
                template="support/includes/area_sidebar.html",
                context=panels.sidebar,
                placeholder="card",
                placeholder_class="panel-placeholder-support",
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

        # What the app holds about a person, for subject access and anonymisation.
        for kind in personal_data_kinds:
            personal_data.register(kind)
