"""Issue 25: a stage-gate decision's confirmation page never describes something the decision
service will refuse. The page asks the service's own preview (``gate_decide_preview``) first, so
an amount outside the stage's grant, too many extra days, a second award or a missing reason
comes back on the decision form, by its field, before anything is confirmed."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.tests.factories import MembershipFactory, UserFactory
from applications import services
from applications.models import GateStage, GateStatus
from applications.tests.factories import GateFactory
from core.workflow import MoveRefused
from grants.models import Award
from programmes.models import AreaStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

NOTHING_DONE = "Nothing has been done yet"


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def _decide(client, gate, **data):
    return client.post(reverse("applications:gate_decide", args=[gate.pk]), data)


def _top_up(**kwargs):
    """A Going Further top-up: its round's grant is £5,000 to £20,000."""
    return GateFactory(
        submitted=True,
        target_stage=GateStage.GOING_FURTHER,
        amount_requested=Decimal("7500"),
        **kwargs,
    )


# --- The page ---------------------------------------------------------------------------------


def test_a_fixed_grant_is_shown_not_typed_and_the_confirmation_gives_it(
    client_for, programme_manager
):
    """The reproduction: 999999 typed for a fixed £10,000 grant used to be confirmed as
    "£999,999.00 ... £899,999.10 becomes payable" and refused only after Confirm."""
    gate = GateFactory(submitted=True)
    client = client_for(programme_manager)
    page = _text(client.get(gate.get_absolute_url()))
    assert 'name="amount"' not in page
    assert "The Getting Going grant is fixed: £10,000.00" in page

    for typed in ("999999", "-500"):
        response = _decide(client, gate, decision="approve", amount=typed, reasons="")
        page = _text(response)
        assert NOTHING_DONE in page
        # What the page says will happen (the typed value, ignored, is only replayed hidden).
        start = page.index(NOTHING_DONE)
        said = page[start : page.index("<form", start)]
        assert "Getting Going grant of £10,000.00" in said
        assert "£9,000.00 becomes payable" in said
        assert "999" not in said and "500" not in said
    gate.refresh_from_db()
    assert gate.status == GateStatus.SUBMITTED


@pytest.mark.parametrize("typed", ["25000", "-500", "4999.99"])
def test_a_top_up_outside_its_range_comes_back_by_the_amount_field(
    client_for, programme_manager, typed
):
    gate = _top_up()
    response = _decide(client_for(programme_manager), gate, decision="approve", amount=typed)
    assert response.status_code == 200
    page = _text(response)
    assert NOTHING_DONE not in page
    assert "Awards" not in page
    form = response.context["decision_form"]
    assert form.errors["amount"] == ["The Going Further grant is between £5,000.00 and £20,000.00."]
    assert f'value="{typed}"' in page  # what was typed stays, beside its error
    assert not Award.objects.exists()


def test_a_top_up_within_its_range_is_confirmed_with_that_amount(client_for, programme_manager):
    gate = _top_up()
    client = client_for(programme_manager)
    page = _text(client.get(gate.get_absolute_url()))
    assert 'name="amount"' in page and 'min="5000' in page and 'max="20000' in page
    assert "Between £5,000.00 and £20,000.00" in page
    response = _decide(client, gate, decision="approve", amount="12500")
    page = _text(response)
    assert NOTHING_DONE in page
    assert "Going Further grant of £12,500.00" in page
    _decide(client, gate, decision="approve", amount="12500", confirm="1")
    assert Award.objects.get(area=gate.area).amount == Decimal("12500.00")


def test_extra_days_and_a_second_award_are_refused_before_the_confirmation(
    client_for, programme_manager
):
    gate = GateFactory(submitted=True)
    GateFactory(area=gate.area, status=GateStatus.APPROVED)
    response = _decide(
        client_for(programme_manager), gate, decision="approve", extra_adviser_days="2"
    )
    page = _text(response)
    assert NOTHING_DONE not in page
    assert f"{gate.area.reference} already has an approved Getting Going gate." in page


