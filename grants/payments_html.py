"""A payment as lists show it, written in Python: its status badge, the four-eyes notes, the
bank note, its buttons (approve, mark paid, release, cancel) and the finance list's whole row.

The finance list shows fifty payments a page, and Django's template engine spent more on their
rows than on the rest of the page (about 35 of the page's 45 ms of rendering at 20,000 areas: a
variable lookup, filter, tag or include per attribute, four includes a row). The admin's change
list writes its rows in Python for the same reason. The markup is what the templates wrote
(``_payment_badge.html``, ``_four_eyes_note.html``, ``_bank_note.html``,
``_payment_actions.html`` and the row in ``finance.html``); other pages use the parts through
the tags of ``grants_tags`` (``{% payment_badge %}``, ``{% four_eyes_note %}``,
``{% payment_actions %}``).
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from core.markup import day, e, path_to
from core.money import pounds
from core.templatetags.core_tags import badge, status_badge_html

NOTHING = mark_safe("")


def payment_badge(p, *, applicant: bool) -> SafeString:
    """The payment's status; a held payment names what it waits for, in the same words for
    everyone: more use to the area than the generic "held back until a condition is met"."""
    if p.release_note:
        return status_badge_html(p, applicant=False, extra=p.release_note)
    return status_badge_html(p, applicant=applicant)


def four_eyes_note(row: dict) -> SafeString:
    """Four eyes on the award (grants/workflows.py): who must approve the payment, and money
    scheduled again after approved money was cancelled. Reads the selectors' annotations: no
    query per row."""
    p, out = row["payment"], []
    if row.get("second_approval"):
        out.append(
            format_html(
                '\n<div class="small mt-1" data-four-eyes="second-approver">{} {}</div>',
                badge("Two approvers", "warning"),
                row["second_approval"],
            )
        )
    if p.rescheduled_reason:
        cancelled = getattr(p, "award_cancelled_reason", "")
        out.append(
            format_html(
                '\n<div class="small mt-1" data-four-eyes="rescheduled">{} Rescheduled after '
                "cancellation: {}{}</div>",
                badge("Rescheduled", "info"),
                p.rescheduled_reason,
                format_html(
                    ' <span class="text-muted">(a payment of this award was cancelled after '
                    "approval: {})</span>",
                    cancelled,
                )
                if cancelled
                else "",
            )
        )
    return format_html_join("", "{}", ((part,) for part in out))


def bank_note(p, *, changed_since) -> SafeString:
    """The account the payment will go to, or why it is held (banking.selectors' annotations)."""
    pending = getattr(p, "bank_pending", None)
    if pending:
        return format_html(
            "<div>{}</div>", badge("Held: bank change awaiting confirmation", "warning")
        )
    number = getattr(p, "bank_account_number", "")
    if number:
        changed = getattr(p, "bank_changed_at", None)
        note = ""
        if changed and changed_since is not None and changed >= changed_since:
            note = format_html(" {}", badge("Account changed " + day(changed), "danger"))
        return format_html('<div class="text-muted">Account ****{}{}</div>', number[4:], note)
    if pending is False:
        return format_html("<div>{}</div>", badge("Held: no confirmed bank account", "warning"))
    return NOTHING


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
    back with the page's address as ``next``. Written with the standard library's escape (what
    Django's calls) and no format_html, whose lazy-string checks cost more than the markup."""
    p, moves = row["payment"], row["moves"]
    if not any(m in moves for m in ("approved", "paid", "release", "cancelled")):
        return NOTHING
    hidden = (
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{e(csrf_token)}">\n'
        f'<input type="hidden" name="next" value="{e(next_url)}">\n'
    )
    what = (
        f'<span class="visually-hidden"> {e(p.get_kind_display().lower())} payment of '
        f"{e(pounds(p.amount))} to {e(p.award.area.reference)}</span>"
    )
    parts = []
    if "approved" in moves:
        parts.append(
            f'<form class="d-inline" method="post" action="{path_to("grants:payment_approve", p.pk)}">'
            f'{hidden}<button class="btn btn-sm btn-outline-primary" type="submit">Approve{what}'
            "</button>\n</form>\n"
        )
    for move, url_name, summary_class, summary, fields in _DETAILS:
        if move in moves:
            parts.append(
                '<details class="d-inline-block align-top">\n'
                f'<summary class="btn btn-sm {summary_class}">{summary}{what}</summary>\n'
                '<form class="mt-2 p-2 border rounded bg-light" method="post" '
                f'action="{path_to(url_name, p.pk)}">{hidden}{fields.format(pk=int(p.pk))}'
                "\n</form>\n</details>\n"
            )
    return mark_safe("".join(parts))


def finance_row(row: dict, *, can_act, can_manage, applicant, changed_since, csrf_token, next_url):
    """One row of the finance list (grants/templates/grants/finance.html's table)."""
    p = row["payment"]
    area, award = p.award.area, p.award
    kind, amount, reference = p.get_kind_display(), pounds(p.amount), e(area.reference)
    cells = []
    if can_act:
        cells.append(
            f'<td><input class="form-check-input" type="checkbox" name="payment" value="{p.pk}" '
            f'form="bulk-form" id="select-{p.pk}" aria-label="Select {e(kind.lower())} payment '
            f'of {e(amount)} to {reference}"></td>'
        )
    cells.append(
        f'<td><a class="ref" href="{e(area.get_absolute_url())}">{reference}</a>'
        f'<div class="small text-muted">{e(area.name)} · {e(area.round.name)}</div></td>'
    )
    cells.append(
        f'<td class="small">{e(area.lead_organisation.name)}'
        f"{bank_note(p, changed_since=changed_since)}</td>"
    )
    cells.append(
        f'<td class="small"><a href="{path_to("grants:award_detail", award.pk)}">'
        f"{e(award.get_stage_display())}</a> · {e(kind)}</td>"
    )
    cells.append(f'<td class="text-end">{e(amount)}</td>')
    cells.append(
        f"<td>{payment_badge(p, applicant=applicant)}{_people(p)}{four_eyes_note(row)}</td>"
    )
    due = day(p.due_on) if p.due_on else "—"
    overdue = f" {badge('Overdue', 'danger')}" if p.is_overdue else ""
    cells.append(f'<td class="small">{e(due)}{overdue}</td>')
    if can_manage:
        actions = payment_actions(row, csrf_token=csrf_token, next_url=next_url)
        cells.append(f'<td class="text-nowrap">{actions}</td>')
    return mark_safe("<tr>\n" + "\n".join(cells) + "\n</tr>")


def _people(p) -> str:
    """Who approved the payment (and the second approver), and who scheduled it."""
    out = ""
    if p.approved_by:
        second = f", and {e(p.second_approved_by)}" if p.second_approved_by else ""
        when = day(p.approved_at) if p.approved_at else ""
        out += f'<div class="small text-muted">by {e(p.approved_by)}, {e(when)}{second}</div>'
    if p.scheduled_by:
        out += f'<div class="small text-muted">scheduled by {e(p.scheduled_by)}</div>'
    return out
