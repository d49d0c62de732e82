"""The objects the access matrix requests pages about: the demo programme, plus a report job and
an import job of each edition. Each URL name maps to the area it concerns and its URL arguments."""

import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from accounts.invitations import invitation_token as team_invitation_token
from accounts.models import Invitation, OrganisationMembership, User
from activity.models import Notification
from applications.models import Application, GateApplication
from core.models import HiddenWorkItem
from core.testing import today
from core.tests.demo_snapshot import load_demo_for_test
from delivery.models import CbaOutturnLine, FundingRecord, MatchFundingCommitment, ProgressReturn
from grants.models import Award, Payment, Variation
from messaging.models import Kind, Message
from plans.models import (
    OperationalPlan,
    PeerReviewAssignment,
    PlanAttachment,
    PlanVersion,
    SectionComment,
)
from programmes.models import Area, Partner, Round
from reports.models import Audience, ExportJob, ImportJob, ReportJob, ReportKind
from support.models import Adviser, AdviserDay, Event, FollowUp, SupportContact
from surveys import services as survey_services
from surveys.links import invitation_token
from surveys.models import Survey

# The roles of the matrix, each a person in the demo relative to the area a URL concerns.
ROLES = (
    "anonymous",
    "programme_manager",
    "funder_officer",
    "finance_officer",
    "rm_of_area",
    "other_rm",
    "lead_of_area",
    "other_lead",
    "admin",
)


@dataclass
class World:
    areas: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def user_for(self, role: str, area) -> User | None:
        """The demo person who plays `role` for `area` (None for anonymous)."""
        if role == "anonymous":
            return None
        staff = {
            "programme_manager": "pm",
            "funder_officer": "funder",
            "finance_officer": "finance",
        }
        if role in staff or role == "admin":
            return self.users[staff.get(role, role)]
        if role in ("rm_of_area", "other_rm"):
            mine = area.assignments.filter(ended_on__isnull=True).first()
            own = mine.user if mine else self.users["rm"]
            if role == "rm_of_area":
                return own
            return self.users["rm2"] if own.username == "rm" else self.users["rm"]
        lead_areas = {"lead": {"R2-041", "R2-045"}, "lead2": {"R2-057"}}
        own_lead = next((u for u, refs in lead_areas.items() if area.reference in refs), "lead")
        if role == "lead_of_area":
            return self.users[own_lead]
        return self.users["lead2" if own_lead == "lead" else "lead"]


