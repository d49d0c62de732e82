from django.apps import AppConfig


class BankingConfig(AppConfig):
    name = "banking"
    verbose_name = "Bank details"

    def ready(self):
        from grants.holds import (
            register_paid_recorder,
            register_payment_annotations,
            register_payment_hold,
        )

        from .holds import bank_payment_hold, paid_to_changes
        from .selectors import payment_annotations

        # No payment is approved or paid into an unconfirmed account; pages read the hold from
        # annotations; the pay service records the account the money went to.
        register_payment_hold(bank_payment_hold)
        register_payment_annotations(payment_annotations)
        register_paid_recorder(paid_to_changes)
