"""What surveys hold about a person (core.personal_data, registered in apps.py)."""

from django.db.models import Q

from core.personal_data import PersonalData

from .models import Answer, Invitation, Response


def _invitations(person):
    q = Q(user=person)
    if person.email:
        q |= Q(email__iexact=person.email)
    return Invitation.objects.filter(q).order_by("pk")


def _invitations_anonymise(*, person, former, placeholder):
    q = Q(user=person)
    if former.get("email"):
        q |= Q(email__iexact=former["email"])
    Invitation.objects.filter(q).update(name=placeholder, email=person.email)


KINDS = (
    PersonalData(
        name="surveys_invitations",
        description="Survey invitations addressed to you.",
        rows=_invitations,
        anonymise=_invitations_anonymise,
    ),
    PersonalData(
        name="surveys_responses",
        description="Survey responses you sent.",
        rows=lambda person: Response.objects.filter(sent_by=person).order_by("pk"),
    ),
    PersonalData(
        name="surveys_answers",
        description="The answers of the survey responses you sent.",
        rows=lambda person: Answer.objects.filter(response__sent_by=person).order_by("pk"),
    ),
)
