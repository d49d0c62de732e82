"""Due diligence in the demo: every admitted lead organisation's checklist is prepared by the
programme manager and confirmed by the admin before its admission awards money (``clear``, called
from areas), and this step shows the other states, each on an organisation of its own: a checklist
being prepared, one awaiting the programme manager's confirmation, one returned, a high fraud
risk awaiting a decision, a high risk with the decision to proceed, a medium risk, and one that
has expired (so the finance list shows its payments held); and two possible duplicate
organisations, one decided."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from activity.services import activity_batch, activity_record_many
from diligence import selectors, services
from diligence.models import FraudRisk, GovernanceDocument, RegisterCheck
from programmes.models import Area, AreaStatus, Organisation, OrganisationType

from .context import DEMO_PDF, DemoContext, at


def _fill(dd, org, actor, *, when, risk=FraudRisk.LOW, complete=True):
    """The checklist's parts, through the services."""
    if org.charity_number:
        register, number = RegisterCheck.Register.CHARITY, org.charity_number
    elif org.company_number:
        register, number = RegisterCheck.Register.COMPANY, org.company_number
    else:
        register, number = RegisterCheck.Register.OTHER, org.org_identifier or org.name
    services.register_check_add(
        diligence=dd,
        actor=actor,
        register=register,
        register_name=""
        if register != RegisterCheck.Register.OTHER
        else "Local government register",
        identifier=number,
        checked_on=when,
        outcome=RegisterCheck.Outcome.CLEAR,
        finding="Registered and active; latest return filed on time; no regulatory action.",
    )
    if org.company_number and org.charity_number:
        services.register_check_add(
            diligence=dd,
            actor=actor,
            register=RegisterCheck.Register.COMPANY,
            identifier=org.company_number,
            checked_on=when,
            outcome=RegisterCheck.Outcome.CLEAR,
            finding="Active; confirmation statement up to date.",
        )
    kinds = GovernanceDocument.REQUIRED if complete else GovernanceDocument.REQUIRED[:1]
    for kind in kinds:
        services.document_add(
            diligence=dd,
            actor=actor,
            kind=kind,
            uploaded_file=SimpleUploadedFile(f"{kind}.pdf", DEMO_PDF),
            review_on=when + datetime.timedelta(days=300),
        )
    if not complete:
        return
    reasons = {
        FraudRisk.LOW: "Long-established, clean filings, named finance lead and two signatories.",
        FraudRisk.MEDIUM: "Young organisation with one set of accounts; small finance team.",
        FraudRisk.HIGH: "Accounts filed late twice; a trustee also sits on a supplier's board.",
    }
    services.diligence_update(
        diligence=dd,
        actor=actor,
        accounts_year_end=when - datetime.timedelta(days=160),
        accounts_income=Decimal(40000 + (org.pk * 7919) % 400000),
        accounts_notes="Unqualified accounts; reserves of about three months' running costs.",
        conflicts_answered=True,
        conflicts_declared=""
        if risk == FraudRisk.LOW
        else "One trustee is married to a council officer on the area's steering group.",
        fraud_risk=risk,
        fraud_risk_reasons=reasons[risk],
        fraud_mitigations=""
        if risk == FraudRisk.LOW
        else "Payments in arrears against receipts; the trustee stands aside from decisions.",
    )


