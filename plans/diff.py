"""What changed between two frozen plan versions, section by section.

Text sections are compared word by word and shown inline with <ins>/<del>; tables (budget
arrangements, planned funding, logic model rows, outcome indicators) are compared row by row. Everything is escaped
before the markup is added, so plan text can never inject HTML.
"""

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.money import pounds

from .indicators import format_value
from .models import LOGIC_MODEL_COLUMNS, PLAN_SECTIONS


@dataclass
class SectionDiff:
    key: str
    label: str
    changed: bool
    html: SafeString


_TOKEN = re.compile(r"\s+|[^\s]+")


def text_diff_html(old: str, new: str) -> tuple[bool, SafeString]:
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    out = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    changed = a != b
    return changed, mark_safe("".join(out).replace("\n", "<br>"))  # noqa: S308 - escaped above


def lines_diff_html(old: list[str], new: list[str]) -> tuple[bool, SafeString]:
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    out = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out += [f"<li>{escape(line)}</li>" for line in old[i1:i2]]
            continue
        if op in ("delete", "replace"):
            out += [
                f'<li><del><span class="visually-hidden">Removed: </span>{escape(line)}</del></li>'
                for line in old[i1:i2]
            ]
        if op in ("insert", "replace"):
            out += [
                f'<li><ins><span class="visually-hidden">Added: </span>{escape(line)}</ins></li>'
                for line in new[j1:j2]
            ]
    if not out:
        out = ['<li class="text-muted">None</li>']
    return old != new, mark_safe(f'<ul class="list-unstyled mb-0">{"".join(out)}</ul>')  # noqa: S308


def _budget_lines(content):
    return [
        f"{b['kind_label']} with {b['partner_name']}: {pounds(b['amount'])}"
        + (f" ({b['description']})" if b.get("description") else "")
        for b in content.get("budget_arrangements", [])
    ]


def _resourcing_lines(content):
    return [
        f"{r['year']}/{(int(r['year']) + 1) % 100:02d} {r['source_label']}: "
        f"{pounds(r['planned_amount'])}"
        for r in content.get("resourcing_lines", [])
    ]


def _logic_lines(content):
    return [
        " | ".join(f"{label}: {row.get(key, '')}" for key, label in LOGIC_MODEL_COLUMNS)
        for row in content.get("logic_model", [])
    ]


def _indicator_lines(content):
    return [
        f"Row {i.get('row_number') or '?'}: {i['name']} ({i['unit_label'].lower()}), "
        f"baseline {format_value(i['baseline_value'], i['unit'])} on {i['baseline_on']}, "
        f"target {format_value(i['target_value'], i['unit'])} by {i['target_on']}, "
        f"{'higher' if i['direction'] == 'higher' else 'lower'} is better; "
        f"measured by {i['how_measured']}"
        for i in content.get("indicators", [])
    ]


def version_diff(old, new) -> list[SectionDiff]:
    """Section-by-section differences from PlanVersion `old` to PlanVersion `new`."""
    a, b = old.content, new.content
    result = []
    for key, label in PLAN_SECTIONS:
        changed, html = text_diff_html(
            a.get("sections", {}).get(key, ""), b.get("sections", {}).get(key, "")
        )
        result.append(SectionDiff(key, label, changed, html))
    for key, label, lines in [
        ("budget_arrangements", "Budget arrangements", _budget_lines),
        ("resourcing_lines", "Planned funding by source", _resourcing_lines),
        ("logic_model", "Logic model", _logic_lines),
        ("indicators", "Outcome indicators", _indicator_lines),
    ]:
        changed, html = lines_diff_html(lines(a), lines(b))
        result.append(SectionDiff(key, label, changed, html))
    return result
