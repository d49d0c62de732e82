"""The buttons of a payment's row (approve, mark paid, release, cancel), written in Python.

The finance list shows fifty payments a page, each with up to four small forms, and Django's
template engine spent more on that one cell than on the rest of the page (37 ms of 65 at 20,000
areas: a variable lookup, filter and tag per attribute, a form at a time). The admin's change list
writes its rows in Python for the same reason. The markup is what ``_payment_actions.html`` wrote;
the finance list and the award's page both use it through ``{% payment_actions row %}``.
"""

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from core.money import pounds

# (move, URL name, summary's button class, the form's own fields, its submit button) for the
# moves asked for in <details>; "approved" is a plain button of its own.
_DETAILS = (
    (
        "paid",
        "grants:payment_pay",
        "btn-outline-primary",
        "Mark paid",
        '<label class="form-label small mb-0" for="paid-on-{pk}">Paid on '
        '<span class="text-muted">(blank for today)</span></label>\n'
        '<input class="form-control form-control-sm mb-1" type="date" name="paid_on" '
        'id="paid-on-{pk}">\n'
        '<label class="form-label small mb-0" for="ref-{pk}">Payment reference</label>\n'
        '<input class="form-control form-control-sm mb-1" type="text" name="reference" '
        'maxlength="60" id="ref-{pk}">\n'
        '<button class="btn btn-sm btn-primary" type="submit">Confirm payment</button>',
    ),
    (
        "release",
        "grants:payment_release",
        "btn-outline-primary",
        "Release",
        '<label class="form-label small mb-0" for="release-note-{pk}">Note for the timeline '
        '<span class="text-muted">(optional)</span></label>\n'
        '<input class="form-control form-control-sm mb-1" type="text" name="reason" '
        'maxlength="500" id="release-note-{pk}" placeholder="e.g. First year\'s review done">\n'
        '<button class="btn btn-sm btn-primary" type="submit">Release for payment</button>',
    ),
    (
        "cancelled",
        "grants:payment_cancel",
        "btn-outline-danger",
        "Cancel",
        '<label class="form-label small mb-0" for="reason-{pk}">Reason for cancelling</label>\n'
        '<input class="form-control form-control-sm mb-1" type="text" name="reason" '
        'maxlength="500" required id="reason-{pk}">\n'
        '<button class="btn btn-sm btn-danger" type="submit">Cancel payment</button>',
    ),
)


def payment_actions(row: dict, *, csrf_token: str, next_url: str) -> SafeString:
    """The row's forms for the moves in ``row["moves"]`` (see grants.views._row), each posting
    back with the page's address as ``next``."""
    p, moves = row["payment"], row["moves"]
    if not any(m in moves for m in ("approved", "paid", "release", "cancelled")):
        return mark_safe("")
    hidden = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">\n'
        '<input type="hidden" name="next" value="{}">\n',
        csrf_token,
        next_url,
    )
    what = format_html(
        '<span class="visually-hidden"> {} payment of {} to {}</span>',
        p.get_kind_display().lower(),
        pounds(p.amount),
        p.award.area.reference,
    )
    parts = []
    if "approved" in moves:
        parts.append(
            format_html(
                '<form class="d-inline" method="post" action="{}">{}'
                '<button class="btn btn-sm btn-outline-primary" type="submit">Approve{}</button>\n'
                "</form>\n",
                reverse("grants:payment_approve", args=[p.pk]),
                hidden,
                what,
            )
        )
    for move, url_name, summary_class, summary, fields in _DETAILS:
        if move in moves:
            parts.append(
                format_html(
                    '<details class="d-inline-block align-top">\n'
                    '<summary class="btn btn-sm {}">{}{}</summary>\n'
                    '<form class="mt-2 p-2 border rounded bg-light" method="post" action="{}">'
                    "{}{}\n</form>\n</details>\n",
                    summary_class,
                    summary,
                    what,
                    reverse(url_name, args=[p.pk]),
                    hidden,
                    # Only the payment's id goes into these fields' markup: an integer.
                    mark_safe(fields.format(pk=int(p.pk))),
                )
            )
    return format_html_join("", "{}", ((part,) for part in parts))