def build_world() -> World:
    load_demo_for_test()
    w = World()
    w.users = {u.username: u for u in User.objects.all()}
    w.areas = {a.reference: a for a in Area.objects.filter(reference__in=["R2-041", "R2-057"])}
    a041, a057 = w.areas["R2-041"], w.areas["R2-057"]
    o = w.objects
    o["application"] = Application.objects.filter(area=a041).first()
    o["gate"] = GateApplication.objects.filter(area=a041).order_by("-pk").first()
    o["award"] = Award.objects.filter(area=a041).first()
    o["offer"] = o["award"].offers.order_by("-version").first()
    o["payment"] = Payment.objects.filter(award__area=a041).order_by("pk").first()
    # The demo's variation waiting for a decision (demo/variations.py).
    o["variation"] = Variation.objects.filter(award__area=a041).order_by("pk").first()
    o["plan"] = OperationalPlan.objects.get(area=a041)
    o["attachment"] = PlanAttachment.objects.filter(area=a041).first()
    # A review the lead organisation of R2-041 was asked to write (of another area's plan).
    o["peer_review"] = PeerReviewAssignment.objects.filter(
        reviewer_organisation=a041.lead_organisation
    ).first()
    o["return"] = ProgressReturn.objects.filter(area=a057).order_by("pk").first()
    o["funding"] = FundingRecord.objects.filter(area=a057).first()
    o["outturn"] = CbaOutturnLine.objects.filter(area=a057).first()
    o["commitment"] = (
        MatchFundingCommitment.objects.select_related("application__area").order_by("pk").first()
    )
    o["event"] = Event.objects.order_by("pk").first()
    o["contact"] = SupportContact.objects.filter(area=a041).first()
    o["followup"] = FollowUp.objects.filter(area=a041).first()
    o["partner"] = Partner.objects.filter(area=a041).first()
    o["notification"] = Notification.objects.filter(recipient=w.users["lead"]).first()
    o["round"] = Round.objects.get(slug="round-2")
    # Finished reports of each edition, with their files, so downloads can be tried.
    for key, extra in {
        "staff_report": {"area": a041, "audience": Audience.STAFF, "requested_by": w.users["pm"]},
        "lead_report": {"area": a041, "audience": Audience.AREA, "requested_by": w.users["lead"]},
        "programme_report": {
            "kind": ReportKind.PROGRAMME,
            "round": o["round"],
            "audience": Audience.STAFF,
            "requested_by": w.users["pm"],
        },
    }.items():
        job = ReportJob(kind=ReportKind.AREA_PROGRESS, status="succeeded", progress=100)
        for name, value in extra.items():
            setattr(job, name, value)
        job.finished_at = timezone.now()
        job.save()
        job.file.save(f"{key}.pdf", ContentFile(b"%PDF-1.4 matrix"), save=True)
        o[key] = job
    if o["attachment"] is None:
        attachment = PlanAttachment(
            area=a041,
            title="Budget notes",
            filename="budget.pdf",
            size=15,
            uploaded_by=w.users["lead"],
        )
        attachment.file.save("budget.pdf", ContentFile(b"%PDF-1.4 matrix"), save=True)
        o["attachment"] = attachment
    o["version"] = PlanVersion.objects.filter(plan__area=a057).order_by("number").first()
    # A reviewer's comment on R2-041's plan (a draft: an earlier return's, no longer answerable).
    o["plan_comment"] = SectionComment.objects.create(
        plan=o["plan"], section="risks", comment="Name the risks.", author=w.users["pm"]
    )
    gate = o["gate"]
    if not gate.development_strategy:
        gate.development_strategy.save("strategy.pdf", ContentFile(b"%PDF-1.4 matrix"), save=True)
    _messaging_objects(w, a041)
    o["adviser"] = Adviser.objects.filter(active=True).order_by("pk").first()
    o["booking"] = AdviserDay.objects.filter(area=a041, status="planned").first()
    if o["booking"] is None:
        o["booking"] = AdviserDay.objects.create(
            area=a041,
            adviser=o["adviser"],
            date=today() + datetime.timedelta(days=7),
            days="0.5",
        )
    # An item the lead put aside on their My work: only they may bring it back.
    o["hidden_work"] = HiddenWorkItem.objects.create(
        user=w.users["lead"],
        kind="bookings_coming_up",
        content_type=ContentType.objects.get_for_model(AdviserDay),
        object_id=o["booking"].pk,
        reason="Matrix",
    )
    o["import_job"] = ImportJob.objects.create(
        round_slug="round-2", requested_by=w.users["pm"], original_name="crm.csv"
    )
    # A large export made in the background: its requester's alone.
    export = ExportJob.objects.create(
        export="areas",
        fmt="csv",
        requested_by=w.users["pm"],
        filename="ourplace-areas.csv",
        status="succeeded",
        progress=100,
        finished_at=timezone.now(),
    )
    export.file.save("export.csv", ContentFile(b"Reference\r\n"), save=True)
    o["export_job"] = export
    _surveys(w)
    _closure(w)
    _diligence(w)
    return w


