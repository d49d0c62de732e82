"""A payment as lists show it, written in Python (grants/payments_html.py): its buttons, one form
per move the person may make, each posting the page's token and address back; the notes on
four eyes and the bank account; and the finance list's row."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from grants.models import Payment
from grants.payments_html import payment_actions
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


def test_the_bank_note_says_where_the_money_goes_or_why_it_waits(payment):
    from datetime import timedelta

    from django.utils import timezone

    from grants.payments_html import bank_note

    now = timezone.now()
    payment.bank_pending, payment.bank_account_number = True, "12345678"
    assert "Held: bank change awaiting confirmation" in bank_note(payment, changed_since=now)
    payment.bank_pending, payment.bank_changed_at = False, now
    note = str(bank_note(payment, changed_since=now - timedelta(days=7)))
    assert "Account ****5678" in note and "Account changed" in note and "1234" not in note
    assert "Account changed" not in bank_note(payment, changed_since=now + timedelta(days=1))
    payment.bank_account_number = ""
    assert "Held: no confirmed bank account" in bank_note(payment, changed_since=now)
    del payment.bank_pending  # not read by this page's query: nothing said
    assert str(bank_note(payment, changed_since=now)) == ""


def test_the_four_eyes_notes_name_the_second_approver_and_a_rescheduled_payment(payment):
    from grants.payments_html import four_eyes_note

    assert str(four_eyes_note({"payment": payment})) == ""
    payment.rescheduled_reason = "Paid <late>"
    payment.award_cancelled_reason = "Wrong account"
    note = str(four_eyes_note({"payment": payment, "second_approval": "over £5,000.00"}))
    assert 'data-four-eyes="second-approver"' in note and "over £5,000.00" in note
    assert 'data-four-eyes="rescheduled"' in note and "Paid &lt;late&gt;" in note
    assert "cancelled after approval: Wrong account" in note


def test_a_finance_row_has_a_cell_per_column_the_person_sees(payment):
    from grants.payments_html import finance_row

    payment = (
        Payment.objects.select_related(
            "award__area__round", "award__area__lead_organisation", "approved_by", "scheduled_by"
        )
        .filter(pk=payment.pk)
        .get()
    )
    row = {"payment": payment, "moves": ["approved"]}
    options = {
        "applicant": False,
        "changed_since": None,
        "csrf_token": "T",
        "next_url": "/grants/finance/",
    }
    full = str(finance_row(row, can_act=True, can_manage=True, **options))
    bare = str(finance_row(row, can_act=False, can_manage=False, **options))
    assert full.count("<td") == 8 and bare.count("<td") == 6
    assert f'id="select-{payment.pk}"' in full and "select-" not in bare
    assert "Approve" in full and "<form" not in bare
    area = payment.award.area
    assert f'href="{area.get_absolute_url()}">{area.reference}</a>' in bare
    assert area.lead_organisation.name in bare and "£" in bare
