"""Subject access and anonymisation (UK GDPR) for one person, by an admin.

What is held about a person is declared by each app that holds some (`core.personal_data`,
registered in each AppConfig.ready); these services read the declarations and never import the
apps. Both write an entry on the audit trail through ``person_data_handled`` (activity records
it), as team changes do.

Anonymising keeps the organisation's case record (what the person wrote in messages, plans and
returns stays: it belongs to the area's history) but replaces who they were: names, username,
email, phone and job title become "Former user <id>", the account is closed (inactive, no usable
password, every session ended, second factor removed) and each app replaces the contact details
it keeps of them. The audit trail is hash-chained and never rewritten: pages name an entry's
actor from the user row, so they show the placeholder from now on, and the anonymisation itself
is recorded as a correction of the person's latest entry.

Someone still holding open work (an area they look after, a follow-up they own) is refused until
it is handed over: anonymising them would leave areas looked after by nobody anyone can reach.
"""

import io
import zipfile

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core import personal_data
from core.errors import require
from core.locking import copy_back, lock

from .models import AreaAssignment, Invitation, OrganisationMembership, User
from .permissions import is_admin
from .signals import person_data_handled
from .two_factor import second_factor_remove

ANONYMISED_DOMAIN = "anonymised.invalid"
ANONYMISED_FIELDS = ("first_name", "last_name", "username", "email", "phone", "job_title")


def placeholder_name(person: User) -> str:
    return f"Former user {person.pk}"


def is_anonymised(person: User) -> bool:
    return person.username == f"former-user-{person.pk}"


def _record(**entry) -> None:
    if not person_data_handled.send(sender=User, **entry):
        raise ImproperlyConfigured("Nothing records person_data_handled: is activity installed?")


def person_data_export(*, person: User, actor) -> bytes:
    """A ZIP of everything held about `person`: per kind of record (profile, memberships,
    messages, audit entries, ...) a JSON and a CSV file, the documents they uploaded, and
    contents.json listing the files. Admins only; the export is on the audit trail."""
    require((is_admin(actor), "Only an admin may export a person's data."))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in personal_data.export_files(person):
            archive.writestr(name, content)
    with transaction.atomic():
        _record(
            verb="person.data_exported",
            summary=f"Personal data of user {person.pk} exported (subject access)",
            actor=actor,
            target=person,
            reason="",
            data={"user": person.pk, "exported_at": timezone.now().isoformat()},
            corrects_entries_of=None,
            former=None,
        )
    return buffer.getvalue()


@transaction.atomic
def person_anonymise(*, person: User, actor, reason: str) -> User:
    """Replace who `person` was with "Former user <id>" and close their account (see the
    module's docstring). Admins only, with a reason; refused for oneself, for someone already
    anonymised and for someone still holding open work."""
    require((is_admin(actor), "Only an admin may anonymise a person."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": ValidationError("Say why this person is being anonymised.", code="reason")}
        )
    locked = lock(person)
    if locked.pk == actor.pk:
        raise ValidationError("You cannot anonymise yourself.", code="self")
    if is_anonymised(locked):
        raise ValidationError("This person has been anonymised already.", code="anonymised")
    open_work = personal_data.open_work_of(locked)
    if open_work:
        raise ValidationError(
            "Hand over their open work first: " + "; ".join(open_work) + ".", code="open_work"
        )
    placeholder = placeholder_name(locked)
    former = {name: getattr(locked, name) for name in ANONYMISED_FIELDS}
    locked.first_name, locked.last_name = "Former user", str(locked.pk)
    locked.username = f"former-user-{locked.pk}"
    locked.email = f"former-user-{locked.pk}@{ANONYMISED_DOMAIN}"
    locked.phone = locked.job_title = ""
    locked.is_active = False
    locked.set_unusable_password()
    locked.save()
    # Devices and recovery codes go, and every session ends.
    second_factor_remove(user=locked)
    elsewhere = personal_data.anonymise_elsewhere(
        person=locked, former=former, placeholder=placeholder
    )
    _record(
        verb="person.anonymised",
        summary=f"{placeholder}: personal details replaced (the person has left)",
        actor=actor,
        target=locked,
        reason=reason,
        data={"user": locked.pk, "fields": list(ANONYMISED_FIELDS), "records": elsewhere},
        corrects_entries_of=locked,
        # What the audit trail's summaries may name them by: used to redact them there, never
        # stored.
        former=former,
    )
    return copy_back(person, locked)


# --- What accounts holds about a person (registered in apps.py) ----------------------------------


def _invitations(person):
    q = Q(invited_by=person) | Q(accepted_by=person)
    if person.email:
        q |= Q(email__iexact=person.email)
    return Invitation.objects.filter(q).order_by("pk")


def _invitations_anonymise(*, person, former, placeholder):
    if former["email"]:
        Invitation.objects.filter(email__iexact=former["email"]).update(email=person.email)


def _assignments_open(person) -> list[str]:
    current = AreaAssignment.objects.filter(user=person, ended_on__isnull=True)
    return [
        f"looks after {a.area.reference}" for a in current.select_related("area").order_by("pk")
    ]


KINDS = (
    personal_data.PersonalData(
        name="accounts_profile",
        description="Your account: name, username, email, phone, job title, role, dates.",
        rows=lambda person: User.objects.filter(pk=person.pk),
        exclude=("password", "session_generation"),
    ),
    personal_data.PersonalData(
        name="accounts_memberships",
        description="The organisations you act for.",
        rows=lambda person: OrganisationMembership.objects.filter(user=person).order_by("pk"),
    ),
    personal_data.PersonalData(
        name="accounts_area_assignments",
        description="The areas you look after or looked after as relationship manager.",
        rows=lambda person: AreaAssignment.objects.filter(user=person).order_by("pk"),
        open_work=_assignments_open,
    ),
    personal_data.PersonalData(
        name="accounts_invitations",
        description="Invitations to a team that you sent, accepted or that were sent to you.",
        rows=_invitations,
        anonymise=_invitations_anonymise,
    ),
)
