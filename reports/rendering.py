"""Turning a report definition into a PDF. Used by the Celery task (through `report_run`) and by
the `report` management command, so both produce the same document."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.template.loader import render_to_string

from .sections import REPORTS, ReportContext

ProgressCallback = Callable[[int, str], None]

# WeasyPrint logs every layout step at INFO; the worker log only needs its warnings.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class ReportRenderError(Exception):
    """A report could not be produced; the message is shown to the person who asked for it."""


def _noop(percent: int, message: str) -> None:
    return None


def report_html(ctx: ReportContext, *, on_progress: ProgressCallback = _noop) -> str:
    """Build every section's data (reporting progress as it goes) and render the HTML."""
    definition = REPORTS.get(ctx.kind)
    if definition is None:
        raise ReportRenderError(f"There is no report of kind “{ctx.kind}”.")
    built = []
    total = len(definition.sections)
    for i, section in enumerate(definition.sections):
        on_progress(5 + 75 * i // total, f"Gathering {section.title.lower()}")
        data = section.build(ctx)
        if data is not None:
            built.append(
                {
                    "key": section.key,
                    "title": section.title,
                    "template": section.template,
                    "data": data,
                    "anchor": f"sec-{section.key}",
                }
            )
    subject = ctx.area.name if ctx.area else ctx.round.name
    round_ = ctx.area.round if ctx.area else ctx.round
    return render_to_string(
        f"reports/pdf/{ctx.kind}.html",
        {
            "ctx": ctx,
            "title": definition.title,
            "subject": subject,
            "round": round_,
            "area": ctx.area,
            "sections": built,
            "report_date": ctx.report_date,
            "audience": ctx.audience,
        },
    )


def report_pdf(ctx: ReportContext, *, on_progress: ProgressCallback = _noop) -> bytes:
    """The finished PDF as bytes."""
    # Not a cycle: WeasyPrint takes well over a second to import (it loads Pango through cffi),
    # so only the worker and the `report` command, which render, pay for it; web processes,
    # which import this module through the services, do not.
    from weasyprint import HTML

    html = report_html(ctx, on_progress=on_progress)
    on_progress(85, "Laying out the pages")
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
