"""An imported round and the same round built through the web app's services, by real people
with their own roles, give identical reports (issue 13): the import goes through the same rules,
so the funnel and progression figures cannot tell them apart."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.tests.factories import MembershipFactory, UserFactory
from applications import services as application_services
from applications.models import GateStage
from core.testing import today
from diligence.tests.factories import cleared
from plans import services as plan_services
from plans.tests.factories import CbaFactory, LogicModelFactory
from programmes.models import Milestone, Organisation, OrganisationType, Round, Stage, Theme
from programmes.tests.factories import RoundFactory
from reports import metrics

from .test_import import ROWS, run, write

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

# The records of test_import.ROWS, as the web app's users would make them.
WEB_RECORDS = [
    # reference, neighbourhood, organisation, type, themes, approach, outcome, gate, cba, plan
    ("W-001", "Chapeltown", "Chapeltown Trust", "vcs", ["Health and wellbeing", "Housing"],
     "general", "admitted", "approved", True, "approved"),
    ("W-002", "Beeston", "Leeds City Council", "local_authority", ["Young people"], "specific",
     "admitted", "rejected", False, ""),
    ("W-003", "Holbeck", "Holbeck Parish Council", "parish_council", ["Environment"], "general",
     "rejected", "", False, ""),
    ("W-004", "Armley", "Armley Health", "other_public", ["Older people"], "general", "admitted",
     "approved", False, "submitted"),
    ("W-005", "Hunslet", "Hunslet CIC", "vcs", ["Housing"], "general", "withdrawn", "", False, ""),
]  # fmt: skip


def _evidence(name):
    return SimpleUploadedFile(name, b"%PDF-1.4 evidence", content_type="application/pdf")


class WebRound:
    """Builds the round as people do in the app: leads apply and send gate applications and
    plans, the programme manager decides, the funder signs off."""

    def __init__(self):
        self.round = RoundFactory(slug="web", name="Web", status=Round.Status.OPEN)
        self.milestone = Milestone.objects.create(
            round=self.round,
            name="Getting Going application",
            kind=Milestone.Kind.GETTING_GOING_APPLICATION,
            stage=Stage.GETTING_GOING,
            due_on=today() + datetime.timedelta(days=30),
        )
        self.pm = UserFactory(username="web-pm", programme_manager=True)
        self.funder = UserFactory(username="web-funder", funder_officer=True)

    def add(self, ref, name, org_name, org_type, themes, approach, outcome, gate, cba, plan):
        org = Organisation.objects.filter(name=org_name).first()
        if org is None:
            org = Organisation.objects.create(name=org_name, org_type=org_type)
            # In the app, admission awards money only once the lead organisation's due
            # diligence is confirmed (grants/holds.py); the import records history, never held.
            cleared(org)
        lead = UserFactory(username=f"lead-{ref.lower()}")
        MembershipFactory(user=lead, organisation=org)
        application = application_services.application_create(
            round=self.round,
            applicant=lead,
            organisation=org,
            details={
                "area_name": name,
                "local_authority": "Leeds",
                "approach": approach,
                "issues": "Services do not join up.",
                "services_involved": "Council and NHS.",
                "expected_outcomes": "Fewer crises.",
            },
            themes=[Theme.objects.get(name=t) for t in themes],
        )
        application_services.application_submit(application=application, actor=lead)
        if outcome == "withdrawn":
            application_services.application_withdraw(
                application=application, actor=lead, reason="Not now."
            )
            return
        application_services.application_start_assessment(application=application, actor=self.pm)
        decision = "admit" if outcome == "admitted" else "reject"
        application = application_services.application_decide(
            application=application,
            decision=decision,
            reasons="" if decision == "admit" else "Not this time.",
            actor=self.pm,
            reference=ref,
        )
        if outcome == "admitted":
            self.gate_and_plan(application.area, lead, gate, cba, plan)

    def gate_and_plan(self, area, lead, gate_outcome, cba, plan_outcome):
        gate = application_services.gate_create(
            area=area,
            actor=lead,
            target_stage=GateStage.GETTING_GOING,
            milestone=self.milestone,
            summary="Our evidence.",
        )
        gate.development_strategy = _evidence("strategy.pdf")
        gate.logic_model = _evidence("logic.pdf")
        gate.save()
        application_services.gate_submit(gate=gate, actor=lead)
        application_services.gate_decide(
            gate=gate,
            decision="approve" if gate_outcome == "approved" else "reject",
            reasons="" if gate_outcome == "approved" else "Not ready.",
            actor=self.pm,
            cba_required=cba,
        )
        if not plan_outcome:
            return
        area.refresh_from_db()
        LogicModelFactory(area=area, rows=2)
        if cba:
            CbaFactory(area=area, with_lines=True)
        plan = plan_services.plan_save(
            area=area,
            actor=lead,
            sections={
                "issues_and_why": "Isolated residents lose touch with services.",
                "service_changes": "A shared link worker.",
                "money_differently": "An aligned budget.",
                "governance": "A partnership board.",
                "resourcing": "Staff time.",
                "risks": "Turnover.",
                "timetable": "From April.",
            },
        )
        plan = plan_services.plan_submit_draft(plan=plan, actor=lead)
        plan = plan_services.plan_submit_final(plan=plan, actor=lead)
        if plan_outcome == "approved":
            plan = plan_services.plan_start_review(plan=plan, actor=self.pm)
            plan = plan_services.plan_sign_off(plan=plan, actor=self.pm)
            plan_services.plan_sign_off(plan=plan, actor=self.funder)


def _report(rnd):
    m = metrics.round_metrics(rnd)
    return {
        "funnel": m.funnel(),
        "by_org_type": m.progression_by_org_type(),
        "by_theme": m.progression_by_theme(),
    }


def test_an_imported_round_reports_as_the_same_round_built_in_the_app(tmp_path):
    web = WebRound()
    for record in WEB_RECORDS:
        web.add(*record)
    RoundFactory(slug="r1")
    run(write(tmp_path, ROWS))
    imported = _report(Round.objects.get(slug="r1"))
    built = _report(web.round)
    assert imported == built
    assert imported["funnel"][0]["count"] == 5
    assert OrganisationType.VCS.label in str(imported["by_org_type"])
