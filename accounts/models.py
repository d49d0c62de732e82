"""Users, their role, and who belongs to which organisation or looks after which areas."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.validators import single_line_text
from core.workflow import user_role


class Role(models.TextChoices):
    PROGRAMME_MANAGER = "programme_manager", "Programme manager"
    FUNDER_OFFICER = "funder_officer", "Funder officer"
    # Approves and records payments; the second pair of eyes on money (grants/workflows.py).
    FINANCE_OFFICER = "finance_officer", "Finance officer"
    RELATIONSHIP_MANAGER = "relationship_manager", "Relationship manager"
    LEAD_ORGANISATION = "lead_organisation", "Lead organisation user"
    ADMIN = "admin", "Admin"


STAFF_ROLES = {
    Role.PROGRAMME_MANAGER,
    Role.FUNDER_OFFICER,
    Role.FINANCE_OFFICER,
    Role.RELATIONSHIP_MANAGER,
    Role.ADMIN,
}


class User(AbstractUser):
    # AbstractUser's name fields, with the single-line rule: a line break in a name reaches the
    # Subject of every email whose summary names the person.
    first_name = models.CharField(
        "first name", max_length=150, blank=True, validators=[single_line_text]
    )
    last_name = models.CharField(
        "last name", max_length=150, blank=True, validators=[single_line_text]
    )
    role = models.CharField(max_length=30, choices=Role.choices, default=Role.LEAD_ORGANISATION)
    job_title = models.CharField(max_length=120, blank=True, validators=[single_line_text])
    phone = models.CharField(max_length=30, blank=True, validators=[single_line_text])
    # Raised to end every session the user has (accounts.services.user_sessions_end): it is part of
    # the hash Django checks on each request, as the password is.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]), name="user_role_valid"
            )
        ]
        # Staff of one role (the relationship managers offered by the area list's filter) among
        # tens of thousands of lead organisation users.
        indexes = [models.Index(fields=["role"], name="user_role_idx")]

    def __str__(self):
        return self.get_full_name() or self.username

    def _get_session_auth_hash(self, secret=None):
        """Django's hash of the password (which every session carries and every request checks,
        so a changed password ends the other sessions), mixed with `session_generation` once it
        has been raised. Until then it is Django's hash unchanged: nobody is signed out by the
        field's arrival. Overrides the one method both the current and the fallback
        (SECRET_KEY_FALLBACKS) hashes come from."""
        password_hash = super()._get_session_auth_hash(secret=secret)
        if not self.session_generation:
            return password_hash
        return salted_hmac(
            "accounts.User.session_generation",
            f"{password_hash}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def is_programme_staff(self) -> bool:
        # The same answer as accounts.permissions.is_programme_staff: superusers count as admins.
        return user_role(self) in STAFF_ROLES


class OrganisationMembership(models.Model):
    """A lead organisation user belongs to one or more organisations and sees the areas they lead."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        "programmes.Organisation", on_delete=models.CASCADE, related_name="memberships"
    )
    is_primary_contact = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_once")
        ]

    def __str__(self):
        return f"{self.user} @ {self.organisation}"


class AreaAssignment(models.Model):
    """A relationship manager looks after an area from a date; reassignment ends the current row
    and starts another, so the history is kept."""

    area = models.ForeignKey(
        "programmes.Area", on_delete=models.CASCADE, related_name="assignments"
    )
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="area_assignments")
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["area", "-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["area"],
                condition=Q(ended_on__isnull=True),
                name="one_current_relationship_manager_per_area",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="assignment_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.user} looks after {self.area.reference}"

    @property
    def is_current(self):
        return self.ended_on is None


class Invitation(models.Model):
    """An invitation to join an organisation's team, sent by email as a signed link
    (accounts.invitations). The link expires after `INVITATION_VALID_DAYS` and works once; a
    member of the organisation or a programme manager can revoke it before then."""

    organisation = models.ForeignKey(
        "programmes.Organisation", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitation_accepted_or_revoked_not_both",
            )
        ]

    def __str__(self):
        return f"{self.email} to {self.organisation_id}"

    @property
    def state(self) -> str:
        """pending, accepted, revoked or expired (in that order of precedence)."""
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"
