"""Write a report PDF synchronously, with the same rendering code the worker uses.

    python manage.py report area --area R2-041 -o area.pdf
    python manage.py report programme --round round-2 -o programme.pdf [--date 2026-11-01]
    python manage.py report funnel --round round-2 --format csv
    python manage.py report progression --round round-2 --format json
    python manage.py report closure --round round-2 --format csv
    python manage.py report what_worked --round round-2 --format csv

The funnel and progression numbers come from `reports.metrics`, the same module the dashboard
and the programme report read.

Each report is a subcommand, so later reports (funnel, progression) add one parser and one
handler here.
"""

import csv
import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports import metrics, selectors
from reports.models import Audience, ReportKind
from reports.rendering import report_pdf
from reports.sections import ReportContext
from reports.what_worked import what_worked


class Command(BaseCommand):
    help = "Write a report as a PDF file, without a worker."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(
            dest="report",
            required=True,
            title="reports",
            metavar="{area,programme,funnel,progression,closure,what_worked}",
        )
        area = subcommands.add_parser("area", help="An area's progress report.")
        area.add_argument("--area", required=True, help="The area's reference, e.g. R2-041.")
        area.add_argument(
            "--for-lead-organisation",
            action="store_true",
            help="The lead organisation edition (leaves out staff-only material).",
        )
        programme = subcommands.add_parser("programme", help="A round's programme report.")
        programme.add_argument("--round", required=True, help="The round's slug.")
        for sub in (area, programme):
            sub.add_argument("-o", "--output", required=True, help="Where to write the PDF.")
            sub.add_argument(
                "--date", type=datetime.date.fromisoformat, help="Report date (YYYY-MM-DD)."
            )

        for name, help_text in (
            ("funnel", "How many applications and areas reached each step of the round."),
            ("progression", "Admitted areas, plans submitted and signed off by organisation type."),
            ("closure", "Every award of the round with its closure reconciliation."),
        ):
            table = subcommands.add_parser(name, help=help_text)
            table.add_argument("--round", required=True, help="The round's slug.")
            table.add_argument("--format", choices=["csv", "json"], default="csv")
        learning = subcommands.add_parser(
            "what_worked",
            help="What worked, for whom: one row per group and measure, with n ('suppressed' "
            "under five).",
        )
        learning.add_argument("--round", required=True, help="The round's slug.")
        learning.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args, **options):
        if options["report"] in ("funnel", "progression"):
            return self.handle_table(options)
        if options["report"] == "closure":
            return self.handle_closure(options)
        if options["report"] == "what_worked":
            return self.handle_what_worked(options)
        handler = getattr(self, f"handle_{options['report']}")
        ctx = handler(options)
        ctx.report_date = options.get("date") or timezone.localdate()
        output = Path(options["output"])
        if output.parent and not output.parent.exists():
            raise CommandError(f"The folder {output.parent} does not exist.")

        def progress(percent, message):
            if options["verbosity"] > 1:
                self.stdout.write(f"{percent:3d}% {message}")

        pdf = report_pdf(ctx, on_progress=progress)
        output.write_bytes(pdf)
        self.stdout.write(self.style.SUCCESS(f"Wrote {output} ({len(pdf):,} bytes)."))

    def handle_area(self, options) -> ReportContext:
        area = selectors.area_by_reference(options["area"])
        if area is None:
            raise CommandError(f"No area with reference {options['area']}.")
        audience = Audience.AREA if options["for_lead_organisation"] else Audience.STAFF
        return ReportContext(kind=ReportKind.AREA_PROGRESS, area=area, audience=audience)

    def handle_programme(self, options) -> ReportContext:
        round_ = selectors.round_by_slug(options["round"])
        if round_ is None:
            raise CommandError(f"No round with slug {options['round']}.")
        return ReportContext(kind=ReportKind.PROGRAMME, round=round_)

    def handle_closure(self, options):
        """One row per award (closure.report), formula-safe, money as numbers."""
        from closure.report import COLUMNS, closure_rows
        from core.spreadsheets import csv_value

        round_ = selectors.round_by_slug(options["round"])
        if round_ is None:
            raise CommandError(f"No round with slug {options['round']}.")
        rows = closure_rows(round_)
        next(rows)
        if options["format"] == "json":
            data = [{c: str(v) for c, v in zip(COLUMNS, row, strict=True)} for row in rows]
            self.stdout.write(json.dumps(data, indent=2))
            return
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([csv_value(v) for v in row])

    def handle_table(self, options):
        round_ = selectors.round_by_slug(options["round"])
        if round_ is None:
            raise CommandError(f"No round with slug {options['round']}.")
        data = metrics.round_metrics(round_)
        if options["report"] == "funnel":
            header = ["stage", "count"]
            # The steps, then the requirements set at a step (CBA required), as before.
            steps = data.funnel() + data.funnel_flags()
            rows = [{"stage": s["stage"], "count": s["count"]} for s in steps]
        else:
            header = ["organisation_type", *metrics.PROGRESSION_KEYS]
            rows = data.progression_by_org_type()
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, indent=2))
            return
        writer = csv.DictWriter(self.stdout, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

    def handle_what_worked(self, options):
        round_ = selectors.round_by_slug(options["round"])
        if round_ is None:
            raise CommandError(f"No round with slug {options['round']}.")
        header, *body = what_worked(round_).rows()
        if options["format"] == "json":
            rows = [dict(zip(header, row, strict=True)) for row in body]
            self.stdout.write(json.dumps(rows, indent=2, default=str))
            return
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(body)
