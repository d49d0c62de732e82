"""Organisations: the lead organisations and partners of the programme's areas, each named by an
official identifier (org-id.guide's registers, as 360Giving uses them) or an internal one."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from core.validators import ONE_LINE

# The registers an organisation's official identifier can come from, as org-id.guide (the list
# 360Giving uses) names them: the identifier is the prefix, a hyphen and the register's own code.
ORG_ID_SCHEMES = [
    ("GB-CHC", "Charity Commission for England and Wales (charity number)"),
    ("GB-SC", "Scottish Charity Regulator (SC number)"),
    ("GB-NIC", "Charity Commission for Northern Ireland"),
    ("GB-COH", "Companies House (company number)"),
    ("GB-MPR", "Mutuals Public Register (co-operative or community benefit society)"),
    ("GB-LAE", "Local authority in England (register code, e.g. MAN)"),
    ("GB-LAW", "Local authority in Wales"),
    ("GB-LAS", "Local authority in Scotland"),
    ("GB-LANI", "Local authority in Northern Ireland"),
    ("GB-PLA", "Parish or town council in England (ONS parish code, e.g. E04000001)"),
    ("GB-NHS", "NHS organisation (ODS code, e.g. RR8)"),
    ("GB-EDU", "School (Department for Education URN)"),
    ("GB-GOR", "Government organisation register"),
]
# Every prefix of ORG_ID_SCHEMES (a test holds them together).
# Patterns end in \Z, not $: "$" also matches before a final line break, so "1234567\n" passed.
# Anchored so, each admits no control character and needs no single-line validator.
ORG_ID_VALIDATOR = RegexValidator(
    r"^(GB-(CHC|SC|NIC|COH|LAE|LAS|LAW|LANI|MPR|EDU|GOR|NHS|PLA)-[A-Za-z0-9]+|360G-[A-Za-z0-9-]+)\Z",
    "Use an org-id.guide identifier such as GB-CHC-1234567, GB-COH-01234567 or GB-LAE-MAN, "
    "or a 360G- programme identifier.",
)


def is_internal_identifier(identifier: str | None) -> bool:
    """Whether `identifier` is the programme's own (360G-) rather than from an official register."""
    return not identifier or identifier.startswith("360G-")


class OrganisationType(models.TextChoices):
    VCS = "vcs", "VCS body"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    OTHER_PUBLIC = "other_public", "Other public service"
    PARISH_COUNCIL = "parish_council", "Parish or town council"


class Organisation(models.Model):
    name = models.CharField(max_length=200, **ONE_LINE)
    org_type = models.CharField("type", max_length=20, choices=OrganisationType.choices)
    charity_number = models.CharField(
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^(SC)?[0-9]{6,8}\Z", "A charity number is 6 to 8 digits.")],
    )
    company_number = models.CharField(
        max_length=10,
        blank=True,
        validators=[
            RegexValidator(
                r"^([0-9]{8}|[A-Z]{2}[0-9]{6})\Z",
                "A company number is 8 digits, or 2 letters and 6 digits.",
            )
        ],
    )
    org_identifier = models.CharField(
        "organisation identifier",
        max_length=60,
        unique=True,
        blank=True,
        null=True,
        validators=[ORG_ID_VALIDATOR],
        help_text="Left blank, it is made from the charity or company number, or a programme id.",
    )
    address_line1 = models.CharField("address", max_length=200, blank=True, **ONE_LINE)
    address_line2 = models.CharField("address line 2", max_length=200, blank=True, **ONE_LINE)
    town = models.CharField("town or city", max_length=100, blank=True, **ONE_LINE)
    postcode = models.CharField(
        max_length=10,
        blank=True,
        validators=[
            RegexValidator(
                r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}\Z",
                "Enter a UK postcode, e.g. M1 1AE.",
            )
        ],
    )
    website = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True, **ONE_LINE)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The name in lower case, kept by the database itself (however the row is written) and
    # indexed: how the records import finds an organisation by name without scanning the table.
    name_key = models.GeneratedField(
        expression=Lower("name"),
        output_field=models.CharField(max_length=200),
        db_persist=True,
        db_index=True,
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(org_type__in=[c.value for c in OrganisationType]),
                name="organisation_type_valid",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programmes:organisation_detail", args=[self.pk])

    def clean(self):
        # Postcodes are stored in capitals, however they were typed.
        if self.postcode:
            self.postcode = self.postcode.upper()
        # The identifier made from a charity or company number must be unique too; without this
        # check a second organisation with the same number fails only at save, as a server error.
        if self._identifier_to_derive():
            suggested = self.suggested_identifier()
            if suggested and not suggested.startswith("360G-"):
                clash = type(self).objects.exclude(pk=self.pk).filter(org_identifier=suggested)
                if clash.exists():
                    field = "charity_number" if self.charity_number else "company_number"
                    raise ValidationError(
                        {field: f"{clash.first().name} already exists with this number."}
                    )

    def _identifier_to_derive(self) -> bool:
        """No identifier yet, or only the programme's own while a charity or company number now
        gives an official one: the internal identifier is a fallback, never kept over a real one."""
        return not self.org_identifier or (
            is_internal_identifier(self.org_identifier)
            and bool(self.charity_number or self.company_number)
        )

    def suggested_identifier(self):
        if self.charity_number:
            prefix = "GB-SC" if self.charity_number.upper().startswith("SC") else "GB-CHC"
            return f"{prefix}-{self.charity_number.upper()}"
        if self.company_number:
            return f"GB-COH-{self.company_number.upper()}"
        if self.pk:
            from django.conf import settings

            return f"360G-{settings.THREESIXTYGIVING_PREFIX}-org-{self.pk}"
        return None

    def save(self, *args, **kwargs):
        # The identifier is a derived column that must always hold, however the row is written
        # (services, admin, imports, bulk data): 360Giving exports name every organisation by it,
        # and the programme form needs the primary key, which exists only after the insert.
        if self._identifier_to_derive():
            self.org_identifier = self.suggested_identifier()
        super().save(*args, **kwargs)
        if not self.org_identifier:
            self.org_identifier = self.suggested_identifier()
            type(self).objects.filter(pk=self.pk).update(org_identifier=self.org_identifier)
