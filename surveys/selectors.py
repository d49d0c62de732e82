"""Reading surveys: who a survey reaches, the lists pages show, and response tracking."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from delivery.comparisons import add_months
from programmes.models import Area, AreaStage, AreaStatus, OrganisationType, Partner

from .models import Audience, Invitation, OpeningRule, Survey

SURVEYED_STAGES = (AreaStage.IMPLEMENTATION, AreaStage.MAKING_IT_HAPPEN)


def sign_off_dates(*, round) -> dict[int, datetime.date]:
    """Each signed-off area's sign-off date, by area id."""
    from plans.models import OperationalPlan

    return {
        area_id: decided_at.date()
        for area_id, decided_at in OperationalPlan.objects.filter(
            area__round=round, status="signed_off", decided_at__isnull=False
        ).values_list("area_id", "decided_at")
    }


def eligible_areas(*, survey: Survey, today: datetime.date) -> list[Area]:
    """The round's areas in implementation (signed off, still active) that the survey reaches by
    `today`: all of them from its opening date, or each once its months after sign-off are up."""
    areas = list(
        Area.objects.filter(
            round=survey.round, stage__in=SURVEYED_STAGES, status=AreaStatus.ACTIVE
        ).select_related("lead_organisation")
    )
    if survey.opening_rule == OpeningRule.DATE:
        return areas if survey.opens_on and survey.opens_on <= today else []
    signed = sign_off_dates(round=survey.round)
    months = survey.months_after_sign_off or 0
    return [a for a in areas if a.pk in signed and add_months(signed[a.pk], months) <= today]


def _lead_contacts(areas: list[Area]) -> list[dict]:
    contacts = []
    for area in areas:
        org = area.lead_organisation
        members = [
            m.user
            for m in org.memberships.select_related("user").order_by("pk")
            if m.user.is_active and m.user.email
        ]
        for user in members:
            contacts.append(
                {
                    "area": area,
                    "organisation": org,
                    "user": user,
                    "email": user.email,
                    "name": user.get_full_name(),
                }
            )
        if not members and org.email:
            contacts.append({"area": area, "organisation": org, "email": org.email, "name": ""})
    return contacts


def _partner_contacts(areas: list[Area]) -> list[dict]:
    partners = (
        Partner.objects.filter(area__in=areas)
        .exclude(organisation__email="")
        .select_related("area", "organisation")
    )
    return [
        {
            "area": p.area,
            "organisation": p.organisation,
            "email": p.organisation.email,
            "name": p.contact_name,
        }
        for p in partners
    ]


def contacts_to_invite(*, survey: Survey, today: datetime.date) -> list[dict]:
    """Everyone the survey reaches today who has no invitation yet: keyword arguments for
    `invitation_create`."""
    areas = eligible_areas(survey=survey, today=today)
    found = _lead_contacts(areas) if survey.audience == Audience.LEAD else _partner_contacts(areas)
    invited = {
        (area_id, org_id, email.lower())
        for area_id, org_id, email in survey.invitations.values_list(
            "area_id", "organisation_id", "email"
        )
    }
    return [
        c for c in found if (c["area"].pk, c["organisation"].pk, c["email"].lower()) not in invited
    ]


def invitations_awaiting(*, survey: Survey, now) -> QuerySet[Invitation]:
    return survey.invitations.filter(
        answered_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    )


def survey_list() -> QuerySet[Survey]:
    return (
        Survey.objects.select_related("round")
        .annotate(
            invited=Count("invitations", distinct=True),
            answered=Count("invitations", filter=Q(invitations__answered_at__isnull=False)),
        )
        .order_by("-round__starts_on", "audience")
    )


def survey_detail(*, pk) -> Survey | None:
    return Survey.objects.select_related("round").filter(pk=pk).first()


def survey_invitations(*, survey: Survey) -> QuerySet[Invitation]:
    return survey.invitations.select_related("area", "organisation", "response").order_by(
        "area__reference", "email"
    )


def my_invitations(*, user) -> QuerySet[Invitation]:
    """A lead contact's invitations: their own, or their organisations' (signed in)."""
    return (
        Invitation.objects.filter(
            Q(user=user)
            | Q(
                user__isnull=True,
                organisation__memberships__user=user,
                survey__audience=Audience.LEAD,
            )
        )
        .select_related("survey", "area", "response")
        .distinct()
        .order_by("-invited_at")
    )


def round_partners(*, survey: Survey) -> QuerySet[Partner]:
    return (
        Partner.objects.filter(area__round=survey.round, area__stage__in=SURVEYED_STAGES)
        .select_related("area", "organisation")
        .order_by("area__reference", "organisation__name")
    )


# --- Response tracking ---------------------------------------------------------------------------


@dataclass
class Rate:
    answered: int
    invited: int
    noun: str

    @property
    def pct(self) -> int | None:
        return round(100 * self.answered / self.invited) if self.invited else None

    def __str__(self):
        if not self.invited:
            return f"no {self.noun} invited yet"
        return f"{self.answered} of {self.invited} {self.noun}, {self.pct}%"


def tracking(*, survey: Survey) -> dict:
    """Invited, opened and answered: people, areas (the response rate), and by organisation
    type. Two queries."""
    rows = list(
        survey.invitations.filter(revoked_at__isnull=True).values(
            "area_id", "org_type", "opened_at", "answered_at"
        )
    )
    people = Counter()
    by_type: dict[str, Counter] = {t.value: Counter() for t in OrganisationType}
    areas_invited, areas_answered = set(), set()
    for row in rows:
        counts = (
            "invited",
            "opened" if row["opened_at"] else None,
            "answered" if row["answered_at"] else None,
        )
        for key in filter(None, counts):
            people[key] += 1
            by_type[row["org_type"]][key] += 1
        areas_invited.add(row["area_id"])
        if row["answered_at"]:
            areas_answered.add(row["area_id"])
    revoked = survey.invitations.filter(revoked_at__isnull=False).count()
    return {
        "people": people,
        "revoked": revoked,
        "area_rate": Rate(len(areas_answered), len(areas_invited), "areas"),
        "people_rate": Rate(people["answered"], people["invited"], "people invited"),
        "by_type": [
            {
                "label": t.label,
                **{key: by_type[t.value][key] for key in ("invited", "opened", "answered")},
                "rate": Rate(by_type[t.value]["answered"], by_type[t.value]["invited"], "invited"),
            }
            for t in OrganisationType
            if by_type[t.value]["invited"]
        ],
    }


def tracking_by_round() -> list[dict]:
    """Every survey's response rate, newest round first, for the surveys list."""
    return [
        {"survey": s, "rate": Rate(s.answered, s.invited, "people invited")} for s in survey_list()
    ]


def round_surveys_with_answers(*, round) -> list[Survey]:
    """The round's surveys that have at least one sent response, for the programme report."""
    return list(
        Survey.objects.filter(round=round, invitations__answered_at__isnull=False)
        .distinct()
        .order_by("audience", "pk")
    )
