"""One item of My work (a link, its due date, and a form to snooze or dismiss it), written in
Python.

A manager's My work lists thirty-odd items, each with its own small form, and Django's template
engine spent more on them than on the rest of the page (18 ms of 27 at 20,000 areas: a lookup,
filter or tag per attribute). The admin's change list writes its rows in Python for the same
reason, as grants.payments_html.py does for a payment's buttons. This is the markup
``_work_item.html`` wrote; My work and a group's "see all" page use it through
``{% work_item item group.kind ... %}``.
"""

import datetime

from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from core.templatetags.core_tags import badge


def _day(value: datetime.date) -> str:
    return date_format(value, "j M Y")


def _when(item) -> SafeString:
    if item.overdue:
        days = item.days_overdue
        return format_html(
            "{} <span>due {}, {} day{} ago</span>",
            badge("Overdue", "danger"),
            _day(item.due),
            days,
            "" if days == 1 else "s",
        )
    if item.due:
        return format_html("due {}", _day(item.due))
    return mark_safe("")


def _aside(item, kind: str, n: str, *, csrf_token: str, next_url: str, min_snooze) -> SafeString:
    """The snooze-or-dismiss form; `n` numbers its fields' ids on the page."""
    return format_html(
        '<details class="mywork-aside small mt-1">\n'
        '<summary>Snooze or dismiss<span class="visually-hidden">: {title}</span></summary>\n'
        '<form method="post" action="{action}" class="row g-2 align-items-end mt-1">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{token}">\n'
        '<input type="hidden" name="kind" value="{kind}">\n'
        '<input type="hidden" name="ref" value="{ref}">\n'
        '<input type="hidden" name="title" value="{title}">\n'
        '<input type="hidden" name="url" value="{url}">\n'
        '<input type="hidden" name="next" value="{next}">\n'
        '<div class="col-12 col-sm-auto">\n'
        '<label class="form-label mb-0" for="until-{n}">Snooze until</label>\n'
        '<input class="form-control form-control-sm" type="date" name="until" id="until-{n}" '
        'min="{min}">\n'
        "</div>\n"
        '<div class="col-12 col-sm-auto">\n'
        '<button class="btn btn-sm btn-outline-secondary" type="submit" name="action" '
        'value="snooze">Snooze<span class="visually-hidden">: {title}</span></button>\n'
        "</div>\n"
        '<div class="col-12 col-sm">\n'
        '<label class="form-label mb-0" for="reason-{n}">Or dismiss, because</label>\n'
        '<input class="form-control form-control-sm" type="text" name="reason" id="reason-{n}" '
        'maxlength="200">\n'
        "</div>\n"
        '<div class="col-12 col-sm-auto">\n'
        '<button class="btn btn-sm btn-outline-danger" type="submit" name="action" '
        'value="dismiss">Dismiss<span class="visually-hidden">: {title}</span></button>\n'
        "</div>\n"
        "</form>\n"
        "</details>\n",
        title=item.title,
        action=reverse("mywork_hide"),
        token=csrf_token,
        kind=kind,
        ref=item.ref_text,
        url=item.url,
        next=next_url,
        n=n,
        min=min_snooze.strftime("%Y-%m-%d") if min_snooze else "",
    )


def work_item(item, kind: str, n: str, *, csrf_token: str, next_url: str, min_snooze) -> str:
    """The item as a list-group item of its group (`kind`); `n` ("group-item") keeps its form's
    field ids apart from every other item's on the page."""
    aside = (
        _aside(item, kind, n, csrf_token=csrf_token, next_url=next_url, min_snooze=min_snooze)
        if item.ref
        else ""
    )
    detail = (
        format_html('<div class="small text-muted">{}</div>', item.detail) if item.detail else ""
    )
    return format_html(
        '<li class="list-group-item mywork-item">\n'
        '<div class="d-flex flex-wrap justify-content-between gap-2">\n'
        '<div>\n<a class="fw-semibold" href="{}">{}</a>\n{}\n</div>\n'
        '<div class="small text-nowrap">\n{}\n</div>\n'
        "</div>\n{}</li>",
        item.url,
        item.title,
        detail,
        _when(item),
        aside,
    )