def _checklist(org, users, *, days_ago, risk=FraudRisk.LOW, upto="confirmed"):
    """A checklist for `org` taken as far as `upto` (draft, submitted, returned, confirmed)."""
    pm, admin = users["pm"], users["admin"]
    # The admin prepares the one awaiting confirmation, so the programme manager may confirm it.
    preparer, confirmer = (admin, pm) if upto == "submitted" else (pm, admin)
    when = timezone.localdate() - datetime.timedelta(days=days_ago)
    # Starting and filling in the checklist notify nobody: their entries are appended in one go
    # (in the same order, before the submission's), not one chain lock each.
    with activity_batch() as entries:
        dd = services.diligence_start(organisation=org, actor=preparer, occurred_at=at(when, 9))
        _fill(dd, org, preparer, when=when, risk=risk, complete=upto != "draft")
    activity_record_many(entries)
    if upto == "draft":
        return dd
    services.diligence_submit(diligence=dd, actor=preparer, occurred_at=at(when, 11))
    if upto == "returned":
        return services.diligence_return(
            diligence=dd,
            actor=confirmer,
            reason="The safeguarding policy is from 2019: ask for the current one.",
        )
    if upto == "submitted":
        return dd
    return services.diligence_confirm(diligence=dd, actor=confirmer, occurred_at=at(when, 15))


def clear(org, users, i: int) -> None:
    """Before a lead organisation's admission awards money: its checklist prepared and confirmed
    (once; an organisation leading two areas is checked once). Confirmed between 20 and 350
    days ago, so some expire within 60 days."""
    current = selectors.current_for(org.pk)
    if current is not None and not current.is_expired(timezone.localdate()):
        return
    _checklist(org, users, days_ago=20 + (i * 37) % 330)


def load(ctx: DemoContext) -> DemoContext:
    if not ctx.created:
        return ctx
    users = ctx.users
    # Organisations that applied and lead no area: their checklists show the open states.
    spare = list(
        Organisation.objects.filter(applications__isnull=False, led_areas__isnull=True)
        .distinct()
        .order_by("name")[:6]
    )
    plan = [
        ("draft", FraudRisk.LOW, "draft"),
        ("submitted", FraudRisk.LOW, "submitted"),
        ("returned", FraudRisk.MEDIUM, "returned"),
        ("high, no decision", FraudRisk.HIGH, "confirmed"),
        ("high, proceed", FraudRisk.HIGH, "confirmed"),
        ("medium", FraudRisk.MEDIUM, "confirmed"),
    ]
    for org, (_, risk, upto) in zip(spare, plan, strict=False):
        dd = _checklist(org, users, days_ago=12, risk=risk, upto=upto)
        if upto == "confirmed" and risk == FraudRisk.HIGH and org == spare[4]:
            services.risk_decide(
                diligence=dd,
                actor=users["pm"],
                decision="proceed",
                reason="The trustee has stood aside; payments go in arrears against receipts.",
            )
    _duplicates(spare, users)
    # Expired: a year passes in the demo only by moving the date. A withdrawn pilot area's lead
    # (no money still to move, so no other page changes) shows what expiry looks like.
    withdrawn = (
        Area.objects.filter(round=ctx.finished_round, status=AreaStatus.WITHDRAWN)
        .order_by("reference")
        .select_related("lead_organisation")
    )
    for area in withdrawn:
        org = area.lead_organisation
        if org.led_areas.count() == 1:
            current = selectors.current_for(org.pk)
            current.__class__.objects.filter(pk=current.pk).update(
                confirmed_on=timezone.localdate() - datetime.timedelta(days=400),
                expires_on=timezone.localdate() - datetime.timedelta(days=35),
            )
            break
    return ctx


def _duplicates(spare, users) -> None:
    """Two organisations that registered again under nearly the same name (sign-up flags each as
    a possible duplicate): one still to be looked at, one the programme manager decided."""
    from diligence.models import DuplicateFlag

    # VCS bodies: a council's or parish's record carries its official register code, and a
    # second record of it would have one too (unique), so they would not arrive this way.
    bodies = [org for org in spare if org.org_type == OrganisationType.VCS][:2]
    for original, decided in zip(bodies, (False, True), strict=False):
        again = Organisation.objects.create(
            name=f"The {original.name}", org_type=original.org_type, town=original.town
        )
        if decided:
            services.duplicate_resolve(
                flag=DuplicateFlag.objects.get(organisation=again, matches=original, rule="name"),
                actor=users["pm"],
                resolution="different",
                note="Different towns and trustees; the registers list them apart.",
            )
