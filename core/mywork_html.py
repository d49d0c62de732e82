"""One item of My work (a link, its due date, and a form to snooze or dismiss it), written in
Python (core/markup.py says why lists' rows are).

A manager's My work lists thirty-odd items, each with its own small form, and Django's template
engine spent more on them than on the rest of the page (18 ms of 27 at 20,000 areas). This is
the markup ``_work_item.html`` wrote; My work and a group's "see all" page use it through
``{% work_item item group.kind ... %}``.
"""

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from core.markup import day, e
from core.templatetags.core_tags import badge


def _when(item) -> str:
    if item.overdue:
        days = item.days_overdue
        return (
            f"{badge('Overdue', 'danger')} <span>due {e(day(item.due))}, {days} "
            f"day{'' if days == 1 else 's'} ago</span>"
        )
    if item.due:
        return f"due {e(day(item.due))}"
    return ""


def _aside(item, kind: str, n: str, *, csrf_token: str, next_url: str, min_snooze) -> str:
    """The snooze-or-dismiss form; `n` numbers its fields' ids on the page."""
    title = e(item.title)
    soon = min_snooze.strftime("%Y-%m-%d") if min_snooze else ""
    return (
        '<details class="mywork-aside small mt-1">\n'
        f'<summary>Snooze or dismiss<span class="visually-hidden">: {title}</span></summary>\n'
        f'<form method="post" action="{e(reverse("mywork_hide"))}" '
        'class="row g-2 align-items-end mt-1">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{e(csrf_token)}">\n'
        f'<input type="hidden" name="kind" value="{e(kind)}">\n'
        f'<input type="hidden" name="ref" value="{e(item.ref_text)}">\n'
        f'<input type="hidden" name="title" value="{title}">\n'
        f'<input type="hidden" name="url" value="{e(item.url)}">\n'
        f'<input type="hidden" name="next" value="{e(next_url)}">\n'
        '<div class="col-12 col-sm-auto">\n'
        f'<label class="form-label mb-0" for="until-{n}">Snooze until</label>\n'
        '<input class="form-control form-control-sm" type="date" name="until" '
        f'id="until-{n}" min="{soon}">\n'
        "</div>\n"
        '<div class="col-12 col-sm-auto">\n'
        '<button class="btn btn-sm btn-outline-secondary" type="submit" name="action" '
        f'value="snooze">Snooze<span class="visually-hidden">: {title}</span></button>\n'
        "</div>\n"
        '<div class="col-12 col-sm">\n'
        f'<label class="form-label mb-0" for="reason-{n}">Or dismiss, because</label>\n'
        '<input class="form-control form-control-sm" type="text" name="reason" '
        f'id="reason-{n}" maxlength="200">\n'
        "</div>\n"
        '<div class="col-12 col-sm-auto">\n'
        '<button class="btn btn-sm btn-outline-danger" type="submit" name="action" '
        f'value="dismiss">Dismiss<span class="visually-hidden">: {title}</span></button>\n'
        "</div>\n"
        "</form>\n"
        "</details>\n"
    )


def work_item(item, kind: str, n: str, *, csrf_token: str, next_url: str, min_snooze) -> SafeString:
    """The item as a list-group item of its group (`kind`); `n` ("group-item", digits only)
    keeps its form's field ids apart from every other item's on the page."""
    aside = (
        _aside(item, kind, e(n), csrf_token=csrf_token, next_url=next_url, min_snooze=min_snooze)
        if item.ref
        else ""
    )
    detail = f'<div class="small text-muted">{e(item.detail)}</div>' if item.detail else ""
    return mark_safe(
        '<li class="list-group-item mywork-item">\n'
        '<div class="d-flex flex-wrap justify-content-between gap-2">\n'
        f'<div>\n<a class="fw-semibold" href="{e(item.url)}">{e(item.title)}</a>\n{detail}\n'
        "</div>\n"
        f'<div class="small text-nowrap">\n{_when(item)}\n</div>\n'
        f"</div>\n{aside}</li>"
    )
