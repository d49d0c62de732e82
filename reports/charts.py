"""Small inline-SVG charts for the PDF reports, drawn in Python so rendering needs no browser and
no plotting library. Every bar carries its number as text, so the chart never relies on colour."""

import math
from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

from core.money import pounds

PALETTE = ["#1d5c4f", "#f2a541", "#145a8a", "#8c4b8c", "#6b8e23", "#b02a37"]
FONT = "DejaVu Sans, Liberation Sans, sans-serif"
TEXT = "#212529"
MUTED = "#6c757d"
GRID = "#dee2e6"


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


# DejaVu Sans, the PDF's font, is wide: an average character is about 0.62 of the font size.
CHAR_EM = 0.62


def _text_width(text: str, font_size: float) -> float:
    return len(text) * font_size * CHAR_EM


def _wrap(text: str, width: float, font_size: float) -> list[str]:
    """Split `text` at spaces into lines that fit `width` pixels (a single long word keeps its
    own line), so a label is wrapped rather than cut off at the chart's edge."""
    limit = max(int(width / (font_size * CHAR_EM)), 4)
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > limit:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines or [""]


def _label(x: float, mid: float, text: str, width: float, font_size: float = 11) -> str:
    """A right-aligned label ending at `x`, centred on `mid`, wrapped to `width` pixels."""
    lines = _wrap(str(text), width, font_size)
    step = font_size + 1
    first = mid - step * (len(lines) - 1) / 2
    spans = "".join(
        f'<tspan x="{x}" y="{first + i * step:.1f}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text text-anchor="end" fill="{TEXT}" font-size="{font_size}">{spans}</text>'


def _svg(width: int, height: int, body: list[str], title: str) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{FONT}" font-size="11">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def hbar_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str = "",
    width: int = 620,
    bar_height: int = 20,
    gap: int = 8,
    label_width: int = 190,
    colour: str = PALETTE[0],
    money: bool = False,
) -> SafeString:
    """A horizontal bar chart: one labelled bar per (label, value), the value written after it."""
    items = list(items)
    top = 6
    # A label wrapped onto several lines gets the room it needs.
    lines = max((len(_wrap(str(label), label_width - 12, 11)) for label, _ in items), default=1)
    pitch = max(bar_height + gap, 12 * lines + 6)
    height = top + len(items) * pitch + 4
    peak = max((v for _, v in items), default=0) or 1
    plot = width - label_width - (100 if money else 60)
    body = []
    for i, (label, value) in enumerate(items):
        y = top + i * pitch
        w = max(plot * value / peak, 0 if value == 0 else 2)
        mid = y + bar_height / 2 + 4
        body.append(
            _label(label_width - 8, mid, label, label_width - 12)
            + f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="{bar_height}" '
            f'fill="{colour}" rx="2"/>'
            f'<text x="{label_width + w + 6:.1f}" y="{mid:.1f}" fill="{TEXT}" '
            f'font-weight="bold">{pounds(value) if money else _fmt(value)}</text>'
        )
    body.append(
        f'<line x1="{label_width}" y1="{top - 3}" x2="{label_width}" y2="{height - 2}" '
        f'stroke="{MUTED}" stroke-width="1"/>'
    )
    return _svg(width, height, body, title or "Bar chart")


def funnel(
    stages: Sequence[tuple[str, float]],
    *,
    title: str = "",
    width: int = 620,
    step_height: int = 30,
    gap: int = 4,
) -> SafeString:
    """A centred funnel: each stage's bar is proportional to the first stage, with its count and
    its share of the first stage written inside or beside it."""
    stages = list(stages)
    height = len(stages) * (step_height + gap) + 4
    first = (stages[0][1] if stages else 0) or 1
    label_width = 170
    plot = width - label_width - 10
    body = []
    for i, (label, value) in enumerate(stages):
        y = i * (step_height + gap) + 2
        w = max(plot * value / first, 2)
        x = label_width + (plot - w) / 2
        share = 100 * value / first
        colour = PALETTE[i % len(PALETTE)]
        mid = y + step_height / 2 + 4
        text = f"{_fmt(value)} ({share:.0f}%)"
        inside = w > 90
        body.append(
            _label(label_width - 8, mid, label, label_width - 12)
            + f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{step_height}" fill="{colour}"/>'
            + (
                f'<text x="{label_width + plot / 2:.1f}" y="{mid:.1f}" text-anchor="middle" '
                f'fill="#fff" font-weight="bold">{text}</text>'
                if inside
                else f'<text x="{x + w + 6:.1f}" y="{mid:.1f}" fill="{TEXT}" '
                f'font-weight="bold">{text}</text>'
            )
        )
    return _svg(width, height, body, title or "Funnel")


