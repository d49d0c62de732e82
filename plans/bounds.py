"""How much a plan may hold. Every write service checks these (so the editors, the importer and
any future path are bounded) and the forms show them by the field.

Chosen so that the largest plan allowed renders its area PDF in well under 10 seconds (the
logic model table is what WeasyPrint spends its time on; the CBA's working has one row per year):
measure with ``bench/pdf_bounds.py``; the figure is in bench/README.md. Before these bounds one
140-row logic model with 2.8 KB cells took 417 s to render.
"""

from django.core.exceptions import ValidationError

MAX_LOGIC_MODEL_ROWS = 40
MAX_CELL_CHARS = 1_000  # one logic model cell
# The whole logic model: the PDF's time grows with the text in its table (about 60 µs of CPU per
# character on the development container), so the total is bounded as well as each cell.
MAX_LOGIC_MODEL_CHARS = 60_000
MAX_SECTION_CHARS = 20_000  # one plan section, strategy answer or CBA notes
MAX_CBA_LINES = 100  # costs, and benefits, each
MAX_CBA_YEAR = 60  # the Green Book's longest usual appraisal period
MAX_BUDGET_LINES = 30  # budget arrangements
MAX_RESOURCING_LINES = 60  # planned funding lines (sources by year)


def too_long(text: str, limit: int) -> str | None:
    """The message for a text over `limit` characters, or None."""
    if text and len(text) > limit:
        return f"Keep this to {limit:,} characters or fewer (it has {len(text):,})."
    return None


def too_many(count: int, limit: int, what: str) -> str | None:
    if count > limit:
        return f"A plan can have at most {limit} {what} (this has {count}): remove some."
    return None


def check_texts(texts: dict[str, str], limit: int = MAX_SECTION_CHARS) -> None:
    """Raise one ValidationError naming every field over the limit."""
    errors = {name: message for name, text in texts.items() if (message := too_long(text, limit))}
    if errors:
        raise ValidationError(errors)
