"""One item of My work written in Python (core/mywork_html.py): its link, due date or days
overdue, and, when it is about something, a snooze-or-dismiss form carrying what the hide view
needs, with field ids of its own and everything escaped."""

import datetime
from html.parser import HTMLParser

from django.urls import reverse

from core.mywork import WorkItem
from core.mywork_html import work_item

TODAY = datetime.date(2026, 3, 10)


class About:
    """Stands for the model instance an item is about: its label and primary key."""

    pk = 42

    class _meta:  # noqa: N801 - the shape of a model's _meta
        label_lower = "delivery.progressreturn"


class Parts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.hidden, self.ids, self.forms = [], {}, [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self.links.append(attrs["href"])
        elif tag == "form":
            self.forms.append(attrs["action"])
        elif tag == "input" and attrs.get("type") == "hidden":
            self.hidden[attrs["name"]] = attrs["value"]
        if "id" in attrs:
            self.ids.append(attrs["id"])


def _write(item, n="2-3"):
    html = str(
        work_item(
            item,
            "returns_overdue",
            n,
            csrf_token="T0KEN",
            next_url="/my-work/?finished=1",
            min_snooze=TODAY + datetime.timedelta(days=1),
        )
    )
    parts = Parts()
    parts.feed(html)
    return html, parts


def test_an_overdue_item_says_how_late_and_can_be_put_aside():
    item = WorkItem(
        title="BN-001 Castleton <Estate>",
        url="/delivery/returns/7/",
        due=TODAY - datetime.timedelta(days=3),
        detail="1 Jan 2026 to 31 Mar 2026",
        today=TODAY,
        about=About(),
    )
    html, parts = _write(item)
    assert parts.links == ["/delivery/returns/7/"]
    assert "due 7 Mar 2026, 3 days ago" in html and "Overdue" in html
    assert "Castleton &lt;Estate&gt;" in html and "<Estate>" not in html
    assert parts.forms == [reverse("mywork_hide")]
    assert parts.hidden == {
        "csrfmiddlewaretoken": "T0KEN",
        "kind": "returns_overdue",
        "ref": "delivery.progressreturn:42",
        "title": "BN-001 Castleton <Estate>",
        "url": "/delivery/returns/7/",
        "next": "/my-work/?finished=1",
    }
    assert parts.ids == ["until-2-3", "reason-2-3"]
    assert 'min="2026-03-11"' in html


def test_one_day_late_is_one_day_and_a_coming_date_is_just_due():
    late = WorkItem(title="t", url="/u/", due=TODAY - datetime.timedelta(days=1), today=TODAY)
    assert "1 day ago" in _write(late)[0]
    coming = WorkItem(title="t", url="/u/", due=TODAY + datetime.timedelta(days=5), today=TODAY)
    html, _parts = _write(coming)
    assert "due 15 Mar 2026" in html and "Overdue" not in html and "ago" not in html


def test_an_item_about_nothing_has_no_form():
    html, parts = _write(WorkItem(title="t", url="/u/", today=TODAY))
    assert parts.forms == [] and parts.hidden == {} and "Snooze" not in html