def grouped_bars(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str = "",
    width: int = 620,
    height: int = 260,
) -> SafeString:
    """Vertical bars grouped by category, one bar per series in a fixed order, with a legend and
    each bar's value written above it."""
    categories = list(categories)
    series = list(series)
    highest = max((v for _, values in series for v in values), default=0) or 1
    # Gridlines at round numbers: four steps of a whole-number size that covers the highest bar.
    step = math.ceil(highest / 4)
    peak = step * 4
    ticks = [_fmt(peak * q / 4) for q in range(5)]
    # The left margin fits the widest tick label ("700,000"), so no label is cut off.
    left = max(36, math.ceil(max(_text_width(t, 9) for t in ticks)) + 10)
    right, top, bottom = 10, 36, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    body = []
    for q in range(5):
        y = top + plot_h - plot_h * q / 4
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}" '
            f'font-size="9">{ticks[q]}</text>'
        )
    group_w = plot_w / max(len(categories), 1)
    bar_w = min(28, (group_w - 10) / max(len(series), 1))
    for ci, category in enumerate(categories):
        gx = left + ci * group_w + (group_w - bar_w * len(series)) / 2
        for si, (_, values) in enumerate(series):
            value = values[ci] if ci < len(values) else 0
            h = plot_h * value / peak
            x = gx + si * bar_w
            y = top + plot_h - h
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[si % len(PALETTE)]}"/>'
            )
            if value:
                body.append(
                    f'<text x="{x + (bar_w - 2) / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                    f'font-size="9" fill="{TEXT}">{_fmt(value)}</text>'
                )
        cx = left + ci * group_w + group_w / 2
        spans = "".join(
            f'<tspan x="{cx:.1f}" y="{top + plot_h + 14 + 11 * i}">{escape(line)}</tspan>'
            for i, line in enumerate(_wrap(str(category), group_w - 4, 10)[:2])
        )
        body.append(f'<text text-anchor="middle" fill="{TEXT}" font-size="10">{spans}</text>')
    # Legend along the top.
    lx = left
    for si, (name, _) in enumerate(series):
        body.append(
            f'<rect x="{lx}" y="6" width="10" height="10" fill="{PALETTE[si % len(PALETTE)]}"/>'
            f'<text x="{lx + 14}" y="15" fill="{TEXT}" font-size="10">{escape(str(name))}</text>'
        )
        lx += 24 + 6.2 * len(str(name))
    return _svg(width, height, body, title or "Grouped bar chart")


def grouped_hbars(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str = "",
    width: int = 620,
    bar_height: int = 9,
    gap: int = 8,
    label_width: int = 190,
) -> SafeString:
    """Horizontal bars grouped by category (one bar per series), for categories whose names are
    too long to sit under vertical bars. A legend along the top; each bar's value after it. A
    value of None (a figure withheld) reads "suppressed" instead of a bar."""
    categories = list(categories)
    series = list(series)
    top = 24
    group = bar_height * len(series) + gap
    height = top + len(categories) * group + 4
    peak = max((v for _, values in series for v in values if v is not None), default=0) or 1
    plot = width - label_width - 40
    body = []
    for ci, category in enumerate(categories):
        gy = top + ci * group
        body.append(
            _label(
                label_width - 8,
                gy + bar_height * len(series) / 2 + 4,
                category,
                label_width - 12,
                font_size=10,
            )
        )
        for si, (_, values) in enumerate(series):
            value = values[ci] if ci < len(values) else 0
            y = gy + si * bar_height
            if value is None:
                # A figure withheld (a group under five): said in words, never drawn as nought.
                body.append(
                    f'<text x="{label_width + 4}" y="{y + bar_height - 1.5:.1f}" '
                    f'font-size="8" fill="{MUTED}">suppressed</text>'
                )
                continue
            w = plot * value / peak
            body.append(
                f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="{bar_height - 1}" '
                f'fill="{PALETTE[si % len(PALETTE)]}"/>'
                f'<text x="{label_width + w + 4:.1f}" y="{y + bar_height - 1.5:.1f}" '
                f'font-size="8" fill="{TEXT}">{_fmt(value)}</text>'
            )
    body.append(
        f'<line x1="{label_width}" y1="{top - 3}" x2="{label_width}" y2="{height - 2}" '
        f'stroke="{MUTED}" stroke-width="1"/>'
    )
    lx = label_width
    for si, (name, _) in enumerate(series):
        body.append(
            f'<rect x="{lx}" y="6" width="10" height="10" fill="{PALETTE[si % len(PALETTE)]}"/>'
            f'<text x="{lx + 14}" y="15" fill="{TEXT}" font-size="10">{escape(str(name))}</text>'
        )
        lx += 24 + 6.2 * len(str(name))
    return _svg(width, height, body, title or "Grouped bar chart")


def stacked_hbars(
    items: Sequence[tuple[str, Sequence[float]]],
    series: Sequence[str],
    *,
    title: str = "",
    width: int = 620,
    bar_height: int = 20,
    gap: int = 10,
    label_width: int = 250,
    colours: Sequence[str] = (PALETTE[0], PALETTE[1], PALETTE[5]),
) -> SafeString:
    """One horizontal bar per item, split into its series' parts (each part's number written in
    it when it fits), all bars on one scale, with a legend along the top."""
    items = list(items)
    top = 24
    height = top + len(items) * (bar_height + gap) + 4
    peak = max((sum(values) for _, values in items), default=0) or 1
    plot = width - label_width - 10
    body = []
    for i, (label, values) in enumerate(items):
        y = top + i * (bar_height + gap)
        mid = y + bar_height / 2 + 4
        body.append(_label(label_width - 8, mid, label, label_width - 12, font_size=10))
        x = float(label_width)
        for si, value in enumerate(values):
            w = plot * value / peak
            if w <= 0:
                continue
            body.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_height}" '
                f'fill="{colours[si % len(colours)]}"/>'
            )
            if w >= 7 * len(_fmt(value)) + 4:
                body.append(
                    f'<text x="{x + w / 2:.1f}" y="{mid:.1f}" text-anchor="middle" fill="#fff" '
                    f'font-weight="bold" font-size="10">{_fmt(value)}</text>'
                )
            x += w
    lx = label_width
    for si, name in enumerate(series):
        body.append(
            f'<rect x="{lx}" y="6" width="10" height="10" fill="{colours[si % len(colours)]}"/>'
            f'<text x="{lx + 14}" y="15" fill="{TEXT}" font-size="10">{escape(str(name))}</text>'
        )
        lx += 24 + 6.2 * len(str(name))
    return _svg(width, height, body, title or "Stacked bar chart")