def test_a_rejection_without_reasons_comes_back_by_the_reasons_field(client_for, programme_manager):
    gate = GateFactory(submitted=True)
    response = _decide(client_for(programme_manager), gate, decision="reject", reasons=" ")
    assert NOTHING_DONE not in _text(response)
    assert response.context["decision_form"].errors["reasons"] == [
        "Give the reasons for not approving."
    ]


# --- The preview and the service refuse for the same reason -----------------------------------


def _lead_for(area):
    user = UserFactory()
    MembershipFactory(user=user, organisation=area.lead_organisation)
    return user


def _left(gate):
    gate.area.status = AreaStatus.WITHDRAWN
    gate.area.save()
    return gate


# (what to set up, the decision's arguments, the refusal's type, its field, its words): stated
# here, not read from the code under test.
CASES = {
    "fixed grant, other amount": (
        lambda: GateFactory(submitted=True),
        {"decision": "approve", "amount": Decimal("999999")},
        ValidationError,
        "amount",
        "The Getting Going grant is £10,000.00.",
    ),
    "negative amount": (
        lambda: GateFactory(submitted=True),
        {"decision": "approve", "amount": Decimal("-500")},
        ValidationError,
        "amount",
        "The Getting Going grant is £10,000.00.",
    ),
    "top-up above its range": (
        _top_up,
        {"decision": "approve", "amount": Decimal("20000.01")},
        ValidationError,
        "amount",
        "The Going Further grant is between £5,000.00 and £20,000.00.",
    ),
    "six extra days": (
        lambda: GateFactory(submitted=True),
        {"decision": "approve", "extra_adviser_days": Decimal("6")},
        ValidationError,
        "extra_adviser_days",
        "Extra adviser days are 0 to 5.",
    ),
    "area has left": (
        lambda: _left(GateFactory(submitted=True)),
        {"decision": "approve"},
        ValidationError,
        None,
        "This area is no longer active.",
    ),
    "rejected without reasons": (
        lambda: GateFactory(submitted=True),
        {"decision": "reject", "reasons": "  "},
        ValidationError,
        "reasons",
        "Give the reasons for not approving.",
    ),
    "already decided": (
        lambda: GateFactory(status=GateStatus.APPROVED),
        {"decision": "approve"},
        MoveRefused,
        None,
        None,
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_the_preview_and_the_service_refuse_for_the_same_reason(case, programme_manager):
    make, args, kind, field, words = CASES[case]
    gate = make()
    args = {"reasons": "", **args}
    preview = services.gate_decide_preview(gate=gate, actor=programme_manager, **args)
    assert not preview.allowed
    assert isinstance(preview.refusal, kind)
    if field:
        assert preview.refusal.message_dict[field] == [words]
    elif words:
        assert preview.reason == words
    with pytest.raises(kind) as raised:
        services.gate_decide(gate=gate, actor=programme_manager, **args)
    assert raised.value.messages == preview.refusal.messages
    assert not Award.objects.filter(area=gate.area).exists()


def test_the_lead_organisation_may_not_decide_its_own_gate():
    gate = GateFactory(submitted=True)
    lead = _lead_for(gate.area)
    preview = services.gate_decide_preview(gate=gate, actor=lead, decision="approve", reasons="")
    assert isinstance(preview.refusal, PermissionDenied)
    with pytest.raises(PermissionDenied):
        services.gate_decide(gate=gate, actor=lead, decision="approve", reasons="")


def test_an_allowed_approval_previews_the_amount_the_service_awards(programme_manager):
    gate = _top_up()
    preview = services.gate_decide_preview(
        gate=gate, actor=programme_manager, decision="approve", reasons="", amount=None
    )
    assert (preview.allowed, preview.refusal, preview.amount) == (True, None, Decimal("7500"))
    services.gate_decide(gate=gate, actor=programme_manager, decision="approve", reasons="")
    assert Award.objects.get(area=gate.area).amount == preview.amount
