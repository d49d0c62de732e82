"""Stacked percentage bars as inline SVG, for the programme PDF (WeasyPrint runs no JavaScript).
Every segment of 8% or more carries its number, and the legend names each colour, so the chart
never relies on colour alone; the table beside it has every number."""

from html import escape

from django.utils.safestring import SafeString, mark_safe

FONT = "DejaVu Sans, Liberation Sans, sans-serif"
LABEL_WIDTH = 210
PLOT_WIDTH = 380
BAR = 16
GAP = 6


def _wrap(label: str, limit: int = 34) -> list[str]:
    """At most two lines, so a long item label is never cut."""
    if len(label) <= limit:
        return [label]
    cut = label.rfind(" ", 0, limit)
    cut = cut if cut > 0 else limit
    rest = label[cut:].strip()
    return [label[:cut], rest if len(rest) <= limit else rest[: limit - 1] + "…"]


def _legend(choices, colours, y: int) -> list[str]:
    out, x = [], LABEL_WIDTH
    for choice, colour in zip(choices, colours, strict=True):
        width = 18 + 6.2 * len(choice.label)
        if x + width > LABEL_WIDTH + PLOT_WIDTH + 20:
            x, y = LABEL_WIDTH, y + 14
        out.append(
            f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="{y}">{escape(choice.label)}</text>'
        )
        x += width
    return out


def stacked_bars(figure: dict, panel) -> SafeString:
    """One bar per item of `panel` (a `surveys.figures.Panel`), split by answer share."""
    rows = panel.rows
    body, y = [], 4
    for row in rows:
        lines = _wrap(row["item"])
        for k, line in enumerate(lines):
            dy = y + BAR / 2 + 4 + (k - (len(lines) - 1) / 2) * 11
            body.append(
                f'<text x="{LABEL_WIDTH - 6}" y="{dy:.1f}" text-anchor="end">{escape(line)}</text>'
            )
        x = float(LABEL_WIDTH)
        for pct, colour in zip(row["pcts"], figure["colours"], strict=True):
            width = PLOT_WIDTH * pct / 100
            if width <= 0:
                continue
            body.append(
                f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR}" fill="{colour}"/>'
            )
            if pct >= 8:
                body.append(
                    f'<text x="{x + width / 2:.1f}" y="{y + BAR - 4}" text-anchor="middle" '
                    f'fill="#fff" font-size="9">{pct}%</text>'
                )
            x += width
        y += BAR + GAP + (8 if len(lines) > 1 else 0)
    body += _legend(figure["choices"], figure["colours"], y + 12)
    height = y + 34 + 14 * (len(figure["choices"]) > 4)
    width = LABEL_WIDTH + PLOT_WIDTH + 30
    title = f"{figure['question'].text} ({panel.label}, {panel.respondents})"
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="10">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )
