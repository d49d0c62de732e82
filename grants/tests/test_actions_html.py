"""A payment row's buttons, written in Python (grants/actions_html.py): one form per move the
person may make, each posting the page's token and address back, labelled for screen readers,
and nothing when no move is open."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from grants.actions_html import payment_actions
from grants.models import Payment
from grants.services import award_grant
from grants.tests.factories import accept_offer
from programmes.models import Stage

pytestmark = pytest.mark.django_db


class Forms(HTMLParser):
    """The forms of a fragment: action, hidden fields, named inputs and the text inside."""

    def __init__(self):
        super().__init__()
        self.forms, self.current = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {"action": attrs["action"], "hidden": {}, "inputs": [], "text": ""}
            self.forms.append(self.current)
        elif tag == "input" and self.current is not None:
            if attrs.get("type") == "hidden":
                self.current["hidden"][attrs["name"]] = attrs["value"]
            else:
                self.current["inputs"].append((attrs["name"], attrs.get("id")))

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None

    def handle_data(self, data):
        if self.current is not None:
            self.current["text"] += data


@pytest.fixture
def payment(area, programme_manager):
    award = accept_offer(
        award_grant(
            area=area, stage=Stage.GETTING_GOING, amount=Decimal("10000"), actor=programme_manager
        )
    )
    return Payment.objects.select_related("award__area").filter(award=award).first()


def _forms(payment, moves, next_url="/grants/finance/?show=mine&page=2"):
    html = payment_actions(
        {"payment": payment, "moves": moves}, csrf_token="T0KEN", next_url=next_url
    )
    parser = Forms()
    parser.feed(str(html))
    return html, parser.forms


def test_each_move_is_a_form_posting_the_token_and_the_page_back(payment):
    html, forms = _forms(payment, ["approved", "paid", "release", "cancelled"])
    assert [f["action"] for f in forms] == [
        reverse(name, args=[payment.pk])
        for name in (
            "grants:payment_approve",
            "grants:payment_pay",
            "grants:payment_release",
            "grants:payment_cancel",
        )
    ]
    for form in forms:
        assert form["hidden"] == {
            "csrfmiddlewaretoken": "T0KEN",
            "next": "/grants/finance/?show=mine&page=2",
        }
    pk = payment.pk
    assert forms[1]["inputs"] == [("paid_on", f"paid-on-{pk}"), ("reference", f"ref-{pk}")]
    assert forms[2]["inputs"] == [("reason", f"release-note-{pk}")]
    assert forms[3]["inputs"] == [("reason", f"reason-{pk}")]
    # Every button names the payment for a screen reader.
    what = f"{payment.get_kind_display().lower()} payment of "
    assert str(html).count(what) == 4


def test_only_the_moves_open_to_the_person_are_offered(payment):
    _html, forms = _forms(payment, ["paid"])
    assert [f["action"] for f in forms] == [reverse("grants:payment_pay", args=[payment.pk])]
    assert "Confirm payment" in forms[0]["text"]
    html, forms = _forms(payment, [])
    assert forms == [] and str(html) == ""


def test_the_address_and_names_are_escaped(payment):
    html, forms = _forms(payment, ["approved"], next_url='/grants/finance/?q="><script>')
    assert "<script>" not in str(html)
    assert forms[0]["hidden"]["next"] == '/grants/finance/?q="><script>'