def _diligence(w: World) -> None:
    """The demo's checklist in preparation, with a register check and a document (demo/diligence)."""
    from diligence.models import DueDiligence, DuplicateFlag

    o = w.objects
    o["diligence"] = DueDiligence.objects.filter(status="draft").order_by("pk").first()
    o["diligence_check"] = o["diligence"].register_checks.order_by("pk").first()
    o["diligence_doc"] = o["diligence"].documents.order_by("pk").first()
    o["duplicate_flag"] = (
        DuplicateFlag.objects.filter(resolved_at__isnull=True).order_by("pk").first()
    )


def _messaging_objects(w: World, a041) -> None:
    """A message and a staff note with documents on R2-041, and an invitation to its lead
    organisation's team."""
    o = w.objects
    for key, kind, author in (("message", Kind.MESSAGE, "lead"), ("note", Kind.NOTE, "pm")):
        message = Message(
            area=a041,
            kind=kind,
            from_lead=author == "lead",
            author=w.users[author],
            body=f"Matrix {key}",
            attachment_name=f"{key}.pdf",
            attachment_size=15,
        )
        message.attachment.save(f"{key}.pdf", ContentFile(b"%PDF-1.4 matrix"), save=True)
        o[key] = message
    o["membership"] = OrganisationMembership.objects.filter(
        organisation=a041.lead_organisation, user=w.users["lead"]
    ).first()
    o["invitation"] = Invitation.objects.create(
        organisation=a041.lead_organisation,
        email="matrix-invitee@example.org",
        invited_by=w.users["lead"],
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )


def _closure(w: World) -> None:
    """A grant closure started on R2-057, with £500 of its first paid award unspent and to be
    returned, so the closure pages have something to act on."""
    from closure import services as closure_services

    a057, o = w.areas["R2-057"], w.objects
    closure = closure_services.closure_start(area=a057, actor=w.users["pm"])
    rec = next(
        r
        for r in closure.reconciliations.select_related("award").order_by("pk")
        if closure_services.paid_on(r.award) >= 500
    )
    closure_services.reconciliation_record(
        reconciliation=rec,
        actor=w.users["pm"],
        spent=closure_services.paid_on(rec.award) - 500,
        returned_by=today() + datetime.timedelta(days=28),
    )
    o["closure"], o["reconciliation"] = closure, rec
    o["unspent"] = rec.unspent


