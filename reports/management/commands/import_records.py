"""Import a CRM export of historical records into a round.

    python manage.py import_records records.csv --round pilot

The file is checked whole before anything is written; every problem is listed on stderr as
``line N, column C: message`` and the command exits non-zero without writing anything. See
`reports.imports` for the columns and the rules.
"""

from django.core.management.base import BaseCommand, CommandError

from reports.imports import ImportFailed, records_import


class Command(BaseCommand):
    help = "Import historical records (CSV) through the same services as the web app."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (UTF-8, header row).")
        parser.add_argument("--round", required=True, help="The round's slug.")

    def handle(self, *args, **options):
        try:
            result = records_import(path=options["file"], round_slug=options["round"])
        except ImportFailed as exc:
            for line in exc.errors:
                self.stderr.write(line)
            if exc.more:
                self.stderr.write(f"… and {exc.more:,} more.")
            raise CommandError(
                f"Nothing was imported: {exc.count:,} problem"
                f"{'' if exc.count == 1 else 's'} in {options['file']}."
            )
        if result.round_created:
            self.stdout.write(
                f"Created round {result.round.name} ({result.round.slug}) with the standard "
                "stage definitions."
            )
        for line in result.summary_lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Imported into {result.round.name}."))
