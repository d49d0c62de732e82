"""`load_demo` builds a believable programme and is safe to run twice."""

import pytest
from django.apps import apps
from django.core.management import call_command

from accounts.models import Role, User
from programmes.models import Area, AreaStage, OrganisationType

pytestmark = pytest.mark.django_db


def _counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in ("sessions", "contenttypes", "admin")
    }


def test_load_demo_builds_the_programme_and_a_second_run_changes_nothing():
    call_command("load_demo", verbosity=0)
    first = _counts()

    call_command("load_demo", verbosity=0)

    assert _counts() == first

    areas = Area.objects.select_related("lead_organisation")
    assert areas.count() >= 60
    assert {a.stage for a in areas} >= {s.value for s in AreaStage}
    assert {a.lead_organisation.org_type for a in areas} == {t.value for t in OrganisationType}
    assert {u.role for u in User.objects.all()} >= {r.value for r in Role}
    for username in ("pm", "funder", "rm", "lead", "admin"):
        assert User.objects.get(username=username).check_password("ourplace-demo")
    lead = User.objects.get(username="lead")
    assert Area.objects.filter(lead_organisation__memberships__user=lead).count() >= 2
    # Every area has a current relationship manager and at least one partner.
    assert not areas.exclude(assignments__ended_on__isnull=True).exists()
    assert not areas.filter(partners__isnull=True).exists()

    # Stages come from decisions: every area in implementation or beyond has a plan signed off
    # by both parties, every Making it Happen area an approved Making it Happen gate, and every
    # area that left has the leaving recorded with reasons.
    from applications.models import GateApplication
    from grants.selectors import round_totals
    from plans.models import OperationalPlan

    delivering = areas.filter(stage__in=[AreaStage.IMPLEMENTATION, AreaStage.MAKING_IT_HAPPEN])
    assert delivering.exists()
    signed = OperationalPlan.objects.filter(area__in=delivering, status="signed_off")
    assert signed.count() == delivering.count()
    mih = areas.filter(stage=AreaStage.MAKING_IT_HAPPEN)
    assert (
        GateApplication.objects.filter(
            area__in=mih, target_stage="making_it_happen", status="approved"
        ).count()
        == mih.count()
    )
    for area in areas.exclude(status="active"):
        assert area.activity.filter(verb="area.moved").exclude(reason="").exists(), area
    # The finished round has paid what it owed: nothing held back, nothing still to pay.
    pilot = next(r for r in round_totals() if r.slug == "pilot")
    assert (pilot.held, pilot.to_pay) == (0, 0) and pilot.paid > 0

    # Grant offers: every award has one; every approved or paid payment follows an accepted
    # offer, accepted before the payment was approved; one offer waits for the demo lead user.
    from grants.models import Award, GrantOffer, Payment

    assert not Award.objects.filter(offers__isnull=True).exists()
    moved = Payment.objects.filter(status__in=["approved", "paid"]).select_related("award")
    for payment in moved:
        offer = payment.award.offers.get(status="accepted")
        assert offer.accepted_at <= payment.approved_at, payment
    waiting = GrantOffer.objects.get(status="issued")
    assert waiting.award.area.lead_organisation.memberships.filter(user=lead).exists()
    # Every round has a budget that its live awards fit within.
    from grants.budgets.selectors import round_budget
    from programmes.models import Round

    for rnd in Round.objects.all():
        assert rnd.budget_total and round_budget(rnd).total.remaining >= 0

    # Organisations carry official identifiers: every council its register code, parish and
    # town councils and NHS bodies theirs; the programme's own 360G- one is left to the rest.
    from programmes.models import Organisation

    councils = Organisation.objects.filter(org_type=OrganisationType.LOCAL_AUTHORITY)
    assert councils.exists()
    assert not councils.exclude(org_identifier__startswith="GB-LAE-").exists()
    parishes = Organisation.objects.filter(org_type=OrganisationType.PARISH_COUNCIL)
    assert not parishes.exclude(org_identifier__startswith="GB-PLA-").exists()
    assert Organisation.objects.filter(org_identifier__startswith="GB-NHS-").exists()