def _surveys(w: World) -> None:
    """The demo's pilot surveys, and a round 2 lead survey opened so that the lead of R2-057 has
    an invitation to answer signed in."""
    o = w.objects
    o["survey"] = Survey.objects.get(round__slug="pilot", standard="lead")
    o["partner_survey"] = Survey.objects.get(round__slug="pilot", standard="partner")
    o["survey_link"] = (
        o["partner_survey"]
        .invitations.filter(answered_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    o["survey_link_token"] = invitation_token(o["survey_link"])
    live = survey_services.standard_survey_create(
        round=o["round"], which="lead", actor=w.users["pm"]
    )
    survey_services.survey_open(survey=live, actor=w.users["pm"])
    o["lead_invitation"] = live.invitations.get(user=w.users["lead2"])


def targets(w: World) -> dict:
    """URL name -> (the area it concerns, or None, and its URL arguments)."""
    o, a041, a057 = w.objects, w.areas["R2-041"], w.areas["R2-057"]
    ref41, ref57 = {"reference": "R2-041"}, {"reference": "R2-057"}

    def pk(name, area=a041):
        return area, {"pk": o[name].pk}

    def ref(area):
        return area, {"reference": area.reference}

    t = {
        name: (None, {})
        for name in (
            "home",
            "login",
            "logout",
            "password_change",
            "password_change_done",
            "programmes:area_list",
            "programmes:my_areas",
            "programmes:organisation_list",
            "programmes:organisation_create",
            "activity:notifications",
            "activity:notifications_read_all",
            "activity:preferences",
            "mywork",
            "mywork_count",
            "mywork_hide",
            "mywork_hidden",
            "activity:notifications_read_selected",
            "search",
            "applications:register",
            "applications:apply",
            "applications:my_applications",
            "applications:assessment_queue",
            "applications:gate_queue",
            "plans:review_queue",
            "plans:peer_review_list",
            "grants:finance",
            "grants:round_summary",
            "grants:variation_list",
            "support:my_areas",
            "earlywarning:index",
            "support:followup_list",
            "support:event_list",
            "support:event_create",
            "support:adviser_list",
            "delivery:returns_list",
            "reports:index",
            "reports:dashboard_current",
            "reports:import_index",
            "reports:export_areas_csv",
            "reports:export_areas_xlsx",
            "reports:export_360giving_csv",
            "reports:export_360giving_json",
            "reports:export_payment_run_csv",
            "reports:export_payment_run_xlsx",
            "password_reset",
            "password_reset_done",
            "password_reset_complete",
            "two_factor_setup",
            "two_factor_verify",
            "two_factor_recovery_codes",
            "two_factor_remove",
            "lockout_list",
            "grants:finance_bulk",
            "reports:import_template",
            "healthz",
            "readyz",
            "favicon",
            "privacy",
            "glossary",
        )
    }
    for name in ("person_data", "person_data_download", "person_anonymise"):
        t[name] = (None, {"pk": w.users["lead"].pk})
    t["mywork_restore"] = pk("hidden_work")
    t["mywork_group"] = (None, {"kind": "followups_due"})
    t["password_reset_confirm"] = (None, {"uidb64": "MQ", "token": "set-password"})
    for name in ("offer_detail", "offer_pdf", "offer_withdraw", "offer_reissue"):
        t[f"grants:{name}"] = pk("offer")
    t["grants:round_budget"] = (None, {"slug": "round-2"})
    t["grants:variation_new"] = pk("award")
    for name in ("detail", "approve", "cosign", "refuse", "withdraw"):
        t[f"grants:variation_{name}"] = pk("variation")
    for name in (
        "programmes:area_detail",
        "programmes:partner_add",
        "programmes:partner_options",
        "applications:gate_new",
        "applications:extension_new",
        "applications:area_leave",
        "applications:area_reinstate",
        "plans:workspace",
        "plans:strategy_edit",
        "plans:logic_model_edit",
        "plans:indicators_edit",
        "plans:cba_edit",
        "plans:plan_edit",
        "plans:plan_draft_save",
        "plans:plan_drafts_discard",
        "plans:attachment_upload",
        "plans:submit_draft",
        "plans:submit_final",
        "plans:review",
        "plans:peer_review_assign",
        "plans:version_compare",
        "support:area_support",
        "support:contact_log",
        "support:adviser_days",
        "support:assignment",
        "reports:area_request",
    ):
        t[name] = ref(a041)
    for name in (
        "delivery:area_returns",
        "delivery:area_funding",
        "delivery:area_outturn",
        "delivery:area_making_it_happen",
        "delivery:commitment_add",
    ):
        t[name] = ref(a057)
    # The area page's lazy panels (core.area_panels): one URL, each panel as a variant.
    t["programmes:area_panel"] = (a041, {**ref41, "name": "timeline"})
    for name in ("support", "contacts", "delivery"):
        t[f"programmes:area_panel#{name}"] = (a041, {**ref41, "name": name})
    # A paged panel's next page (the timeline's "Show older").
    t["programmes:area_panel_page"] = (a041, {**ref41, "name": "timeline", "page": 2})
    t["programmes:partner_edit"] = (a041, {**ref41, "pk": o["partner"].pk})
    t["programmes:partner_remove"] = (a041, {**ref41, "pk": o["partner"].pk})
    org = a041.lead_organisation
    t["programmes:organisation_detail"] = (a041, {"pk": org.pk})
    t["programmes:organisation_edit"] = (a041, {"pk": org.pk})
    # Bank details (banking/): the organisation's page and its confirmed account.
    t["banking:pending"] = (None, {})
    t["banking:organisation_bank"] = (a041, {"pk": org.pk})
    t["banking:account_enter"] = (a041, {"pk": org.pk})
    bank_account = org.bank_accounts.get(status="confirmed")
    for name in ("account_confirm", "account_reject", "account_reveal"):
        t[f"banking:{name}"] = (a041, {"pk": bank_account.pk})
    t["activity:notification_read"] = (a041, {"pk": o["notification"].pk})
    t["applications:application_new"] = (None, {"round_slug": "round-2"})
    for name in (
        "application_detail",
        "application_edit",
        "application_submit",
        "application_start",
        "application_score",
        "application_decide",
        "application_withdraw",
    ):
        t[f"applications:{name}"] = pk("application")
    for name in ("gate_detail", "gate_edit", "gate_submit", "gate_decide", "gate_withdraw"):
        t[f"applications:{name}"] = pk("gate")
    t["applications:gate_evidence"] = (a041, {"pk": o["gate"].pk, "which": "development_strategy"})
    t["plans:peer_review_detail"] = pk("peer_review")
    att = {**ref41, "pk": o["attachment"].pk}
    t["plans:attachment_download"] = (a041, att)
    t["plans:attachment_delete"] = (a041, att)
    t["plans:comment_answer"] = (a041, {**ref41, "pk": o["plan_comment"].pk})
    t["plans:version_detail"] = (a057, {**ref57, "number": o["version"].number})
    for name in ("award_detail", "award_cancel", "payment_add"):
        t[f"grants:{name}"] = pk("award")
    for name in ("payment_approve", "payment_pay", "payment_cancel", "payment_release"):
        t[f"grants:{name}"] = pk("payment")
    t["support:followup_done"] = pk("followup")
    t["support:risk_resolve"] = (a041, {**ref41, "pk": o["contact"].pk})
    for name in ("event_detail", "event_invite", "attendance"):
        t[f"support:{name}"] = (None, {"pk": o["event"].pk})
    t["support:booking_edit"] = pk("booking")
    t["support:booking_move"] = (a041, {"pk": o["booking"].pk, "move": "cancel"})
    t["support:adviser_edit"] = (None, {"pk": o["adviser"].pk})
    t["delivery:return_detail"] = pk("return", a057)
    t["delivery:return_review"] = pk("return", a057)
    t["delivery:funding_edit"] = pk("funding", a057)
    t["delivery:funding_delete"] = pk("funding", a057)
    t["delivery:outturn_edit"] = pk("outturn", a057)
    t["delivery:outturn_delete"] = pk("outturn", a057)
    c = o["commitment"]
    t["delivery:commitment_move"] = (c.application.area, {"pk": c.pk, "move": "confirm"})
    t["reports:dashboard"] = (None, {"slug": "round-2"})
    t["earlywarning:round_list"] = (None, {"slug": "round-2"})
    for name in (
        "what_worked",
        "what_worked_csv",
        "what_worked_xlsx",
        "what_worked_open_data",
        "what_worked_dictionary",
    ):
        t[f"reports:{name}"] = (None, {"slug": "round-2"})
    # Each edition of a report has its own readers: one row per edition.
    for name in ("job_detail", "job_progress", "job_retry", "job_download"):
        t[f"reports:{name}"] = pk("staff_report")
        t[f"reports:{name}#lead edition"] = pk("lead_report")
        t[f"reports:{name}#programme"] = pk("programme_report")
    for name in ("import_detail", "import_progress", "import_retry"):
        t[f"reports:{name}"] = (None, {"pk": o["import_job"].pk})
    for name in ("export_job", "export_job_progress", "export_job_download", "export_job_retry"):
        t[f"reports:{name}"] = (None, {"pk": o["export_job"].pk})
    t["messaging:thread"] = ref(a041)
    t["messaging:note_add"] = ref(a041)
    t["messaging:attachment_download"] = (a041, {**ref41, "pk": o["message"].pk})
    t["messaging:attachment_download#note"] = (a041, {**ref41, "pk": o["note"].pk})
    t["team_mine"] = (None, {})
    t["team"] = (a041, {"pk": org.pk})
    member = {"pk": org.pk, "membership_pk": o["membership"].pk}
    t["team_member_remove"] = (a041, member)
    t["team_invitation_revoke"] = (a041, {"pk": org.pk, "invitation_pk": o["invitation"].pk})
    t["invitation_accept"] = (None, {"token": team_invitation_token(o["invitation"])})
    for name in ("survey_list", "standard_create", "my_surveys"):
        t[f"surveys:{name}"] = (None, {})
    for name in ("survey_detail", "survey_settings", "survey_results", "survey_compare"):
        t[f"surveys:{name}"] = (None, {"pk": o["survey"].pk})
    t["surveys:survey_export_csv"] = (None, {"pk": o["survey"].pk})
    t["surveys:survey_move"] = (None, {"pk": o["survey"].pk, "move": "close"})
    t["surveys:partner_invite"] = (None, {"pk": o["partner_survey"].pk})
    t["surveys:invitation_revoke"] = (None, {"pk": o["survey_link"].pk})
    t["surveys:answer"] = (a057, {"pk": o["lead_invitation"].pk})
    t["surveys:answer_link"] = (None, {"token": o["survey_link_token"]})
    t["closure:closure_list"] = (None, {})
    for name in ("area_closure", "closure_start", "closure_close", "closure_correct"):
        t[f"closure:{name}"] = ref(a057)
    t["closure:reconcile"] = (a057, {"pk": o["reconciliation"].pk})
    t["closure:unspent_receive"] = (a057, {"pk": o["unspent"].pk})
    t["closure:unspent_move"] = (a057, {"pk": o["unspent"].pk, "move": "propose_write_off"})
    t["programmes:area_panel#closure"] = (a041, {**ref41, "name": "closure"})
    dd = o["diligence"]
    t["diligence:list"] = (None, {})
    for name in ("organisation", "start"):
        t[f"diligence:{name}"] = (None, {"org_pk": dd.organisation_id})
    for name in ("details", "register_check", "document", "risk_decision"):
        t[f"diligence:{name}"] = (None, {"pk": dd.pk})
    t["diligence:move"] = (None, {"pk": dd.pk, "move": "submit"})
    flag = o["duplicate_flag"]
    t["diligence:duplicate_resolve"] = (None, {"org_pk": flag.matches_id, "pk": flag.pk})
    t["diligence:register_check_remove"] = (
        None,
        {"pk": dd.pk, "check_pk": o["diligence_check"].pk},
    )
    for name in ("document_download", "document_remove"):
        t[f"diligence:{name}"] = (None, {"pk": dd.pk, "doc_pk": o["diligence_doc"].pk})
    t["reports:export_csv"] = (None, {"dataset": "payments"})
    t["reports:export_xlsx"] = (None, {"dataset": "payments"})
    # Assessors and conflicts of interest (issue 23): R2-041's application, assessed by pm.
    assessing = {"kind": "application", "pk": o["application"].pk}
    t["applications:assessors"] = (a041, assessing)
    t["applications:declare"] = (a041, assessing)
    t["applications:assessors_assign_bulk"] = (None, {})
    t["applications:assessor_remove"] = (
        a041,
        {"pk": o["application"].assessor_assignments.order_by("pk").first().pk},
    )
    t["applications:declaration_register"] = (None, {"slug": "round-2"})
    t["applications:moderation"] = (None, {"slug": "round-2"})
    t["plans:peer_declare"] = pk("peer_review")
    return t


def url_for(name: str, kwargs: dict) -> str:
    """`name` may carry a "#variant" after the URL name, for a second object of the same URL."""
    return reverse(name.split("#", 1)[0], kwargs=kwargs or None)
