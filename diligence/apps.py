from django.apps import AppConfig


class DiligenceConfig(AppConfig):
    name = "diligence"
    verbose_name = "Due diligence"

    def ready(self):
        from django.db.models.signals import post_save

        from core import area_panels
        from grants.holds import (
            register_award_hold,
            register_award_recorder,
            register_payment_hold,
        )
        from programmes.models import Organisation

        from . import duplicates, holds, panels

        # Every way an organisation is saved (sign-up, staff, admin, imports) flags duplicates.
        post_save.connect(
            duplicates.on_organisation_saved,
            sender=Organisation,
            dispatch_uid="diligence.flag_duplicates",
        )

        # No award is made and no payment approved or paid while the lead organisation's due
        # diligence is missing, expired, or high risk without a decision (grants/holds.py).
        register_award_hold(holds.award_hold)
        register_payment_hold(holds.payment_hold, annotations=holds.payment_annotations)
        # Each award records the checklist it relied on (due diligence per award).
        register_award_recorder(holds.award_record)

        area_panels.register(
            area_panels.AreaPanel(
                name="diligence",
                heading="Due diligence",
                heading_id="h-diligence",
                template="diligence/includes/area_panel.html",
                context=panels.area_panel,
                shown=panels.area_panel_shown,
                placeholder="card",
            )
        )
