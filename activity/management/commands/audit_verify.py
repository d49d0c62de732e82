"""`python manage.py audit_verify`: check that nobody has edited the audit trail by hand."""

from django.core.management.base import BaseCommand, CommandError

from activity.verification import audit_verify


class Command(BaseCommand):
    help = (
        "Check every activity entry's hash chain (one per area, one for the programme) and name "
        "the first broken link of each chain. Exits non-zero if any chain is broken."
    )

    def handle(self, *args, **options):
        report = audit_verify()
        if report.ok:
            self.stdout.write(
                self.style.SUCCESS(f"{report.entries} entries in {report.chains} chains verified.")
            )
            return
        for link in report.broken:
            self.stdout.write(self.style.ERROR(f"Broken: {link}"))
        raise CommandError(
            f"{len(report.broken)} of {report.chains} chains broken "
            f"({report.entries} entries checked)."
        )
